package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.Launched;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {

    @Test
    void pretrainSuiteUsesPresetBatchAndDevice() {
        String report = bench("bench", "pretrain", "preset=tiny", "batch=1", "device=cpu", "repeats=1");
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

    @Test
    void mg3dSuiteTimesTheGridItIsGivenAndRefusesOneTheSwinCannotTake() {
        String mg3d = bench("bench", "mg3d", "preset=tiny", "batch=1", "size=32,32,32", "device=cpu", "repeats=1");
        assertTrue(mg3d.startsWith("MG-3D tiny 32x32x32, 64 tokens, B=1, cpu()"), mg3d);
        Launched bad = Launched.run("bench", "mg3d", "preset=tiny", "size=48,32,32");
        assertEquals(2, bad.status(), bad.text());
        assertTrue(bad.err().contains("size") && bad.err().contains("48"), bad.err());
    }

    /** A successful bench's report. */
    private static String bench(String... args) {
        return Launched.run(args).expect(0).out();
    }
}
