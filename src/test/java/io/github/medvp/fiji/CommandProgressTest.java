package io.github.medvp.fiji;

import io.github.medvp.fiji.commands.BrainMvpPretrainCommand;
import io.github.medvp.fiji.commands.PretrainData;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.MetricsLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.app.event.StatusEvent;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.command.ContextCommand;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.object.ObjectService;
import org.scijava.task.Task;
import org.scijava.task.TaskService;
import org.scijava.task.event.TaskEvent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress through SciJava: status lines with an ETA, a task per command, and cancel from the task monitor. */
class CommandProgressTest {

    @TempDir
    static Path shared;
    private static Path data;

    @BeforeAll
    static void writeStudies() throws Exception {
        data = PretrainData.write(shared.resolve("studies"), 3, 32);
    }

    /** Collects status lines and tasks as Fiji's status bar and task monitor would see them. */
    public static final class Seen {
        final List<String> status = new CopyOnWriteArrayList<>();
        final List<Task> tasks = new CopyOnWriteArrayList<>();

        @EventHandler
        public void onStatus(StatusEvent e) {
            if (e.getStatusMessage() != null && e.getProgressMaximum() >= 0) {
                status.add(e.getProgressValue() + "/" + e.getProgressMaximum() + " " + e.getStatusMessage());
            }
        }

        @EventHandler
        public void onTask(TaskEvent e) {
            if (!tasks.contains(e.getTask())) {
                tasks.add(e.getTask());
            }
        }
    }

    /** Collects reports and the threads they arrive on. */
    static final class Reports implements CommandProgress.Listener {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        @Override
        public void report(String stage, long done, long total, String text, boolean tick) {
            seen.add(done + "/" + total + (tick ? " tick " : " ") + text);
            threads.add(Thread.currentThread());
        }
    }

    /** A command that exists only to own a progress. */
    static final class Idle extends ContextCommand {
        @Override
        public void run() {
        }
    }

    @Test
    void etaExtrapolatesTheStagesRateAndThrottlingKeepsTheLastUpdate() throws Exception {
        try (Context context = new Context(StatusService.class, TaskService.class)) {
            Seen seen = new Seen();
            context.service(EventService.class).subscribe(seen);
            long[] now = {0};
            Idle cmd = new Idle();
            cmd.setContext(context);
            try (CommandProgress p = new CommandProgress(context.service(StatusService.class), null, cmd,
                    () -> now[0])) {
                p.update("train", 0, 100, "loss=1");
                now[0] = 50_000_000L; // 50 ms later: throttled
                p.update("train", 1, 100, "loss=0.9");
                now[0] = 5_000_000_000L; // 10 units in 5 s -> 90 more take 45 s
                p.update("train", 10, 100, "loss=0.5");
                now[0] = 5_010_000_000L;
                p.update("train", 100, 100, "done"); // the last update always shows, without ETA
                now[0] = 400_000_000_000L;
                p.update("validate", 0, 4, null); // a new stage starts its own rate
                now[0] = 400_000_000_000L + 150_000_000_000L;
                p.update("validate", 1, 4, null); // 150 s per unit, 3 left
                // Status events are delivered asynchronously, in no guaranteed order.
                for (int i = 0; i < 200 && seen.status.size() < 5; i++) {
                    Thread.sleep(10);
                }
                assertEquals(java.util.Set.of("0/100 train: loss=1", "10/100 train: loss=0.5 (ETA 45s)",
                        "100/100 train: done", "0/4 validate", "1/4 validate (ETA 7m 30s)"),
                        java.util.Set.copyOf(seen.status));
                assertEquals(5, seen.status.size(), seen.status::toString);
                assertEquals(1, seen.tasks.size());
                Task task = seen.tasks.get(0);
                assertEquals(1, task.getProgressValue());
                assertEquals(4, task.getProgressMaximum());
                assertEquals("validate (ETA 7m 30s)", task.getStatusMessage());
                assertFalse(p.isCancelled());
                task.cancel("user");
                assertTrue(p.isCancelled());
                assertTrue(cmd.isCanceled(), "the task's cancel reaches the command");
            }
        }
        assertEquals("2h 07m", CommandProgress.format(7620));
    }

