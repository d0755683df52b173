package io.github.medvp.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * One replica of a data-parallel forward pass ({@link ReplicaGroup}), as the code inside the pass sees it:
 * {@link #current()} is set on the replica's thread for the duration of its pass and null everywhere else, so a
 * layer that needs the whole batch (synchronised BatchNorm, contrastive terms over the global batch) asks for it and
 * single-device code is untouched.
 */
public final class Replica {

    private static final ThreadLocal<Replica> CURRENT = new ThreadLocal<>();

    private final ReplicaGroup group;
    private final int index;
    private final Device device;
    private final NDManager manager;
    private final List<NDArray> held = new ArrayList<>();

    Replica(ReplicaGroup group, int index, Device device, NDManager manager) {
        this.group = group;
        this.index = index;
        this.device = device;
        this.manager = manager;
    }

    static void set(Replica r) {
        if (r == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(r);
        }
    }

    /** @return the replica whose pass runs on this thread, or null outside a multi-replica pass */
    public static Replica current() {
        return CURRENT.get();
    }

    /** @return this replica's position, 0 for the one on the parameters' device */
    public int index() {
        return index;
    }

    /** @return the replica count */
    public int count() {
        return group.size();
    }

    /** @return this replica's device */
    public Device device() {
        return device;
    }

    /** @return where this replica's pass creates arrays (on {@link #device()}) */
    public NDManager manager() {
        return manager;
    }

    /**
     * Hands {@code value} to every replica and returns all replicas' values, replica order, once the last one
     * arrived. Every replica must call it the same number of times in its pass (the same layers in the same order).
     * Arrays in the values stay valid until every replica ended its pass.
     *
     * @param value this replica's contribution
     * @param <T> its type
     * @return every replica's contribution, this one's at {@link #index()}
     */
    public <T> List<T> exchange(T value) {
        return group.exchange(index, value);
    }

    /**
     * Keeps an array this replica hands to others alive until every replica ended its pass: it leaves the current
     * {@code NDScope} (a layer's scope would free it when the layer returns, while a later replica still has to read
     * it) and is closed after the pass.
     *
     * @param a an array this replica created
     * @return {@code a}
     */
    public NDArray hold(NDArray a) {
        NDScope.unregister(a);
        held.add(a);
        return a;
    }

    /** Closes the held arrays (after every replica ended its pass). */
    void release() {
        held.forEach(NDArray::close);
        held.clear();
    }

    /**
     * Every replica's {@code local}, copied onto this replica's device and concatenated on axis 0 in replica order,
     * so replica r's rows come after those of replicas 0 to r-1, as they were in the batch before it was split. The
     * copies are part of the autograd graph: a loss over the gathered rows sends gradients back to every replica
     * (the reference's all-gather with gradients). Other axes are padded with zeros to the largest extent (a shorter
     * sentence axis, say; zeros mean "absent" in a mask). Outside a multi-replica pass: {@code local} itself.
     *
     * @param local this replica's rows
     * @return the rows of the global batch
     */
    public static NDArray gather(NDArray local) {
        Replica r = current();
        if (r == null) {
            return local;
        }
        // A view of our own: the caller keeps and frees local as it likes, the view lives until the pass ends.
        List<NDArray> all = r.exchange(r.hold(local.reshape(local.getShape())));
        long[] extent = local.getShape().getShape().clone();
        for (NDArray a : all) {
            for (int d = 1; d < extent.length; d++) {
                extent[d] = Math.max(extent[d], a.getShape().get(d));
            }
        }
        NDList parts = new NDList(all.size());
        for (NDArray a : all) {
            NDArray here = a.getDevice().equals(local.getDevice()) ? a : a.toDevice(local.getDevice(), false);
            parts.add(padTo(here, extent));
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
    }

    /**
     * The sum of every replica's {@code local} (same shape on every replica), on this replica's device: a sum over
     * the global batch from the replicas' partial sums (a soft Dice's intersections, say), with gradients flowing
     * back to every replica. Every replica adds in replica order, so all get the same value. Outside a
     * multi-replica pass: {@code local} itself.
     *
     * @param local this replica's partial sum
     * @return the global sum
     */
    public static NDArray sum(NDArray local) {
        Replica r = current();
        if (r == null) {
            return local;
        }
        List<NDArray> all = r.exchange(r.hold(local.reshape(local.getShape())));
        NDArray total = null;
        for (NDArray a : all) {
            NDArray here = a.getDevice().equals(local.getDevice()) ? a : a.toDevice(local.getDevice(), false);
            total = total == null ? here : total.add(here);
        }
        return total;
    }

    private static NDArray padTo(NDArray a, long[] extent) {
        for (int d = 1; d < extent.length; d++) {
            long have = a.getShape().get(d);
            if (have < extent[d]) {
                long[] s = a.getShape().getShape().clone();
                s[d] = extent[d] - have;
                a = a.concat(a.getManager().zeros(new Shape(s), a.getDataType(), a.getDevice()), d);
            }
        }
        return a;
    }
}
