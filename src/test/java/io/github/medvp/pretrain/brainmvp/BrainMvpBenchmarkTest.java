package io.github.medvp.pretrain.brainmvp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class BrainMvpBenchmarkTest {

    @Test
    void reportsStepTimeAndMemory() {
        String report = BrainMvpBenchmark.run("tiny", 1, 0, 1, Device.cpu());
        assertTrue(report.matches("BrainMVP tiny 32³ B=1 \\(2 encoder volumes\\).*step \\d+\\.\\d+ s.*RSS.*"), report);
    }

    /** Measurement, not a check: {@code mvn test -Dtest=BrainMvpBenchmarkTest -Dmedvp.bench=small,3}. */
    @Test
    @EnabledIfSystemProperty(named = "medvp.bench", matches = ".+")
    void measure() {
        String[] spec = System.getProperty("medvp.bench").split(",");
        int batch = spec.length > 1 ? Integer.parseInt(spec[1]) : 3;
        System.out.println("BENCH " + BrainMvpBenchmark.run(spec[0], batch, 1, spec[0].equals("small") ? 3 : 8,
                Device.cpu()));
    }
}
