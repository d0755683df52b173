package io.github.medvp.nn.swin;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.engine.Scalars;

/**
 * The constant index arithmetic of MONAI 0.9's 3D Swin ({@code get_window_size}, {@code compute_mask} and
 * {@code WindowAttention} of the reference's {@code mg3d/models/vision_encoders/swin_unetr.py}): window shrinking, the
 * cyclic shift, padding to multiples of the window, window partition/reverse, the −100 attention mask of shifted
 * windows and the relative-position index. Everything here depends only on the grid size and the window configuration,
 * so it is computed once per grid on the host and cached on the device; the forward passes only gather with it.
 * <p>
 * Grids are (D, H, W), the reference's axis order: the rules are not symmetric in the axes.
 */
final class SwinWindows {

    /** Additive mask value between tokens of different shifted regions, as the reference. */
    static final float MASK_VALUE = -100f;

    private SwinWindows() {
    }

    /**
     * {@code get_window_size} of the reference: along an axis whose size is ≤ the window, the window shrinks to the
     * size and the shift becomes 0.
     *
     * @param dims grid size (D, H, W)
     * @param window configured window
     * @param shift configured shift (0 or window / 2)
     * @return {window, shift} actually used
     */
    static int[][] effective(long[] dims, int[] window, int[] shift) {
        int[] w = window.clone();
        int[] s = shift.clone();
        for (int a = 0; a < 3; a++) {
            if (dims[a] <= window[a]) {
                w[a] = (int) dims[a];
                s[a] = 0;
            }
        }
        return new int[][] {w, s};
    }

    /**
     * The reference's {@code relative_position_index} of a window: entry (i, j) indexes the bias table for token i
     * attending to token j, tokens numbered (d, h, w) row-major inside the window.
     *
     * @param window the configured window (the table is built for it, never for a shrunk one)
     * @return the n×n index, row-major, n = window volume
     */
    static long[] relativePositionIndex(int[] window) {
        int n = window[0] * window[1] * window[2];
        long strideD = (2L * window[1] - 1) * (2L * window[2] - 1);
        long strideH = 2L * window[2] - 1;
        long[] index = new long[n * n];
        for (int i = 0; i < n; i++) {
            int[] ci = coords(i, window);
            for (int j = 0; j < n; j++) {
                int[] cj = coords(j, window);
                index[i * n + j] = (ci[0] - cj[0] + window[0] - 1) * strideD
                        + (ci[1] - cj[1] + window[1] - 1) * strideH
                        + (ci[2] - cj[2] + window[2] - 1);
            }
        }
        return index;
    }

    /**
     * The part of {@link #relativePositionIndex} a window of {@code n} tokens uses: the reference slices
     * {@code [:n, :n]} of the full index even when the window shrank, so a shrunk window reads the bias of a 7³
     * window's first n tokens ({@code WindowAttention.forward}; "wrong", but the checkpoints depend on it).
     */
    static long[] slicedIndex(int[] window, int n) {
        int full = window[0] * window[1] * window[2];
        long[] index = relativePositionIndex(window);
        long[] out = new long[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(index, i * full, out, i * n, n);
        }
        return out;
    }

    private static int[] coords(int token, int[] window) {
        return new int[] {token / (window[1] * window[2]), token / window[2] % window[1], token % window[2]};
    }

    /**
     * Device-side constants of one block on one grid.
     *
     * @param window the window used (after shrinking)
     * @param shift the shift used (after shrinking)
     * @param windows windows per sample
     * @param tokens tokens per window
     * @param padded whether the padded grid is larger than the grid (the gather then needs a zero token)
     * @param partition (windows·tokens) int64: source token (in D·H·W order, or D·H·W for the zero token) of each
     *     window token; this is pad, {@code roll(−shift)} and window partition in one gather
     * @param reverse (D·H·W) int64: window token that each grid token comes back from ({@code window_reverse},
     *     {@code roll(+shift)} and the crop in one gather)
     * @param mask (windows, tokens, tokens) 0 / −100, or null when nothing is shifted
     */
    record Plan(int[] window, int[] shift, int windows, int tokens, boolean padded, NDArray partition,
            NDArray reverse, NDArray mask) {

        boolean isReleased() {
            return partition.isReleased() || reverse.isReleased() || (mask != null && mask.isReleased());
        }
    }

