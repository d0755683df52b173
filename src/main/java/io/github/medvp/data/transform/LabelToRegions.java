package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * A label map (one channel of integer values) to binary region channels, each region a set of label values.
 * {@link #brats()} gives MONAI's BraTS convention [TC, WT, ET] = [{1,4}, {1,2,4}, {4}] (overlapping regions);
 * {@link #exclusive} one channel per class (mutually exclusive, e.g. CSF/GM/WM). An optional remap runs first, e.g.
 * BraTS 2023's enhancing tumour label 3 → 4 ({@link #brats2023()}; BrainMVP's downstream code applies MONAI's
 * BraTS-2018 {@code ConvertToMultiChannelBasedOnBratsClassesD} to BraTS 2023 labels). Values outside 0..255 belong to
 * no region. {@link #unknownValues} finds the values of a label map the scheme does not know, which this transform
 * would silently take as background; callers check label files with it before training or evaluating.
 */
public final class LabelToRegions implements Transform {

    private static final int MAX_LABEL = 255;
    /** How far from a whole number a stored label may be: scaled storage gives 3.9999 for 4. */
    private static final double INTEGER_TOLERANCE = 1e-3;

    private final int[][] regions;
    /** Bit r set when the (remapped) label value is in region r. */
    private final long[] lookup = new long[MAX_LABEL + 1];
    /** True when the label value is background (0, or remapped to 0) or belongs to a region. */
    private final boolean[] known = new boolean[MAX_LABEL + 1];

    /**
     * @param regions label values of each output channel
     * @param remap pairs {from, to} applied to label values before the regions, may be empty
     */
    public LabelToRegions(int[][] regions, int[]... remap) {
        if (regions.length == 0 || regions.length > 64) {
            throw new IllegalArgumentException("need 1..64 regions, got " + regions.length);
        }
        this.regions = new int[regions.length][];
        int[] map = new int[MAX_LABEL + 1];
        for (int v = 0; v <= MAX_LABEL; v++) {
            map[v] = v;
        }
        for (int[] pair : remap) {
            check(pair[0]);
            check(pair[1]);
            map[pair[0]] = pair[1];
        }
        for (int r = 0; r < regions.length; r++) {
            this.regions[r] = regions[r].clone();
            for (int value : regions[r]) {
                check(value);
                for (int v = 0; v <= MAX_LABEL; v++) {
                    if (map[v] == value) {
                        lookup[v] |= 1L << r;
                    }
                }
            }
        }
        for (int v = 0; v <= MAX_LABEL; v++) {
            known[v] = map[v] == 0 || lookup[v] != 0;
        }
    }

    private static void check(int v) {
        if (v < 0 || v > MAX_LABEL) {
            throw new IllegalArgumentException("label values must be in 0.." + MAX_LABEL + ": " + v);
        }
    }

    /** [TC, WT, ET] = [{1,4}, {1,2,4}, {4}] (BraTS 2018–2021 labels). */
    public static LabelToRegions brats() {
        return new LabelToRegions(new int[][] { { 1, 4 }, { 1, 2, 4 }, { 4 } });
    }

    /** {@link #brats()} after remapping BraTS 2023's ET label 3 to 4. */
    public static LabelToRegions brats2023() {
        return new LabelToRegions(new int[][] { { 1, 4 }, { 1, 2, 4 }, { 4 } }, new int[] { 3, 4 });
    }

    /** One channel per class value, classes mutually exclusive (background = every value not listed). */
    public static LabelToRegions exclusive(int... classes) {
        int[][] r = new int[classes.length][];
        for (int i = 0; i < classes.length; i++) {
            r[i] = new int[] { classes[i] };
        }
        return new LabelToRegions(r);
    }

    /**
     * The values of a label map that are not whole numbers, or whole numbers that are neither background nor in a
     * region (after the remapping).
     *
     * @param labels a label map
     * @param max stop after this many distinct values
     * @return the distinct values found, smallest first; empty when the map fits the scheme
     */
    public float[] unknownValues(float[] labels, int max) {
        TreeSet<Float> bad = new TreeSet<>();
        for (float v : labels) {
            int l = Math.round(v);
            boolean whole = Math.abs(v - l) <= INTEGER_TOLERANCE;
            if (!(whole && l >= 0 && l <= MAX_LABEL && known[l]) && bad.add(v) && bad.size() >= max) {
                break;
            }
        }
        float[] out = new float[bad.size()];
        int i = 0;
        for (float v : bad) {
            out[i++] = v;
        }
        return out;
    }

    /** @return the label values the scheme knows, as ranges: {@code 0-2, 4} */
    public String knownValues() {
        StringBuilder sb = new StringBuilder();
        for (int v = 0; v <= MAX_LABEL; v++) {
            if (known[v] && (v == 0 || !known[v - 1])) {
                int end = v;
                while (end < MAX_LABEL && known[end + 1]) {
                    end++;
                }
                sb.append(sb.length() > 0 ? ", " : "").append(v).append(end > v ? "-" + end : "");
            }
        }
        return sb.toString();
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        if (s.label() == null) {
            return s;
        }
        if (s.label().length != 1) {
            throw new IllegalStateException("LabelToRegions needs a 1-channel label map, got " + s.label().length);
        }
        float[] in = s.label()[0];
        float[][] out = new float[regions.length][in.length];
        for (int i = 0; i < in.length; i++) {
            float v = in[i];
            // Label files store integers; round so 3.9999 from scaled storage still counts as 4.
            int l = Math.round(v);
            if (l < 0 || l > MAX_LABEL) {
                continue;
            }
            long bits = lookup[l];
            while (bits != 0) {
                int r = Long.numberOfTrailingZeros(bits);
                out[r][i] = 1;
                bits &= bits - 1;
            }
        }
        return s.withLabel(out);
    }

    @Override
    public String toString() {
        return "LabelToRegions" + Arrays.deepToString(regions);
    }
}
