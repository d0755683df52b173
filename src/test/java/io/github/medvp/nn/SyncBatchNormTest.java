package io.github.medvp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.medvp.engine.Engines;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.engine.ReplicaGroup;
import io.github.medvp.engine.Scalars;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * BatchNorm across two CPU replicas, each given half the batch, against one BatchNorm given the whole batch: the same
 * outputs, gradients and running statistics (SyncBatchNorm's semantics), and not those of a BatchNorm per replica.
 */
class SyncBatchNormTest {

    private record Run(float[] y, float[] dx, float[] dGamma, float[] dBeta, float[] runningMean,
            float[] runningVar) {
    }

    @Test
    void twoReplicasNormaliseWithTheStatisticsOfTheWholeBatch() {
        Engine engine = Engines.pytorch();
        float[] data = new float[4 * 3 * 2 * 3 * 2];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < data.length; i++) {
            // Per-sample offsets: halves with different means, so per-replica statistics differ from global ones.
            data[i] = (float) (rng.nextGaussian() + (i < data.length / 2 ? 2 : -1));
        }
        Run one = run(engine, data, 1);
        Run two = run(engine, data, 2);
        assertClose(one.y(), two.y(), "outputs");
        assertClose(one.dx(), two.dx(), "input gradients");
        assertClose(one.dGamma(), two.dGamma(), "gamma gradients");
        assertClose(one.dBeta(), two.dBeta(), "beta gradients");
        assertClose(one.runningMean(), two.runningMean(), "running means");
        assertClose(one.runningVar(), two.runningVar(), "running variances");
        // Each half on its own (a BatchNorm per replica) normalises differently: the check above can fail.
        Run perReplica = run(engine, data, -2);
        double worst = 0;
        for (int i = 0; i < one.y().length; i++) {
            worst = Math.max(worst, Math.abs(one.y()[i] - perReplica.y()[i]));
        }
        assertTrue(worst > 0.1, "per-replica statistics should differ, max difference " + worst);
    }

    /** replicas 1: one pass; 2: two replicas; -2: two independent halves (no exchange). */
    private static Run run(Engine engine, float[] data, int replicas) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            BatchNorm bn = Layers.batchNorm();
            bn.setInitializer(ai.djl.training.initializer.Initializer.ONES, ai.djl.nn.Parameter.Type.GAMMA);
            bn.initialize(m, DataType.FLOAT32, new Shape(4, 3, 2, 3, 2));
            NDArray x = HostArrays.copyOf(m, data, new Shape(4, 3, 2, 3, 2));
            x.setRequiresGradient(true);
            NDArray y;
            // A loss that weighs every output differently, so gradients depend on the statistics.
            NDArray w = m.arange(0f, (float) data.length).reshape(4, 3, 2, 3, 2);
            try (GradientCollector gc = engine.newGradientCollector()) {
                if (replicas == 1) {
                    y = Layers.apply(bn, new ParameterStore(m, false), x, true, null);
                } else if (replicas == -2) {
                    y = Layers.apply(bn, new ParameterStore(m, false), x.get("0:2"), true, null).concat(
                            Layers.apply(bn, new ParameterStore(m, false), x.get("2:4"), true, null), 0);
                } else {
                    try (ReplicaGroup group = new ReplicaGroup(List.of(Device.cpu(), Device.cpu()), m)) {
                        List<NDList> outs = group.run(r -> new NDList(Layers.apply(bn, new ParameterStore(
                                r.manager(), false), x.get(r.index() * 2 + ":" + (r.index() * 2 + 2)), true, null)));
                        y = outs.get(0).singletonOrThrow().concat(outs.get(1).singletonOrThrow(), 0);
                    }
                }
                gc.backward(Scalars.div(y.mul(w).sum(), 100f));
            }
            var p = bn.getParameters();
            return new Run(y.toFloatArray(), x.getGradient().toFloatArray(),
                    p.get("gamma").getArray().getGradient().toFloatArray(),
                    p.get("beta").getArray().getGradient().toFloatArray(),
                    p.get("runningMean").getArray().toFloatArray(), p.get("runningVar").getArray().toFloatArray());
        }
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4 * (1 + Math.abs(want[i])), what + " at " + i);
        }
    }
}
