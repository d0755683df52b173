package io.github.medvp.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.github.medvp.engine.Replica;
import io.github.medvp.engine.Scalars;

import java.util.List;

/**
 * A {@link BatchNorm} in training mode across the replicas of a data-parallel pass: the statistics of the whole
 * global micro-batch, as PyTorch's {@code torch.nn.SyncBatchNorm} (which BrainMVP's DDP training uses, {@code
 * convert_sync_batchnorm} in its {@code main.py}) computes them.
 * <p>
 * Each replica reduces its rows to per-channel count, mean and centred sum of squares, the replicas exchange these
 * ({@link Replica#exchange}), and every replica combines them in replica order (Chan et al.'s pairwise formula, as
 * {@code batch_norm_gather_stats_with_counts} does), so all replicas normalise with the same mean and biased variance.
 * The statistics of the other replicas arrive as differentiable copies: the backward pass sends each replica's share
 * of the gradient of the mean and variance back to the replica it came from, which is what SyncBatchNorm's backward
 * all-reduce does. The running statistics are updated once, by replica 0 (whose device holds the parameters), with
 * PyTorch's momentum 0.1 and the unbiased variance of the global batch. Used by {@link Layers#forward} for every
 * BatchNorm when a multi-replica pass is running; outside one, DJL's BatchNorm (libtorch's fused kernel) runs.
 */
final class SyncBatchNorm {

    /** PyTorch's defaults, which {@link Layers#batchNorm()} sets for every BatchNorm of MedVP. */
    private static final float EPSILON = 1e-5f;
    private static final float MOMENTUM = 0.1f;

    private SyncBatchNorm() {
    }

    /** One replica's contribution: its element count per channel, mean and centred sum of squares (C). */
    private record Moments(long count, NDArray mean, NDArray m2) {
    }

    /**
     * @param bn the layer (its gamma, beta and running statistics)
     * @param ps the replica's parameter store
     * @param x (N, C, ...) this replica's rows
     * @param replica this replica
     * @return the normalised rows
     */
    static NDArray forward(BatchNorm bn, ParameterStore ps, NDArray x, Replica replica) {
        Device device = x.getDevice();
        int dims = x.getShape().dimension();
        long channels = x.getShape().get(1);
        int[] axes = new int[dims - 1];
        long[] perChannel = new long[dims];
        perChannel[0] = 1;
        perChannel[1] = channels;
        for (int d = 2, i = 1; d < dims; d++, i++) {
            axes[i] = d;
            perChannel[d] = 1;
        }
        long count = x.size() / channels;
        NDArray mean = Scalars.div(x.sum(axes), (double) count);
        NDArray centred = x.sub(mean.reshape(perChannel));
        NDArray m2 = centred.mul(centred).sum(axes);
        List<Moments> all = replica.exchange(new Moments(count, replica.hold(mean), replica.hold(m2)));

        long total = 0;
        for (Moments m : all) {
            total += m.count();
        }
        NDArray globalMean = null;
        for (Moments m : all) {
            NDArray part = Scalars.mul(here(m.mean(), device), (double) m.count() / total);
            globalMean = globalMean == null ? part : globalMean.add(part);
        }
        NDArray globalM2 = null;
        for (Moments m : all) {
            NDArray d = here(m.mean(), device).sub(globalMean);
            NDArray part = here(m.m2(), device).add(Scalars.mul(d.mul(d), (double) m.count()));
            globalM2 = globalM2 == null ? part : globalM2.add(part);
        }
        NDArray var = Scalars.div(globalM2, (double) total);
        ParameterList p = bn.getParameters();
        NDArray gamma = ps.getValue(p.get("gamma"), device, true);
        NDArray beta = ps.getValue(p.get("beta"), device, true);
        NDArray scale = Scalars.pow(Scalars.add(var, EPSILON), -0.5f);
        if (gamma != null) {
            scale = scale.mul(gamma);
        }
        NDArray y = x.sub(globalMean.reshape(perChannel)).mul(scale.reshape(perChannel));
        if (beta != null) {
            y = y.add(beta.reshape(perChannel));
        }
        if (replica.index() == 0) {
            updateRunning(p.get("runningMean"), globalMean, 1);
            updateRunning(p.get("runningVar"), var, total > 1 ? (double) total / (total - 1) : 1);
        }
        return y;
    }

    private static NDArray here(NDArray a, Device device) {
        return a.getDevice().equals(device) ? a : a.toDevice(device, false);
    }

    /** running = (1 - momentum) running + momentum · factor · batch, in place, outside autograd. */
    private static void updateRunning(Parameter running, NDArray batch, double factor) {
        NDArray r = running.getArray();
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            NDArray b = batch.stopGradient().toDevice(r.getDevice(), false).toType(r.getDataType(), false);
            NDArray next = Scalars.mul(r, 1 - MOMENTUM).add(Scalars.mul(b, MOMENTUM * factor));
            r.set(new NDIndex("..."), next);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }
}
