package io.github.medvp.nn.swin;

import io.github.medvp.nn.Fixtures;
import io.github.medvp.nn.Layers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gather-based pad/roll/partition and its inverse against a literal port of the reference's tensor code
 * ({@code F.pad}, {@code torch.roll}, {@code window_partition}, {@code window_reverse}, {@code compute_mask}).
 */
class SwinWindowsTest {

    @ParameterizedTest
    @CsvSource({
        "9, 3, 10, 4, true", // H ≤ window: shrinks to 3, H unshifted; D and W padded to 12
        "9, 3, 10, 4, false",
        "8, 8, 8, 4, true", // no padding
        "3, 2, 4, 4, true", // every axis shrunk: no shift at all, no mask
        "5, 7, 6, 7, true", // H equal to the window also shrinks (≤), shift 0
    })
    void gathersEqualPadRollPartitionAndBack(long d, long h, long w, int window, boolean shifted) {
        try (NDManager m = NDManager.newBaseManager()) {
            long[] dims = {d, h, w};
            int[] win = {window, window, window};
            int s = shifted ? window / 2 : 0;
            SwinWindows.Plan plan = SwinWindows.plan(dims, win, new int[] {s, s, s}, m, Device.cpu());
            int[] ws = plan.window();
            int[] sh = plan.shift();
            long c = 2;
            NDArray x = m.randomNormal(new Shape(2, d, h, w, c));

            // Reference: F.pad at the end, roll(-shift), window_partition.
            NDArray ref = x;
            long[] padded = new long[3];
            for (int a = 0; a < 3; a++) {
                padded[a] = (dims[a] + ws[a] - 1) / ws[a] * ws[a];
                ref = Layers.padEnd(ref, a + 1, padded[a] - dims[a]);
            }
            for (int a = 0; a < 3; a++) {
                ref = roll(ref, a + 1, -sh[a]);
            }
            NDArray refWindows = ref.reshape(2, padded[0] / ws[0], ws[0], padded[1] / ws[1], ws[1],
                    padded[2] / ws[2], ws[2], c).transpose(0, 1, 3, 5, 2, 4, 6, 7).reshape(-1, plan.tokens(), c);

            NDArray tokens = x.reshape(2, -1, c);
            if (plan.padded()) {
                tokens = Layers.padEnd(tokens, 1, 1);
            }
            NDArray ours = tokens.get(new NDIndex(":, {}", plan.partition())).reshape(-1, plan.tokens(), c);
            assertEquals(refWindows.getShape(), ours.getShape());
            assertEquals(0f, Fixtures.maxAbs(refWindows, ours));

            // Reference back: window_reverse, roll(+shift), crop; on arbitrary window outputs.
            NDArray y = m.randomNormal(refWindows.getShape());
            NDArray back = y.reshape(2, padded[0] / ws[0], padded[1] / ws[1], padded[2] / ws[2], ws[0], ws[1], ws[2],
                    c).transpose(0, 1, 4, 2, 5, 3, 6, 7).reshape(2, padded[0], padded[1], padded[2], c);
            for (int a = 0; a < 3; a++) {
                back = roll(back, a + 1, sh[a]);
            }
            back = back.get(new NDIndex(":, :{}, :{}, :{}", d, h, w));
            NDArray oursBack = y.reshape(2, -1, c).get(new NDIndex(":, {}", plan.reverse())).reshape(back.getShape());
            assertEquals(0f, Fixtures.maxAbs(back, oursBack));

            float[] expectedMask = computeMask(padded, ws, sh);
            if (expectedMask == null) {
                assertNull(plan.mask());
            } else {
                assertEquals(new Shape(plan.windows(), plan.tokens(), plan.tokens()), plan.mask().getShape());
                assertArrayEquals(expectedMask, plan.mask().toFloatArray());
            }
        }
    }

    @Test
    void shrinksWindowsAndDropsTheShiftAlongSmallAxes() {
        int[][] ws = SwinWindows.effective(new long[] {8, 6, 7}, new int[] {7, 7, 7}, new int[] {3, 3, 3});
        assertArrayEquals(new int[] {7, 6, 7}, ws[0]);
        assertArrayEquals(new int[] {3, 0, 0}, ws[1]);
    }

