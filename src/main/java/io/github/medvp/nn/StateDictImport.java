package io.github.medvp.nn;

import io.github.medvp.nn.swin.WindowAttention3d;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.github.medvp.MedvpException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Loads a reference (PyTorch) state dict into our blocks, and exports our parameters back to reference names and
 * layouts. The names come from {@link ReferenceNames}, the only place that knows them.
 * <p>
 * Keys are first normalised: leading prefixes such as {@code module.} (DDP) are stripped and path segments such as
 * {@code uniformer.} (the pre-training {@code SSLEncoder} wrapper) are dropped wherever they occur; then only keys
 * under {@link Builder#optSelectPrefix(String)} are considered, with that prefix removed. Buffers our blocks derive
 * themselves ({@code num_batches_tracked}, {@code relative_position_index}) are ignored. Every shape is checked
 * before anything is written, so a failed strict load leaves the blocks unchanged.
 */
public final class StateDictImport {

    /** How a parameter's axes relate to the reference tensor's. */
    public enum Layout {
        /** Same layout (1-D tensors, Linear weights, and convolutions the reference runs on (X, Y, Z)). */
        AS_IS,
        /**
         * A convolution kernel of a reference layer that runs on (N, C, Z, X, Y): reference (…, kz, kx, ky),
         * ours (…, kx, ky, kz).
         */
        KERNEL_ZXY;

        /**
         * @param reference the reference tensor
         * @return the tensor in our layout (a view where possible)
         */
        public NDArray toOurs(NDArray reference) {
            return this == KERNEL_ZXY && reference.getShape().dimension() == 5
                    ? reference.transpose(0, 1, 3, 4, 2) : reference;
        }

        /**
         * @param ours our tensor
         * @return the tensor in the reference layout (a view where possible)
         */
        public NDArray toReference(NDArray ours) {
            return this == KERNEL_ZXY && ours.getShape().dimension() == 5 ? ours.transpose(0, 1, 4, 2, 3) : ours;
        }

        Shape toOurs(Shape reference) {
            if (this == KERNEL_ZXY && reference.dimension() == 5) {
                return new Shape(reference.get(0), reference.get(1), reference.get(3), reference.get(4),
                        reference.get(2));
            }
            return reference;
        }
    }

    /**
     * One of our parameters under a reference name.
     *
     * @param parameter our (initialised) parameter
     * @param layout how to convert between the reference tensor and the parameter
     */
    public record Target(Parameter parameter, Layout layout) {
    }

    /**
     * What a load did.
     *
     * @param loaded reference keys loaded
     * @param missing reference names of our parameters that the state dict lacks (they keep their values)
     * @param unexpected state-dict keys (normalised) that match none of our parameters
     * @param skipped keys excluded on purpose or, when not strict, because their shape differs
     */
    public record Report(List<String> loaded, List<String> missing, List<String> unexpected, List<String> skipped) {
    }

    private final List<String> stripPrefixes;
    private final List<String> dropSegments;
    private final String selectPrefix;
    private final boolean strict;
    private final Predicate<String> exclude;

    private StateDictImport(Builder b) {
        stripPrefixes = List.copyOf(b.stripPrefixes);
        dropSegments = List.copyOf(b.dropSegments);
        selectPrefix = b.selectPrefix;
        strict = b.strict;
        exclude = b.exclude;
    }

    /** @return a builder: strict, strips {@code module.}, drops {@code uniformer.}, selects everything */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads a state dict.
     *
     * @param targets our parameters by reference name (from {@link ReferenceNames})
     * @param stateDict reference tensors by key (any prefixes); not closed
     * @param source the file or description named in error messages
     * @return what was loaded, missing, unexpected and skipped
     * @throws MedvpException when strict and a key is missing, unexpected or has the wrong shape
     */
    public Report load(Map<String, Target> targets, Map<String, NDArray> stateDict, String source) {
        Map<String, NDArray> selected = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : stateDict.entrySet()) {
            String key = normalise(e.getKey());
            if (key.startsWith(selectPrefix) && !isDerivedBuffer(key)) {
                selected.put(key.substring(selectPrefix.length()), e.getValue());
            }
        }
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        for (Map.Entry<String, Target> e : targets.entrySet()) {
            String name = e.getKey();
            NDArray value = selected.get(name);
            if (exclude.test(name)) {
                if (value != null) {
                    skipped.add(name);
                }
                continue;
            }
            if (value == null) {
                missing.add(name);
                continue;
            }
            Shape expected = e.getValue().parameter().getShape();
            if (expected == null) {
                throw new IllegalStateException("initialise the blocks before importing: " + name);
            }
            Shape actual = e.getValue().layout().toOurs(value.getShape());
            if (!expected.equals(actual)) {
                wrongShape.add(name + " " + actual + " (expected " + expected + ")");
                skipped.add(name);
            } else {
                loaded.add(name);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String key : selected.keySet()) {
            if (!targets.containsKey(key)) {
                unexpected.add(key);
            }
        }
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty() || !wrongShape.isEmpty())) {
            throw new MedvpException("Checkpoint " + source + " does not fit the model: missing " + summary(missing)
                    + ", unexpected " + summary(unexpected) + ", wrong shape " + summary(wrongShape)
                    + "; check the preset and input channels, or load non-strictly");
        }
        for (String name : loaded) {
            Target t = targets.get(name);
            NDArray reference = selected.get(name);
            NDArray ours = t.layout().toOurs(reference);
            copyInto(t.parameter(), ours);
            if (ours != reference) {
                ours.close();
            }
        }
        return new Report(Collections.unmodifiableList(loaded), Collections.unmodifiableList(missing),
                Collections.unmodifiableList(unexpected), Collections.unmodifiableList(skipped));
    }

    /**
     * Exports our parameters under reference names and in reference layouts (the inverse of a load).
     *
     * @param targets our parameters by reference name
     * @param manager owner of the returned arrays
     * @return reference tensors by name, in the order of {@code targets}
     */
    public static Map<String, NDArray> export(Map<String, Target> targets, NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Target> e : targets.entrySet()) {
            try (NDScope scope = new NDScope()) {
                NDArray value = e.getValue().layout().toReference(e.getValue().parameter().getArray()).duplicate();
                NDScope.unregister(value);
                value.attach(manager);
                value.setName(e.getKey());
                out.put(e.getKey(), value);
            }
        }
        return out;
    }

    /**
     * @param key a state-dict key
     * @return the key without the configured prefixes and segments
     */
    public String normalise(String key) {
        String k = key;
        for (String prefix : stripPrefixes) {
            while (k.startsWith(prefix)) {
                k = k.substring(prefix.length());
            }
        }
        for (String segment : dropSegments) {
            k = k.startsWith(segment) ? k.substring(segment.length()) : k;
            k = k.replace("." + segment, ".");
        }
        return k;
    }

    /**
     * Buffers our blocks derive instead of storing: BatchNorm's {@code num_batches_tracked} (our momentum is fixed)
     * and the Swin's integer {@code relative_position_index} (computed from the window, see
     * {@link WindowAttention3d#relativePositionIndex}).
     */
    static boolean isDerivedBuffer(String key) {
        return key.endsWith("num_batches_tracked") || key.endsWith("relative_position_index");
    }

    private static void copyInto(Parameter parameter, NDArray value) {
        NDArray target = parameter.getArray();
        // A fresh tensor swapped into the parameter's NDArray (intern) instead of an in-place write: PyTorch refuses
        // in-place writes to leaves that require gradients.
        NDArray onDevice = value.toDevice(target.getDevice(), false);
        NDArray fresh = onDevice.toType(target.getDataType(), false);
        if (onDevice != value && onDevice != fresh) {
            onDevice.close();
        }
        // The caller keeps its state dict: never hand its own tensor over.
        fresh = fresh == value ? value.duplicate() : fresh;
        fresh.attach(target.getManager());
        fresh.setRequiresGradient(parameter.requiresGradient());
        target.intern(fresh);
    }

    private static String summary(List<String> keys) {
        if (keys.isEmpty()) {
            return "none";
        }
        int shown = Math.min(keys.size(), 8);
        return keys.size() + " " + keys.subList(0, shown) + (shown < keys.size() ? "…" : "");
    }

    /** Builder for {@link StateDictImport}. */
    public static final class Builder {
        private List<String> stripPrefixes = List.of("module.");
        private List<String> dropSegments = List.of("uniformer.");
        private String selectPrefix = "";
        private boolean strict = true;
        private Predicate<String> exclude = name -> false;

        private Builder() {
        }

        /** @param prefixes leading prefixes to strip, default {@code module.} @return this */
        public Builder optStripPrefixes(String... prefixes) {
            stripPrefixes = List.of(prefixes);
            return this;
        }

        /** @param segments path segments to drop anywhere, default {@code uniformer.} @return this */
        public Builder optDropSegments(String... segments) {
            dropSegments = List.of(segments);
            return this;
        }

        /**
         * @param prefix only keys under this prefix (after normalisation) are considered, e.g. {@code encoder.} to
         *     load an encoder from a whole-model checkpoint; default: all keys
         * @return this
         */
        public Builder optSelectPrefix(String prefix) {
            selectPrefix = prefix;
            return this;
        }

        /**
         * @param strict when true (default) any missing, unexpected or wrongly shaped key fails the load; when false
         *     they are reported and skipped (fine-tuning from a checkpoint with another number of modalities)
         * @return this
         */
        public Builder optStrict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * @param exclude reference names never loaded (e.g. {@code n -> n.startsWith("patch_embed1.proj.")}, as the
         *     reference fine-tuning does); they are neither missing nor unexpected
         * @return this
         */
        public Builder optExclude(Predicate<String> exclude) {
            this.exclude = exclude;
            return this;
        }

        /** @return the importer */
        public StateDictImport build() {
            return new StateDictImport(this);
        }
    }
}