    @Test
    void listenersGetEveryReportAtOnceOnTheReportingThreadWithTicksMarked() {
        try (Context context = new Context(StatusService.class, ObjectService.class)) {
            Reports reports = new Reports();
            context.service(ObjectService.class).addObject(reports);
            long[] now = {0};
            Idle cmd = new Idle();
            cmd.setContext(context);
            try (CommandProgress p = new CommandProgress(context.service(StatusService.class), null, cmd,
                    () -> now[0])) {
                p.tick("train", 1, 4, "step 1/4");
                p.update("train", 2, 4, "step 2/4 ETA 0:00:02"); // its own ETA: not repeated
                now[0] = 1_000_000_000L;
                p.tick("train", 3, 4, "step 3/4"); // unthrottled, unlike the status bar
                p.update("train", 4, 4, "step 4/4");
                p.update("segment", 0, 2, "a");
                now[0] = 2_000_000_000L;
                p.update("segment", 1, 2, "b");
                p.update("segment", 2, 2, null);
                now[0] = 30_000_000_000L;
                p.update("segment", 0, 2, "a"); // the stage again: its ETA starts afresh
                now[0] = 31_000_000_000L;
                p.update("segment", 1, 2, "b");
            }
            assertEquals(List.of("1/4 tick train: step 1/4", "2/4 train: step 2/4 ETA 0:00:02",
                    "3/4 tick train: step 3/4 (ETA 1s)", "4/4 train: step 4/4", "0/2 segment: a",
                    "1/2 segment: b (ETA 1s)", "2/2 segment", "0/2 segment: a", "1/2 segment: b (ETA 1s)"),
                    reports.seen);
            assertTrue(reports.threads.stream().allMatch(t -> t == Thread.currentThread()));
        }
    }

    @Test
    void longPretrainingCancelledInTheTaskMonitorLeavesAResumableCheckpoint() throws Exception {
        Path run = shared.resolve("run");
        try (Context context = new Context(CommandService.class, StatusService.class, TaskService.class)) {
            Seen seen = new Seen();
            context.service(EventService.class).subscribe(seen);
            // 50 epochs x 3 steps: minutes of work unless cancelled.
            Future<CommandModule> f = context.service(CommandService.class).run(BrainMvpPretrainCommand.class, true,
                    pretrain(run, 50, false));
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (seen.status.stream().noneMatch(s -> s.startsWith("4/150 ") || s.matches("([5-9]|\\d\\d+)/150 .*"))
                    && System.nanoTime() < deadline && !f.isDone()) {
                Thread.sleep(20);
            }
            assertFalse(f.isDone(), "the run ended before it could be cancelled: " + seen.status);
            // Each step is a log line (log_every 1) with the loop's own ETA, which the status does not repeat.
            assertTrue(seen.status.stream().anyMatch(s -> s.contains(" ETA ") && !s.contains("(ETA ")),
                    seen.status::toString);
            Task task = seen.tasks.get(0);
            task.cancel("stop");
            CommandModule m = f.get();
            assertTrue(m.isCanceled() || ((ContextCommand) m.getCommand()).isCanceled());
            assertTrue(task.isDone(), "the task ends with its command");
        } catch (java.util.concurrent.ExecutionException e) {
            // The pipeline reports a cancel as CancelledException once it saved its checkpoint.
            assertTrue(CommandRunner.isCancel(e), () -> String.valueOf(e.getCause()));
        }
        Path last = run.resolve("checkpoints").resolve("last.safetensors");
        long saved = Checkpoints.read(last).step();
        assertTrue(saved >= 4 && saved < 150, "saved at step " + saved);
        assertEquals(saved, MetricsLog.read(run.resolve("metrics.csv")).get("step").length);
        // Resume through the command layer: the run continues from the saved step to the end of epoch 3.
        try (Context context = new Context(CommandService.class)) {
            long target = (saved / 3 + 1) * 3;
            CommandModule m = context.service(CommandService.class).run(BrainMvpPretrainCommand.class, true,
                    pretrain(run, (int) (target / 3), true)).get();
            String summary = (String) m.getOutput("summary");
            assertNotNull(summary);
            assertTrue(summary.contains(target + " optimiser steps (resumed from step " + saved + ")"), summary);
        }
        assertTrue(Files.isRegularFile(run.resolve("curves.png")));
    }

    private static Object[] pretrain(Path run, int epochs, boolean resume) {
        return new Object[] {"data", data.toFile(), "output", run.toFile(), "preset", "tiny", "epochs", epochs,
            "crop", 32, "grid", "48,48,48", "batch", 1, "accumulation", 1, "warmup_epochs", 0, "contrastive_epoch", 0,
            "workers", 1, "device", "cpu", "log_every", 1, "resume", resume, "skip_bad", false, "aliases", "",
            "lr", 3e-4, "weight_decay", 1e-5, "seed", 46L};
    }
}
