package io.github.medvp.fiji;

import io.github.medvp.fiji.commands.BrainMvpPretrainCommand;
import io.github.medvp.fiji.commands.PretrainData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.train.Checkpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a training launcher process (what a scheduler sends at a time limit): the run stops at its next step,
 * saves {@code last} and exits without a crash. Before the hook, the JVM exited under a running libtorch step and
 * crashed in its static destructors (SIGSEGV, an hs_err file), losing the steps since the last checkpoint. The
 * same for a command run as Fiji's {@code --headless --run} runs it ({@link HeadlessRun}).
 */
class TerminationTest {

    @TempDir
    Path dir;

    @Test
    void sigtermStopsTrainingAtItsNextStepAndSavesIt() throws Exception {
        String out = signalTraining(Launcher.class.getName(), "brainmvp-pretrain");
        assertTrue(out.contains("medvp: terminating") && out.contains("cancelled"), out);
    }

    /** Fiji's own headless run has no launcher: the command's progress installs the hook. */
    @Test
    void sigtermToAHeadlessFijiRunStopsTrainingTheSameWay() throws Exception {
        String out = signalTraining(HeadlessRun.class.getName(), BrainMvpPretrainCommand.class.getName());
        assertTrue(out.contains("terminating: stopping the command at its next step"), out);
    }

    /** Starts a training process, sends SIGTERM after 3 steps, checks how it ended; returns its output. */
    private String signalTraining(String main, String command) throws Exception {
        Path raw = PretrainData.write(dir.resolve("raw"), 6, 32);
        Path run = dir.resolve("run");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx2g", "-Dai.djl.offline=true", "-Djava.awt.headless=true",
                "-Djava.util.prefs.userRoot=" + dir.resolve("prefs"), "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"),
                "-cp", System.getProperty("java.class.path"), main, command,
                "data=" + raw, "output=" + run, "preset=tiny", "epochs=1000", "crop=32", "grid=48,48,48", "batch=2",
                "accumulation=1", "workers=1", "device=cpu", "log_every=1");
        Path log = dir.resolve("process.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            Path metrics = run.resolve("metrics.csv");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (steps(metrics) < 3) {
                assertTrue(p.isAlive(), "the run ended before it was signalled:\n" + read(log));
                assertTrue(System.nanoTime() < deadline, "no training steps within 120 s:\n" + read(log));
                Thread.sleep(100);
            }
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(Termination.GRACE_SECONDS + 30, TimeUnit.SECONDS), "still running:\n" + read(log));
            String out = read(log);
            assertEquals(143, p.exitValue(), "128 + SIGTERM, the JVM's status for a signalled exit:\n" + out);
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("hs_err")), "JVM crash:\n" + out);
            }
            // last holds the step the run stopped at, the last one logged.
            long saved = Checkpoints.read(run.resolve("checkpoints").resolve("last.safetensors")).header()
                    .get("step").getAsLong();
            List<String> rows = Files.readAllLines(metrics);
            long logged = Long.parseLong(rows.get(rows.size() - 1).split(",")[0]);
            assertTrue(saved >= logged && saved >= 3, "saved step " + saved + ", logged " + logged + "\n" + out);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    private static int steps(Path metrics) throws IOException {
        return Files.isRegularFile(metrics) ? Math.max(0, Files.readAllLines(metrics).size() - 1) : 0;
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