    @Test
    void relativePositionIndexIsTheStandardOneAndSlicedForShrunkWindows() {
        long[] index = SwinWindows.relativePositionIndex(new int[] {7, 7, 7});
        assertEquals(343 * 343, index.length);
        // Token 0 = (0,0,0) to itself: offset (6,6,6) -> 6·169 + 6·13 + 6 = 1098, the centre of 13³.
        assertEquals(1098, index[0]);
        // Token 342 = (6,6,6) attending to token 0: offset (12,12,12) -> the last row of the table.
        assertEquals(2196, index[342 * 343]);
        // The [:n, :n] slice (the reference's quirk for shrunk windows) keeps the 7³ numbering.
        long[] sliced = SwinWindows.slicedIndex(new int[] {7, 7, 7}, 294);
        assertEquals(index[293 * 343 + 7], sliced[293 * 294 + 7]);
        long max = 0;
        for (long v : index) {
            max = Math.max(max, v);
        }
        assertEquals(2196, max);
    }

    @Test
    void cacheBuildsOncePerGridAndDevice() {
        try (NDManager m = NDManager.newBaseManager()) {
            SwinWindows.Cache cache = new SwinWindows.Cache();
            int[] w = {7, 7, 7};
            int[] s = {3, 3, 3};
            SwinWindows.Plan a = cache.get(new long[] {8, 6, 8}, w, s, m, Device.cpu());
            assertTrue(a == cache.get(new long[] {8, 6, 8}, w, s, m, Device.cpu()));
            assertTrue(a != cache.get(new long[] {8, 8, 8}, w, s, m, Device.cpu()));
            assertTrue(a != cache.get(new long[] {8, 6, 8}, w, new int[3], m, Device.cpu()));
        }
    }

    /** {@code torch.roll(x, shift, axis)}. */
    private static NDArray roll(NDArray x, int axis, int shift) {
        long n = x.getShape().get(axis);
        long k = ((shift % n) + n) % n;
        if (k == 0) {
            return x;
        }
        String head = ":,".repeat(axis);
        NDArray tail = x.get(head + (n - k) + ":");
        NDArray front = x.get(head + ":" + (n - k));
        return tail.concat(front, axis);
    }

    /** A literal port of MONAI 0.9's {@code compute_mask} (Python slice semantics), or null when nothing shifts. */
    private static float[] computeMask(long[] padded, int[] w, int[] s) {
        if (s[0] == 0 && s[1] == 0 && s[2] == 0) {
            return null;
        }
        int pd = (int) padded[0];
        int ph = (int) padded[1];
        int pw = (int) padded[2];
        float[][][] img = new float[pd][ph][pw];
        int cnt = 0;
        for (int[] sd : slices(pd, w[0], s[0])) {
            for (int[] shh : slices(ph, w[1], s[1])) {
                for (int[] sw : slices(pw, w[2], s[2])) {
                    for (int i = sd[0]; i < sd[1]; i++) {
                        for (int j = shh[0]; j < shh[1]; j++) {
                            for (int k = sw[0]; k < sw[1]; k++) {
                                img[i][j][k] = cnt;
                            }
                        }
                    }
                    cnt++;
                }
            }
        }
        int n = w[0] * w[1] * w[2];
        int windows = pd / w[0] * (ph / w[1]) * (pw / w[2]);
        float[][] labels = new float[windows][n];
        int win = 0;
        for (int bd = 0; bd < pd / w[0]; bd++) {
            for (int bh = 0; bh < ph / w[1]; bh++) {
                for (int bw = 0; bw < pw / w[2]; bw++, win++) {
                    int t = 0;
                    for (int i = 0; i < w[0]; i++) {
                        for (int j = 0; j < w[1]; j++) {
                            for (int k = 0; k < w[2]; k++) {
                                labels[win][t++] = img[bd * w[0] + i][bh * w[1] + j][bw * w[2] + k];
                            }
                        }
                    }
                }
            }
        }
        float[] mask = new float[windows * n * n];
        for (int v = 0; v < windows; v++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    // mask_windows.unsqueeze(1) - mask_windows.unsqueeze(2): entry (i, j) = label[j] - label[i].
                    mask[(v * n + i) * n + j] = labels[v][j] - labels[v][i] != 0 ? -100f : 0f;
                }
            }
        }
        return mask;
    }

    /** {@code slice(-w)}, {@code slice(-w, -s)}, {@code slice(-s, None)} resolved on an axis of length p. */
    private static int[][] slices(int p, int w, int s) {
        return new int[][] {{0, norm(p, -w)}, {norm(p, -w), norm(p, -s)}, {norm(p, -s), p}};
    }

    /** Python's index normalisation; note -0 is 0, which is what makes shift 0 cover the whole axis. */
    private static int norm(int p, int i) {
        return i < 0 ? Math.max(p + i, 0) : Math.min(i, p);
    }
}