    /**
     * Builds the plan of a grid.
     *
     * @param dims grid size (D, H, W), unpadded
     * @param window configured window
     * @param shift configured shift
     * @param owner manager the constants are attached to (must outlive every forward, e.g. the parameters')
     * @param device device of the inputs
     * @return the plan
     */
    static Plan plan(long[] dims, int[] window, int[] shift, NDManager owner, Device device) {
        int[][] ws = effective(dims, window, shift);
        int[] w = ws[0];
        int[] s = ws[1];
        long[] padded = new long[3];
        long[] blocks = new long[3];
        for (int a = 0; a < 3; a++) {
            blocks[a] = (dims[a] + w[a] - 1) / w[a];
            padded[a] = blocks[a] * w[a];
        }
        int tokens = w[0] * w[1] * w[2];
        int windows = Math.toIntExact(blocks[0] * blocks[1] * blocks[2]);
        long volume = dims[0] * dims[1] * dims[2];
        boolean shifted = s[0] > 0 || s[1] > 0 || s[2] > 0;
        long[] partition = new long[Math.toIntExact((long) windows * tokens)];
        long[] reverse = new long[Math.toIntExact(volume)];
        float[] labels = shifted ? new float[partition.length] : null;
        boolean usesPadding = false;
        int k = 0;
        for (long bd = 0; bd < blocks[0]; bd++) {
            for (long bh = 0; bh < blocks[1]; bh++) {
                for (long bw = 0; bw < blocks[2]; bw++) {
                    for (int id = 0; id < w[0]; id++) {
                        for (int ih = 0; ih < w[1]; ih++) {
                            for (int iw = 0; iw < w[2]; iw++, k++) {
                                long[] p = {bd * w[0] + id, bh * w[1] + ih, bw * w[2] + iw};
                                // roll(x, -s)[p] = x[(p + s) mod P] on the padded grid.
                                long qd = (p[0] + s[0]) % padded[0];
                                long qh = (p[1] + s[1]) % padded[1];
                                long qw = (p[2] + s[2]) % padded[2];
                                if (qd < dims[0] && qh < dims[1] && qw < dims[2]) {
                                    long q = (qd * dims[1] + qh) * dims[2] + qw;
                                    partition[k] = q;
                                    reverse[(int) q] = k;
                                } else {
                                    partition[k] = volume;
                                    usesPadding = true;
                                }
                                if (shifted) {
                                    labels[k] = region(p[0], padded[0], w[0], s[0]) * 9
                                            + region(p[1], padded[1], w[1], s[1]) * 3
                                            + region(p[2], padded[2], w[2], s[2]);
                                }
                            }
                        }
                    }
                }
            }
        }
        try (NDScope scope = new NDScope()) {
            NDArray partitionArray = HostArrays.copyOf(owner, partition, new Shape(partition.length), device);
            NDArray reverseArray = HostArrays.copyOf(owner, reverse, new Shape(reverse.length), device);
            NDArray mask = null;
            if (shifted) {
                NDArray l = HostArrays.copyOf(owner, labels, new Shape(windows, tokens), device);
                // The reference: mask_windows.unsqueeze(1) - mask_windows.unsqueeze(2), != 0 -> -100, == 0 -> 0
                // (+0.0 exactly: −100·0 is −0.0, and −0.0 + 0 is +0.0).
                NDArray differ = Scalars.neq(l.expandDims(1).sub(l.expandDims(2)), 0).toType(DataType.FLOAT32, false);
                mask = Scalars.add(Scalars.mul(differ, MASK_VALUE), 0f);
            }
            NDScope.unregister(partitionArray, reverseArray);
            if (mask != null) {
                NDScope.unregister(mask);
            }
            return new Plan(w, s, windows, tokens, usesPadding, partitionArray, reverseArray, mask);
        }
    }

    /**
     * Region label of a padded coordinate along one axis, as {@code compute_mask} assigns it: slices
     * {@code [:-w]}, {@code [-w:-s]}, {@code [-s:]} get 0, 1, 2. With shift 0 the last slice is {@code [-0:]}, the
     * whole axis, which overwrites the others: every position is in region 2.
     */
    private static int region(long p, long padded, int window, int shift) {
        if (shift == 0 || p >= padded - shift) {
            return 2;
        }
        return p < padded - window ? 0 : 1;
    }

    /** Plans by grid, window configuration and device, shared by the blocks of one encoder. */
    static final class Cache {
        private final Map<List<Object>, Plan> plans = new ConcurrentHashMap<>();

        /**
         * @param dims grid size (D, H, W)
         * @param window configured window
         * @param shift configured shift
         * @param owner manager the constants are attached to when they are built
         * @param device device of the inputs
         * @return the cached plan, built on first use (and again if its arrays were closed with their manager)
         */
        Plan get(long[] dims, int[] window, int[] shift, NDManager owner, Device device) {
            List<Object> key = List.of(Arrays.toString(dims), Arrays.toString(window), Arrays.toString(shift),
                    device.toString());
            Plan plan = plans.get(key);
            if (plan == null || plan.isReleased()) {
                plan = plan(dims, window, shift, owner, device);
                plans.put(key, plan);
            }
            return plan;
        }
    }
}
