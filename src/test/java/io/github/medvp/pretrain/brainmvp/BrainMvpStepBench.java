package io.github.medvp.pretrain.brainmvp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.medvp.train.Adam;
import io.github.medvp.train.Losses;
import io.github.medvp.train.StepContext;
import io.github.medvp.train.NamedParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Step time and peak memory on this machine (measured, not asserted): {@code mvn test -Dtest=BrainMvpStepBench
 * -Dmedvp.bench=tiny} (or {@code small}, {@code small3}). Prints one line per configuration.
 */
@EnabledIfSystemProperty(named = "medvp.bench", matches = ".+")
class BrainMvpStepBench {

    @Test
    void measure() throws IOException {
        String which = System.getProperty("medvp.bench");
        if (which.contains("tiny")) {
            run("tiny", BrainMvpModel.tiny(), 32, 48, 3, 3, 8);
        }
        if (which.contains("small")) {
            int b = which.contains("small3") ? 3 : which.contains("small2") ? 2 : 1;
            run("small", BrainMvpModel.small(), 96, -1, b, 1, 3);
        }
    }

    private static void run(String name, BrainMvpModel.Builder builder, int size, int grid, int batch, int warmup,
            int timed) throws IOException {
        if (grid > 0) {
            builder.optTemplates(ModalityTemplates.builder().optGrid(grid, grid, grid));
        }
        int templateSize = grid > 0 ? grid : 155;
        try (NDManager m = NDManager.newBaseManager()) {
            BrainMvpModel model = builder.build();
            model.initialize(m, DataType.FLOAT32, new Shape(1, 1, size, size, size));
            Synthetic data = new Synthetic(batch, size, 4, templateSize, 3);
            BrainMvpStep step = BrainMvpStep.builder().setModel(model).optContrastiveStartEpoch(0)
                    .optTemplateWarmupEpochs(-1).build();
            NamedParameters params = model.namedParameters();
            int[] all = new int[batch];
            for (int i = 0; i < batch; i++) {
                all[i] = i;
            }
            BrainMvpInput in = data.batch(m, all);
            resetPeak();
            try (Adam adam = Adam.builder().setParameters(params).optWeightDecay(1e-5).build()) {
                double[] sums = new double[4];
                for (int s = 0; s < warmup + timed; s++) {
                    try (NDScope scope = new NDScope()) {
                        long t0 = System.nanoTime();
                        params.zeroGradients();
                        long t1;
                        long t2;
                        NDArray total;
                        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                            Losses l = step.forward(in, new StepContext(1000, s, 0, 1, 46, m));
                            total = l.total();
                            total.getFloat(); // sync point: forward done (CPU is synchronous anyway)
                            t1 = System.nanoTime();
                            gc.backward(total);
                            t2 = System.nanoTime();
                        }
                        adam.step(3e-4, null);
                        params.get("rep_template").array().getFloat(0, 0, 0, 0);
                        long t3 = System.nanoTime();
                        if (s >= warmup) {
                            sums[0] += (t1 - t0) / 1e9;
                            sums[1] += (t2 - t1) / 1e9;
                            sums[2] += (t3 - t2) / 1e9;
                            sums[3] += (t3 - t0) / 1e9;
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "BENCH %s %d^3 B=%d (%d encoder volumes), grid %s: step %.3f s "
                        + "(forward %.3f, backward %.3f, AdamW %.3f), peak RSS %.2f GiB%n", name, size, batch,
                        2 * batch, grid > 0 ? grid + "^3" : "240x240x155", sums[3] / timed, sums[0] / timed,
                        sums[1] / timed, sums[2] / timed, peakGiB());
                assertTrue(sums[3] > 0);
            }
        }
    }

    /** Forgets the peak resident set size so far (Linux: {@code clear_refs} value 5). */
    private static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // Not Linux or not allowed: the peak then covers the whole JVM life.
        }
    }

    private static double peakGiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0;
            }
        }
        return Double.NaN;
    }

}
