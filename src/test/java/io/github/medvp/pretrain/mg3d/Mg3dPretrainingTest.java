package io.github.medvp.pretrain.mg3d;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.nn.swin.SwinPreset;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.TestProgress;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.MetricsLog;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cancelled and resumed run ends with exactly the weights of an uninterrupted one; bad settings fail early. */
class Mg3dPretrainingTest {

    @TempDir
    Path dir;

    private Mg3dPretraining run(Path list, Path folder, boolean resume) {
        return new Mg3dPretraining(Mg3dSettings.builder().data(list).run(folder).resume(resume)
                .preset(SwinPreset.TINY).epochs(2).batch(2).optimiser(1e-4, 5, 1e-8, 0).seed(3)
                .volumes(Mg3dSettings.VolumeModality.CT, new int[] {32, 32, 32}, new double[] {1, 1, 2},
                        new double[] {-1000, 1000})
                .device("cpu").logEvery(1).build());
    }

    @Test
    void resumeAfterCancelGivesTheUninterruptedWeights() throws Exception {
        Path list = Mg3dFiles.write(dir);
        run(list, dir.resolve("whole"), false).run(Progress.NONE);
        Path cut = dir.resolve("cut");
        assertThrows(Progress.CancelledException.class, () -> run(list, cut, false).run(TestProgress.cancelAt(1)));
        assertEquals(1, Checkpoints.read(cut.resolve("checkpoints").resolve("last.safetensors")).step());
        run(list, cut, true).run(Progress.NONE);
        assertEquals(4, Checkpoints.read(cut.resolve("checkpoints").resolve("last.safetensors")).step());
        // The resumed steps see the same data, masks and schedule, so they log the same losses. (The weights are
        // not compared bit for bit: on the CPU some parameters with near-zero gradients, e.g. BERT's query biases,
        // take Adam steps whose sign depends on the rounding of multi-threaded kernels.)
        Map<String, double[]> a = MetricsLog.read(dir.resolve("whole").resolve("metrics.csv"));
        Map<String, double[]> b = MetricsLog.read(cut.resolve("metrics.csv"));
        assertArrayEquals(a.get("step"), b.get("step"), 0);
        for (String name : Mg3dStep.NAMES) {
            double[] x = a.get(name);
            double[] y = b.get(name);
            for (int i = 0; i < x.length; i++) {
                // Both checks print both logs. About 1 run in 20 used to go wrong at step 2, NaN or finite but
                // different, in either run: a garbage collection during step 1 (the loader filling the next batch)
                // freed scalars autograd still read (Mg3dStepTest has the deterministic case). Non-finite is
                // checked first so a NaN names itself.
                String where = name + " at step " + (i + 1) + ": " + x[i] + " uninterrupted, " + y[i]
                        + " resumed; uninterrupted " + rows(a) + "; resumed " + rows(b);
                assertTrue(Double.isFinite(x[i]) && Double.isFinite(y[i]), where);
                assertEquals(x[i], y[i], 1e-3 * Math.abs(x[i]) + 1e-6, where);
            }
        }
    }

    /** Every logged step, so a failure shows whether the later steps recovered (a bad forward) or not (bad weights). */
    private static String rows(Map<String, double[]> log) {
        StringBuilder sb = new StringBuilder();
        for (int step = 0; step < log.get("step").length; step++) {
            sb.append(step == 0 ? "" : " | ");
            for (Map.Entry<String, double[]> e : log.entrySet()) {
                sb.append(e.getKey()).append('=').append(e.getValue()[step]).append(' ');
            }
        }
        return sb.toString().trim();
    }

    @Test
    void tooFewPairsForOneBatchLeaveNoRunFolder() throws Exception {
        Path list = Mg3dFiles.write(dir);
        Path folder = dir.resolve("runs").resolve("mg3d");
        Mg3dPretraining run = new Mg3dPretraining(Mg3dSettings.builder().data(list).run(folder)
                .preset(SwinPreset.TINY).epochs(1).batch(8).volumes(Mg3dSettings.VolumeModality.CT,
                        new int[] {32, 32, 32}, new double[] {1, 1, 2}, new double[] {-1000, 1000})
                .device("cpu").build());
        MedvpException e = assertThrows(MedvpException.class, () -> run.run(Progress.NONE));
        assertTrue(e.getMessage().contains("do not fill one batch of 8"), e.getMessage());
        // Not even the vocabulary it had written: a rerun with a smaller batch starts as a new run.
        assertTrue(java.nio.file.Files.notExists(dir.resolve("runs")), "the failed start left its folder");
    }

    @Test
    void sizesThatAreNotMultiplesOf32AreRefused() {
        MedvpException e = assertThrows(MedvpException.class, () -> Mg3dSettings.builder()
                .data(dir.resolve("x.csv")).run(dir.resolve("r")).volumes(Mg3dSettings.VolumeModality.CT,
                        new int[] {128, 90, 128}, new double[] {1, 1, 1}, new double[] {-1000, 1000})
                .build());
        assertEquals(true, e.getMessage().contains("multiple of 32"), e.getMessage());
    }
}
