package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.Launcher;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {

    @Test
    void pretrainSuiteUsesPresetBatchAndDevice() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Launcher(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
                .run("bench", "pretrain", "preset=tiny", "batch=1", "device=cpu", "repeats=1");
        String report = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        // batch=1 must reach the benchmark: 2 encoder volumes, not the default 3 studies' 6.
        assertTrue(report.matches("(?s)BrainMVP tiny 32³ B=1 \\(2 encoder volumes\\).*cpu\\(\\)?.*step \\d+\\.\\d+ s.*"
                + "volumes/s; heap .*RSS .*peak.*; peak heap \\d+\\.\\d MiB\n"), report);
    }
    @Test
    void pretrainTakesADeviceListAndPrintsPerDeviceAndTotalThroughput() {
        String pretrain = bench("bench", "pretrain", "preset=tiny", "batch=1", "device=cpu,cpu", "repeats=1");
        assertTrue(pretrain.matches("(?s)BrainMVP tiny 32³ B=1 \\(2 encoder volumes\\).*\\[cpu\\(\\), cpu\\(\\)\\].*"
                + "volumes/s, \\d+\\.\\d+ volumes/s total = \\d+\\.\\d+ per device x 2 devices .*"), pretrain);
    }

    private static String bench(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Launcher(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
