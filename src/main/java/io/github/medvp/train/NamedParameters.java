package io.github.medvp.train;

import io.github.medvp.engine.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import io.github.medvp.MedvpException;
import io.github.medvp.engine.Scalars;
import io.github.medvp.io.HostTensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The named tensors a run trains and checkpoints: the parameters of one or more {@link Block}s (names as
 * {@code block.getParameters()} gives them, e.g. {@code 01Conv3d_weight}, optionally prefixed) and free arrays that
 * are trainable without belonging to a block (BrainMVP's modality templates).
 * <p>
 * Names are the keys of checkpoints and optimiser state, so they must stay stable across versions. The arrays are
 * taken when the set is built: build it after the block is initialised and any weights are loaded into it. Block
 * parameters that do not require a gradient (frozen layers, running statistics) are kept for checkpoints but not
 * handed to the optimiser.
 */
public final class NamedParameters {

    /** One named tensor. {@code free} is true for arrays that belong to no block. */
    public record Entry(String name, NDArray array, boolean trainable, boolean free) {
    }

    private final Map<String, Entry> entries;

    private NamedParameters(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** A builder; add blocks and free arrays in a fixed order. */
    public static Builder builder() {
        return new Builder();
    }

    /** All entries in insertion order. */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** The entries the optimiser updates, in insertion order. */
    public List<Entry> trainable() {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.trainable) {
                out.add(e);
            }
        }
        return out;
    }

    /** The entry called {@code name}, or {@code null}. */
    public Entry get(String name) {
        return entries.get(name);
    }

    /** The number of entries. */
    public int size() {
        return entries.size();
    }

    /**
     * Host snapshots of the entries, keyed {@code blockPrefix + name} for block parameters and
     * {@code freePrefix + name} for free arrays.
     */
    public Map<String, HostTensor> toHost(String blockPrefix, String freePrefix) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Entry e : entries.values()) {
            out.put((e.free ? freePrefix : blockPrefix) + e.name, HostArrays.toHost(e.array));
        }
        return out;
    }

    /**
     * Copies tensors saved by {@link #toHost} back into the arrays, in place.
     *
     * @param source where the tensors are, for the error messages
     * @throws MedvpException naming the first missing tensor or shape mismatch
     */
    public void load(Map<String, HostTensor> tensors, String blockPrefix, String freePrefix, String source) {
        for (Entry e : entries.values()) {
            String key = (e.free ? freePrefix : blockPrefix) + e.name;
            HostTensor t = tensors.get(key);
            if (t == null) {
                throw new MedvpException(source + " has no tensor " + key + ": it was saved from another model");
            }
            HostArrays.copyInto(e.array, t, key);
        }
    }

    /**
     * The gradient of a trainable entry, or {@code null} when no backward pass reached it yet (PyTorch's
     * {@code p.grad is None}). The returned array is a new handle on the gradient (closing it keeps the gradient).
     */
    static NDArray gradientOrNull(Entry e) {
        return JniUtils.getGradient((PtNDArray) e.array);
    }

    /**
     * Scales all gradients so that their global L2 norm is at most {@code maxNorm}, as PyTorch's
     * {@code clip_grad_norm_} ({@code coef = min(1, maxNorm / (norm + 1e-6))}), entirely on the device.
     *
     * @return the norm before clipping (0-dimensional, float32, on the device; closed with the caller's scope)
     */
    public NDArray clipGradientNorm(double maxNorm) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            List<NDArray> grads = new ArrayList<>();
            NDArray sumSq = null;
            for (Entry e : entries.values()) {
                NDArray g = e.trainable ? gradientOrNull(e) : null;
                if (g != null) {
                    grads.add(g);
                    NDArray sq = g.toType(DataType.FLOAT32, false).square().sum();
                    sumSq = sumSq == null ? sq : sumSq.add(sq);
                }
            }
            if (sumSq == null) {
                throw new IllegalStateException("no gradients to clip: call after backward");
            }
            NDArray norm = sumSq.sqrt();
            NDArray coef = Scalars.minimum(Scalars.mul(norm.onesLike(), (float) maxNorm).div(Scalars.add(norm, 1e-6f)), 1f);
            for (NDArray g : grads) {
                g.muli(coef.toType(g.getDataType(), false));
            }
            return norm;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** Sets every gradient to zero in place (also clearing NaN), keeping it allocated for the next backward. */
    public void zeroGradients() {
        for (Entry e : entries.values()) {
            if (e.trainable) {
                JniUtils.zeroGrad((PtNDArray) e.array);
            }
        }
    }

    /** Builds a {@link NamedParameters}; names must be unique. */
    public static final class Builder {
        private final Map<String, Entry> entries = new LinkedHashMap<>();
        private final Set<String> seen = new HashSet<>();

        private Builder() {
        }

        /**
         * Adds the parameters of an initialised block, named {@code prefix + parameter name}.
         *
         * @throws MedvpException when the block is not initialised
         */
        public Builder addBlock(String prefix, Block block) {
            for (Pair<String, Parameter> p : block.getParameters()) {
                Parameter param = p.getValue();
                if (!param.isInitialized()) {
                    throw new MedvpException("parameter " + prefix + p.getKey() + " is not initialised: "
                            + "initialise the block before training");
                }
                put(new Entry(prefix + p.getKey(), param.getArray(), param.requiresGradient(), false));
            }
            return this;
        }

        /** Adds a free trainable array; its gradient is switched on. */
        public Builder addFree(String name, NDArray array) {
            if (!array.hasGradient()) {
                array.setRequiresGradient(true);
            }
            put(new Entry(name, array, true, true));
            return this;
        }

        private void put(Entry e) {
            if (!seen.add(e.name)) {
                throw new IllegalArgumentException("duplicate parameter name " + e.name);
            }
            entries.put(e.name, e);
        }

        /** The set. */
        public NamedParameters build() {
            return new NamedParameters(new LinkedHashMap<>(entries));
        }
    }
}
