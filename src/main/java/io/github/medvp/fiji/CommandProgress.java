package io.github.medvp.fiji;

import io.github.medvp.Progress;
import org.scijava.Cancelable;
import org.scijava.Context;
import org.scijava.Contextual;
import org.scijava.app.StatusService;
import org.scijava.command.CommandModule;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.module.event.ModuleCanceledEvent;
import org.scijava.module.event.ModuleErroredEvent;
import org.scijava.module.event.ModuleExecutedEvent;
import org.scijava.module.event.ModuleFinishedEvent;
import org.scijava.object.ObjectService;
import org.scijava.task.Task;
import org.scijava.task.TaskService;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Reports a pipeline's progress through SciJava's status bar, log and task service, with an ETA, and turns a
 * cancelled command (or a task cancelled in Fiji's task monitor) into a cancelled pipeline.
 * <p>
 * Status updates are throttled: a training loop may report hundreds of steps per second on tiny inputs, and
 * every status event repaints Fiji's status bar. The ETA of a stage extrapolates the time per unit since the
 * stage's first report (a stage whose count goes back to where it began starts again). When the command has a
 * context with a {@link TaskService}, the work also appears as one task (progress, message, a cancel button in
 * Fiji); it is finished when the command's module ends. Every report, unthrottled, also goes to the
 * {@link Listener}s in the context's {@link ObjectService} on the reporting thread: the launcher's terminal output.
 * <p>
 * From its first report until {@link #close()}, a JVM shutdown (SIGTERM to headless Fiji, Fiji quitting) cancels the
 * command and waits for it to stop at its next step ({@link Termination}), so a training run saves {@code last}
 * instead of dying inside libtorch. Commands open one in try-with-resources around their pipeline call.
 */
public final class CommandProgress implements Progress, AutoCloseable {

    private static final long MIN_INTERVAL_NANOS = 100_000_000L;

    /**
     * Receives every report as it is made, on the reporting thread; SciJava's status events come later on pooled
     * threads, so out of order.
     */
    public interface Listener {
        /**
         * @param text the status line without the count: the stage, its message and an ETA
         * @param tick whether it was a {@link Progress#tick}
         */
        void report(String stage, long done, long total, String text, boolean tick);
    }

    private final StatusService status;
    private final LogService log;
    private final Cancelable command;
    private final LongSupplier clock;
    private long lastUpdate = Long.MIN_VALUE;
    private String stage;
    private long stageStart;
    private long stageStartDone;
    private long stageDone;
    private Task task;
    private List<Listener> listeners = List.of();
    private boolean attached;
    private TaskEnder ender;
    private Termination termination;
    private boolean closed;

    /**
     * @param status may be null (then nothing is shown)
     * @param log may be null
     * @param command the running command, asked whether the user cancelled; may be null
     */
    public CommandProgress(StatusService status, LogService log, Cancelable command) {
        this(status, log, command, System::nanoTime);
    }

    CommandProgress(StatusService status, LogService log, Cancelable command, LongSupplier nanoClock) {
        this.status = status;
        this.log = log;
        this.command = command;
        this.clock = nanoClock;
    }

    @Override
    public void update(String stage, long done, long total, String message) {
        report(stage, done, total, message, false);
    }

    @Override
    public void tick(String stage, long done, long total, String message) {
        report(stage, done, total, message, true);
    }

    private synchronized void report(String stage, long done, long total, String message, boolean tick) {
        long now = clock.getAsLong();
        // A stage runs again when its count is back where it began (not merely lower: a late parallel report).
        if (!stage.equals(this.stage) || (done <= stageStartDone && stageDone > stageStartDone)) {
            this.stage = stage;
            stageStart = now;
            stageStartDone = done;
        }
        stageDone = done;
        String text = message == null || message.isEmpty() ? stage : stage + ": " + message;
        String eta = eta(now, done, total);
        if (eta != null && !text.contains(" ETA ")) {
            text += " (ETA " + eta + ")";
        }
        Task t = attach();
        for (Listener l : listeners) {
            l.report(stage, done, total, text, tick);
        }
        boolean last = total > 0 && done >= total;
        if (!last && lastUpdate != Long.MIN_VALUE && now - lastUpdate < MIN_INTERVAL_NANOS) {
            return;
        }
        lastUpdate = now;
        if (t != null) {
            t.setProgressMaximum(Math.max(total, 0));
            t.setProgressValue(Math.max(done, 0));
            t.setStatusMessage(text);
        }
        if (status == null) {
            return;
        }
        // A maximum of 0 (not SciJava's -1) marks "ours, total unknown", telling pipeline progress from the
        // framework's own status chatter.
        status.showStatus((int) Math.min(Math.max(done, 0), Integer.MAX_VALUE),
                (int) Math.min(Math.max(total, 0), Integer.MAX_VALUE), text);
    }

    /** Remaining time of the current stage, e.g. "3m 05s", or null before there is a rate to extrapolate. */
    private String eta(long now, long done, long total) {
        long units = done - stageStartDone;
        if (total <= 0 || units <= 0 || done >= total) {
            return null;
        }
        double perUnit = (double) (now - stageStart) / units;
        return format(Math.round(perUnit * (total - done) / 1e9));
    }

    /** Seconds as "45s", "3m 05s" or "2h 07m". */
    static String format(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format("%dm %02ds", seconds / 60, seconds % 60);
        }
        return String.format("%dh %02dm", seconds / 3600, (seconds % 3600) / 60);
    }

    /**
     * The pipeline has returned or failed: a JVM shutdown no longer waits for it. Idempotent; the task itself is
     * finished by the module's end.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (termination != null) {
            termination.commandEnded();
        }
    }

    private void warn(String line) {
        if (log != null) {
            log.warn(line);
        } else {
            System.err.println("medvp: " + line);
        }
    }

    @Override
    public void log(String line) {
        if (log != null) {
            log.info(line);
        }
    }

    @Override
    public boolean isCancelled() {
        Task t;
        synchronized (this) {
            t = task;
        }
        return (command != null && command.isCanceled()) || (t != null && t.isCanceled())
                || Thread.currentThread().isInterrupted();
    }

    /**
     * On the first report: the shutdown hook, the listeners, and the command's task when its context has a task
     * service.
     *
     * @return the task, or null
     */
    private Task attach() {
        if (attached) {
            return task;
        }
        attached = true;
        if (command != null && !closed) {
            termination = Termination.forCommand(command, this::warn);
        }
        Context context = command instanceof Contextual c ? c.getContext() : null;
        ObjectService objects = context == null ? null : context.getService(ObjectService.class);
        if (objects != null) {
            listeners = List.copyOf(objects.getObjects(Listener.class));
        }
        TaskService tasks = context == null ? null : context.getService(TaskService.class);
        if (tasks == null) {
            return null;
        }
        task = tasks.createTask(command.getClass().getSimpleName().replaceFirst("Command$", ""));
        task.setCancelCallBack(() -> command.cancel("cancelled in the task monitor"));
        EventService events = context.getService(EventService.class);
        if (events != null) {
            ender = new TaskEnder(command, task);
            events.subscribe(ender);
        }
        task.start();
        return task;
    }

    /** Finishes the task when the module running our command ends, however it ends. */
    static final class TaskEnder {
        private final Cancelable command;
        private final Task task;

        TaskEnder(Cancelable command, Task task) {
            this.command = command;
            this.task = task;
        }

        private void end(Module m) {
            if (m instanceof CommandModule cm && cm.getCommand() == command && !task.isDone()) {
                task.finish();
            }
        }

        @EventHandler
        public void onFinished(ModuleFinishedEvent e) {
            end(e.getModule());
        }

        @EventHandler
        public void onExecuted(ModuleExecutedEvent e) {
            end(e.getModule());
        }

        @EventHandler
        public void onErrored(ModuleErroredEvent e) {
            end(e.getModule());
        }

        @EventHandler
        public void onCanceled(ModuleCanceledEvent e) {
            end(e.getModule());
        }
    }
}
