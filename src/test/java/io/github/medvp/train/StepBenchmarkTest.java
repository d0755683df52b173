package io.github.medvp.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.engine.Engines;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared benchmark loop runs warm-up and timed steps, updates the parameters and reports in one format. */
class StepBenchmarkTest {

    @Test
    void runsWarmUpAndTimedStepsAndReportsInOneFormat() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray w = m.ones(new Shape(4, 4));
            NamedParameters params = NamedParameters.builder().addFree("w", w).build();
            List<Integer> seen = new ArrayList<>();
            StepBenchmark.Forward forward = s -> {
                seen.add(s);
                return w.square().sum();
            };
            StepBenchmark.Result r = StepBenchmark.run(m, params, () -> Adam.builder().setParameters(params).build(),
                    0.1, forward, 2, 3, 5, null);
            assertEquals(List.of(0, 1, 2, 3, 4), seen);
            assertEquals(3, r.whole().measured());
            assertEquals(3, r.forward().measured());
            assertTrue(w.getFloat(0, 0) < 1, "the updates moved the parameter");
            assertTrue(r.timing("AdamW", "; note", "volumes").matches("\\d+\\.\\d{3} s \\(forward \\d+\\.\\d{3}, "
                    + "backward \\d+\\.\\d{3}, AdamW \\d+\\.\\d{3}; median of 3; note\\), \\d+\\.\\d{2} volumes/s"),
                    r.timing("AdamW", "; note", "volumes"));
            assertTrue(r.peakHeap().matches("peak heap \\d+\\.\\d MiB"), r.peakHeap());
            assertTrue(r.memory().report().startsWith("heap "), r.memory().report());
        }
    }
}
