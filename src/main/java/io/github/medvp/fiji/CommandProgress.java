package io.github.medvp.fiji;

import io.github.medvp.Progress;
import org.scijava.Cancelable;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;

/**
 * Reports a pipeline's progress through SciJava's status bar and log, and turns a cancelled command into a
 * cancelled pipeline.
 * <p>
 * Status updates are throttled: a training loop may report hundreds of steps per second on tiny inputs, and
 * every status event repaints Fiji's status bar.
 */
public final class CommandProgress implements Progress {

    private static final long MIN_INTERVAL_NANOS = 100_000_000L;

    private final StatusService status;
    private final LogService log;
    private final Cancelable command;
    private long lastUpdate;

    /**
     * @param status may be null (then nothing is shown)
     * @param log may be null
     * @param command the running command, asked whether the user cancelled; may be null
     */
    public CommandProgress(StatusService status, LogService log, Cancelable command) {
        this.status = status;
        this.log = log;
        this.command = command;
    }

    @Override
    public synchronized void update(String stage, long done, long total, String message) {
        long now = System.nanoTime();
        boolean last = total > 0 && done >= total;
        if (!last && now - lastUpdate < MIN_INTERVAL_NANOS) {
            return;
        }
        lastUpdate = now;
        if (status == null) {
            return;
        }
        String text = message == null || message.isEmpty() ? stage : stage + ": " + message;
        // A maximum of 0 (not SciJava's -1) marks "ours, total unknown" so the launcher can tell pipeline progress
        // from the framework's own status chatter.
        status.showStatus((int) Math.min(Math.max(done, 0), Integer.MAX_VALUE),
                (int) Math.min(Math.max(total, 0), Integer.MAX_VALUE), text);
    }

    @Override
    public void log(String line) {
        if (log != null) {
            log.info(line);
        }
    }

    @Override
    public boolean isCancelled() {
        return (command != null && command.isCanceled()) || Thread.currentThread().isInterrupted();
    }
}
