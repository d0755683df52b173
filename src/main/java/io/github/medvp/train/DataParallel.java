package io.github.medvp.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.medvp.engine.Replica;
import io.github.medvp.engine.ReplicaGroup;
import io.github.medvp.engine.Scalars;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A training step on several devices of one machine: one replica per device, each running the method's step on its
 * share of the global micro-batch, the losses averaged once for the global batch, one backward pass and one optimiser
 * step. This is PyTorch DDP's recipe (both references pre-train on 4 GPUs), with what DDP does between processes done
 * inside one autograd graph instead:
 * <ul>
 * <li>the parameters live on the first device; a replica on another device reads them through DJL's
 * {@code ParameterStore}, whose device copies are part of the graph, so the backward pass sums every replica's
 * gradient into the one parameter (DDP's gradient all-reduce), and after the single optimiser step every replica
 * reads the same values;</li>
 * <li>BatchNorm normalises with the statistics of the whole global micro-batch (SyncBatchNorm, see
 * {@code nn.SyncBatchNorm}); gradient-accumulation micro-steps stay separate, as in the reference;</li>
 * <li>terms that need the global batch gather it ({@link io.github.medvp.engine.Replica#gather}, e.g.
 * {@link Contrastive#gathered}) with gradients flowing back to every replica.</li>
 * </ul>
 * Each replica's loss is a mean over its {@code batch} samples, so the average over replicas is the mean over the
 * global batch, and a run with {@code device=cpu,cpu batch=2} logs the losses of {@code device=cpu batch=4}. The
 * replicas draw the step's randomness from the same {@link StepContext#random()} stream (a draw for the whole batch,
 * such as the masked channel or MG-3D's MIM mask, is then the same on every replica, as on one device).
 *
 * @param <B> the batch type
 */
public final class DataParallel<B> implements TrainStep<B>, AutoCloseable {

    /**
     * Splits a global micro-batch into the replicas' batches, in order (replica r gets the r-th block of rows).
     *
     * @param <B> the batch type
     */
    @FunctionalInterface
    public interface Split<B> {
        /**
         * @param batch the global micro-batch ({@code parts × batch} samples)
         * @param parts the replica count
         * @return one batch per replica
         */
        List<B> split(B batch, int parts);
    }

    private final TrainStep<B> step;
    private final Split<B> split;
    private final ReplicaGroup group;

    /**
     * @param step the method's step (it runs once per replica, on the replica's thread)
     * @param split the batch split
     * @param devices one per replica, at least two
     * @param first the manager of the first device (the parameters' device)
     */
    public DataParallel(TrainStep<B> step, Split<B> split, List<Device> devices, NDManager first) {
        this.step = step;
        this.split = split;
        this.group = new ReplicaGroup(devices, first);
    }

    /** @return the replica count */
    public int replicas() {
        return group.size();
    }

    @Override
    public Losses forward(B batch, StepContext ctx) {
        int n = group.size();
        List<B> parts = split.split(batch, n);
        if (parts.size() != n) {
            throw new IllegalStateException("split gave " + parts.size() + " batches for " + n + " replicas");
        }
        @SuppressWarnings("unchecked")
        List<String>[] names = new List[n];
        List<NDList> outs = group.run(replica -> {
            int r = replica.index();
            StepContext mine = new StepContext(ctx.epoch(), ctx.step(), ctx.microStep(), ctx.accumulation(),
                    ctx.seed(), replica.manager());
            Losses l = step.forward(parts.get(r), mine);
            names[r] = new ArrayList<>(l.parts().keySet());
            NDList flat = new NDList(l.total());
            l.parts().values().forEach(flat::add);
            return flat;
        });
        Device home = ctx.manager().getDevice();
        NDArray total = mean(outs, 0, home);
        Map<String, NDArray> combined = new LinkedHashMap<>();
        for (int i = 0; i < names[0].size(); i++) {
            combined.put(names[0].get(i), mean(outs, i + 1, home));
        }
        return new Losses(total, combined);
    }

    /** The mean over replicas of output {@code i}, on {@code home} (differentiable copies). */
    static NDArray mean(List<NDList> outs, int i, Device home) {
        NDArray sum = null;
        for (NDList out : outs) {
            NDArray a = out.get(i);
            a = a.getDevice().equals(home) ? a : a.toDevice(home, false);
            sum = sum == null ? a : sum.add(a);
        }
        return Scalars.div(sum, (float) outs.size());
    }

    /**
     * A generator for draws made per sample of a replica's own batch (not for the global batch): on one device or
     * replica 0, {@code rng} itself (so one device draws what it always drew); on replica r > 0, a stream split off
     * r times, so replicas do not repeat each other's draws for their samples.
     *
     * @param rng the step's generator, at the same state on every replica
     * @return the generator for this replica's per-sample draws
     */
    public static SplittableRandom perReplica(SplittableRandom rng) {
        Replica replica = Replica.current();
        SplittableRandom out = rng;
        for (int i = 0; replica != null && i < replica.index(); i++) {
            out = out.split();
        }
        return out;
    }

    /** Stops the replicas' threads. */
    @Override
    public void close() {
        group.close();
    }

    /**
     * What a run with these settings trains on per optimiser step, for the log and {@code config.json}.
     *
     * @param devices the replicas' devices
     * @param batch samples per replica and micro-step
     * @param accumulation micro-steps per optimiser step
     * @param unit what a sample is ({@code studies}, {@code pairs})
     * @return e.g. {@code effective batch 24 studies per optimiser step = 4 devices (gpu(0), ...) x batch 3 x
     *     accumulation 2}
     */
    public static String describe(List<Device> devices, int batch, int accumulation, String unit) {
        return String.format(Locale.ROOT, "effective batch %d %s per optimiser step = %d device%s %s x batch %d x "
                + "accumulation %d", devices.size() * batch * accumulation, unit, devices.size(),
                devices.size() == 1 ? "" : "s", devices, batch, accumulation);
    }

    /**
     * Adds the replica devices, the global micro-batch and the effective batch to a run's configuration.
     *
     * @param config the run's {@code config.json} object
     * @param devices the replicas' devices
     * @param batch samples per replica and micro-step
     * @param accumulation micro-steps per optimiser step
     */
    public static void record(JsonObject config, List<Device> devices, int batch, int accumulation) {
        JsonArray names = new JsonArray();
        devices.forEach(d -> names.add(d.toString()));
        config.add("replica_devices", names);
        config.addProperty("global_batch", devices.size() * batch);
        config.addProperty("effective_batch", devices.size() * batch * accumulation);
    }
}
