package io.github.medvp.fiji.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.medvp.fiji.CancelOnStatusService;
import io.github.medvp.fiji.Launched;
import io.github.medvp.fiji.Launcher;
import io.github.medvp.pretrain.brainmvp.BrainMvpStep;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher check: {@code ./medvp brainmvp-pretrain ... device=cpu,cpu batch=2} logs the losses of
 * {@code device=cpu batch=4} in {@code metrics.csv} (relative difference below 1e-4 over the first 10 steps): before
 * the contrastive term starts with the reference's per-replica InfoNCE, and in every step with
 * {@code contrastive_scope=global}. 8 studies of 32³, 2 optimiser steps per epoch, the contrastive term from epoch 3,
 * template views throughout (the cross-modal views after the warm-up draw their source channels per replica, see
 * docs/multi-gpu.md, so their losses depend on the device layout in either scope).
 * A two-replica run cancelled and resumed logs the losses of the straight one, and {@code config.json} records the
 * replicas and the effective batch. The learning rate is 3e-5: Adam's first updates are about {@code lr·sign(g)}, so
 * a gradient component near 0 whose sign differs by rounding between the two summation orders (BatchNorm's
 * statistics over two replicas) moves by a whole {@code lr}; at the default 3e-4 that reached a relative loss
 * difference of 1.2e-4 by step 6.
 */
class BrainMvpDataParallelCommandTest {

    private static final int STEPS = 10;
    /** Optimiser steps before the contrastive term starts (epochs 0-2 of 2 steps). */
    private static final int BEFORE_CONTRAST = 6;
    private static final List<String> COLUMNS = List.of("loss", BrainMvpStep.MD, BrainMvpStep.CMR, BrainMvpStep.CL);

    @TempDir
    Path dir;

    @Test
    void twoCpuReplicasOfBatchTwoLogTheLossesOfOneCpuWithBatchFour() throws Exception {
        Path data = PretrainData.write(dir.resolve("studies"), 8, 32);
        Path one = dir.resolve("one");
        Path replica = dir.resolve("replica");
        Path global = dir.resolve("global");
        launch(data, one, "device=cpu", "batch=4");
        launch(data, replica, "device=cpu,cpu", "batch=2");
        JsonObject config = JsonParser.parseString(Files.readString(replica.resolve("config.json"))).getAsJsonObject();
        assertEquals(4, config.get("effective_batch").getAsInt());
        assertEquals(4, config.get("global_batch").getAsInt());
        assertEquals(2, config.getAsJsonArray("replica_devices").size());
        launch(data, global, "device=cpu,cpu", "batch=2", "contrastive_scope=global");

        Map<String, double[]> a = MetricsLog.read(one.resolve("metrics.csv"));
        assertEquals(STEPS, a.get("step").length);
        assertTrue(a.get(BrainMvpStep.CL)[STEPS - 1] > 0, "the contrastive term started");
        double replicaWorst = worst(a, MetricsLog.read(replica.resolve("metrics.csv")), BEFORE_CONTRAST);
        assertTrue(replicaWorst < 1e-4, "replica scope before the contrastive term: " + replicaWorst);
        double globalWorst = worst(a, MetricsLog.read(global.resolve("metrics.csv")), STEPS);
        assertTrue(globalWorst < 1e-4, "global scope, all steps: " + globalWorst);
        // Per replica, InfoNCE has 1 negative instead of 3: the term differs from one device's once it starts.
        double[] cl = MetricsLog.read(replica.resolve("metrics.csv")).get(BrainMvpStep.CL);
        double d = Math.abs(cl[BEFORE_CONTRAST] - a.get(BrainMvpStep.CL)[BEFORE_CONTRAST]);
        assertTrue(d > 1e-3 * a.get(BrainMvpStep.CL)[BEFORE_CONTRAST], "replica scope's InfoNCE is per replica");
        System.out.println("largest relative loss difference: replica " + replicaWorst + ", global " + globalWorst);

        // Cancelled after some step (status events arrive on another thread) and resumed: the losses of the
        // straight two-replica run, to the last step.
        Path resumed = dir.resolve("resumed");
        CancelOnStatusService.trigger = "train";
        try {
            assertEquals(Launcher.CANCELLED, run(data, resumed, "device=cpu,cpu", "batch=2").status());
        } finally {
            CancelOnStatusService.trigger = null;
        }
        long saved = Checkpoints.read(resumed.resolve("checkpoints").resolve("last.safetensors")).step();
        assertTrue(saved >= 1 && saved < STEPS, "cancelled at step " + saved);
        launch(data, resumed, "device=cpu,cpu", "batch=2", "resume=true");
        double resumeWorst = worst(MetricsLog.read(replica.resolve("metrics.csv")),
                MetricsLog.read(resumed.resolve("metrics.csv")), STEPS);
        assertTrue(resumeWorst < 1e-4, "resumed at " + saved + ": " + resumeWorst);
    }

    /** The largest relative difference of the loss columns over the first {@code lines} lines. */
    private static double worst(Map<String, double[]> a, Map<String, double[]> b, int lines) {
        assertEquals(a.get("step").length, b.get("step").length, "log lines");
        double worst = 0;
        StringBuilder where = new StringBuilder();
        for (String c : COLUMNS) {
            for (int i = 0; i < lines; i++) {
                double x = a.get(c)[i];
                double d = Math.abs(x - b.get(c)[i]) / Math.max(1e-6, Math.abs(x));
                if (d > worst) {
                    worst = d;
                    where.setLength(0);
                    where.append(c).append(" at step ").append(i + 1).append(": ").append(x).append(" and ")
                            .append(b.get(c)[i]);
                }
            }
        }
        System.out.println("largest relative difference " + worst + " (" + where + ")");
        return worst;
    }

    /** Runs the launcher in-process to the end; returns what it printed. */
    private static String launch(Path data, Path run, String... more) throws IOException {
        Launched l = run(data, run, more);
        assertEquals(0, l.status(), l.text());
        assertTrue(Files.isRegularFile(run.resolve("metrics.csv")), l.text());
        return l.text();
    }

    /** Runs the launcher in-process on the test's tiny two-replica settings and {@code more}. */
    private static Launched run(Path data, Path run, String... more) {
        List<String> args = new ArrayList<>(List.of("brainmvp-pretrain", "data=" + data, "output=" + run,
                "preset=tiny", "crop=32", "grid=48,48,48", "accumulation=1", "warmup_epochs=10",
                "contrastive_epoch=3", "epochs=5", "workers=1", "log_every=1", "seed=7", "lr=3e-5"));
        args.addAll(List.of(more));
        return Launched.run(args);
    }
}
