package io.github.medvp.tasks.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static boolean[] box(int[] dims, int[] from, int[] to) {
        boolean[] m = new boolean[dims[0] * dims[1] * dims[2]];
        for (int z = from[2]; z < to[2]; z++) {
            for (int y = from[1]; y < to[1]; y++) {
                for (int x = from[0]; x < to[0]; x++) {
                    m[x + dims[0] * (y + dims[1] * z)] = true;
                }
            }
        }
        return m;
    }

    @Test
    void diceFollowsTheEmptyGroundTruthRule() {
        boolean[] none = new boolean[4];
        assertEquals(1.0, Metrics.dice(none, none));
        assertEquals(0.0, Metrics.dice(new boolean[] {false, true, false, false}, none));
        boolean[] p = {true, true, false, false};
        boolean[] g = {false, true, true, true};
        assertEquals(2.0 * 1 / (2 + 3), Metrics.dice(p, g), 1e-15);
        assertEquals(0.0, Metrics.dice(none, g));
        assertEquals(1.0, Metrics.dice(g, g));
    }

    @Test
    void hd95OfCubesShiftedAlongOneAxisIsThatAxisSpacing() {
        int[] dims = {10, 11, 9};
        boolean[] a = box(dims, new int[] {2, 2, 2}, new int[] {6, 6, 6});
        boolean[] b = box(dims, new int[] {2, 3, 2}, new int[] {6, 7, 6});
        double[] spacing = {0.5, 2.5, 0.7};
        assertEquals(2.5, Metrics.hd95(a, b, dims, spacing), 1e-12);
        assertEquals(2.5, Metrics.hausdorff(b, a, dims, spacing, 100), 1e-12);
        // The same shift along Z costs the Z spacing.
        boolean[] c = box(dims, new int[] {2, 2, 3}, new int[] {6, 6, 7});
        assertEquals(0.7, Metrics.hd95(a, c, dims, spacing), 1e-12);
        assertEquals(0.0, Metrics.hd95(a, a, dims, spacing));
    }

    @Test
    void hd95WithAnEmptyMaskIsNaN() {
        int[] dims = {4, 4, 4};
        boolean[] none = new boolean[64];
        boolean[] some = box(dims, new int[] {1, 1, 1}, new int[] {2, 2, 2});
        double[] s = {1, 1, 1};
        assertTrue(Double.isNaN(Metrics.hd95(none, some, dims, s)));
        assertTrue(Double.isNaN(Metrics.hd95(some, none, dims, s)));
        assertTrue(Double.isNaN(Metrics.hd95(none, none, dims, s)));
    }

    @Test
    void hausdorffMatchesBruteForceOnRandomBlobs() {
        SplittableRandom rng = new SplittableRandom(7);
        int[] dims = {13, 9, 7};
        double[] spacing = {0.9, 1.7, 3.1};
        for (int trial = 0; trial < 20; trial++) {
            boolean[] p = blobs(dims, rng);
            boolean[] g = blobs(dims, rng);
            for (double q : new double[] {95, 50, 100}) {
                double want = bruteHausdorff(p, g, dims, spacing, q);
                assertEquals(want, Metrics.hausdorff(p, g, dims, spacing, q), 1e-9, "trial " + trial + " q " + q);
            }
        }
    }

    @Test
    void distanceTransformIsExact() {
        SplittableRandom rng = new SplittableRandom(3);
        int[] dims = {11, 6, 8};
        double[] spacing = {1.3, 0.4, 2.2};
        boolean[] f = new boolean[11 * 6 * 8];
        for (int i = 0; i < f.length; i++) {
            f[i] = rng.nextInt(40) == 0;
        }
        f[5] = true;
        double[] d2 = DistanceTransform.squared(f, dims, spacing);
        for (int i = 0; i < f.length; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < f.length; j++) {
                if (f[j]) {
                    best = Math.min(best, dist2(i, j, dims, spacing));
                }
            }
            assertEquals(best, d2[i], 1e-9 * (1 + best), "voxel " + i);
        }
        double[] none = DistanceTransform.squared(new boolean[f.length], dims, spacing);
        assertEquals(Double.POSITIVE_INFINITY, none[17]);
    }

    @Test
    void hd95OfABratsSizedVolumeTakesWellUnderASecond() {
        int[] dims = {240, 240, 155};
        boolean[] p = sphere(dims, 120, 120, 77, 70);
        boolean[] g = sphere(dims, 124, 117, 80, 66);
        Metrics.hd95(p, g, dims, new double[] {1, 1, 1});
        long t0 = System.nanoTime();
        double hd = Metrics.hd95(p, g, dims, new double[] {1, 1, 1});
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("hd95 of two 70-voxel spheres in 240x240x155: %.3f s (hd95 %.3f)%n", seconds, hd);
        // Centres 5.83 voxels apart and radii differing by 4: the surfaces are between 0 and ~10 voxels apart.
        assertTrue(hd > 4 && hd < 11, "hd95 " + hd);
        assertTrue(seconds < 3, "took " + seconds + " s");
    }

    @Test
    void quantileInterpolatesLinearly() {
        assertEquals(3.85, Metrics.quantile(new double[] {1, 2, 3, 4}, 0.95), 1e-12);
        assertEquals(4, Metrics.quantile(new double[] {1, 2, 3, 4}, 1), 0);
        assertEquals(7, Metrics.quantile(new double[] {7}, 0.95), 0);
    }

    @Test
    void confusionAccuracyAndBalancedAccuracy() {
        int[] t = {0, 0, 0, 1, 1, 2};
        int[] p = {0, 0, 1, 1, 0, 2};
        long[][] m = Metrics.confusionMatrix(t, p, 3);
        assertArrayEquals(new long[] {2, 1, 0}, m[0]);
        assertArrayEquals(new long[] {1, 1, 0}, m[1]);
        assertArrayEquals(new long[] {0, 0, 1}, m[2]);
        assertEquals(4.0 / 6, Metrics.accuracy(t, p), 1e-15);
        assertEquals((2.0 / 3 + 0.5 + 1) / 3, Metrics.balancedAccuracy(t, p, 3), 1e-15);
        // Class 2 absent from the truth is left out, not counted as recall 0.
        assertEquals((2.0 / 3 + 0.5) / 2, Metrics.balancedAccuracy(new int[] {0, 0, 0, 1, 1},
                new int[] {0, 0, 1, 1, 2}, 3), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Metrics.confusionMatrix(t, new int[] {0, 0, 0, 0, 0, 3}, 3));
    }

    @Test
    void aucCountsTiesAsOneHalf() {
        boolean[] pos = {true, false, true, false, true};
        double[] s = {0.9, 0.9, 0.5, 0.5, 0.1};
        // Pairs (pos, neg): (.9,.9)=½ (.9,.5)=1 (.5,.9)=0 (.5,.5)=½ (.1,.9)=0 (.1,.5)=0 → 2 of 6.
        assertEquals(2.0 / 6, Metrics.rocAuc(pos, s), 1e-15);
        assertTrue(Double.isNaN(Metrics.rocAuc(new boolean[] {true, true}, new double[] {1, 2})));
        SplittableRandom rng = new SplittableRandom(11);
        for (int trial = 0; trial < 10; trial++) {
            int n = 30 + rng.nextInt(30);
            boolean[] y = new boolean[n];
            double[] sc = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = rng.nextBoolean();
                sc[i] = rng.nextInt(6) / 5.0;
            }
            assertEquals(pairCount(y, sc), Metrics.rocAuc(y, sc), 1e-12);
        }
    }

    @Test
    void oneVsRestAucIsTheMeanOfThePerClassValues() {
        int[] t = {0, 1, 2, 0, 1, 2};
        double[][] s = {{.8, .1, .1}, {.2, .5, .3}, {.1, .6, .3}, {.3, .4, .3}, {.3, .3, .4}, {.2, .2, .6}};
        double[] per = Metrics.rocAucPerClass(t, s);
        // Class 0: positives .8, .3 vs negatives .2, .1, .3, .2 → 4 + 3.5 = 7.5 of 8.
        assertEquals(7.5 / 8, per[0], 1e-15);
        // Class 1: positives .5, .3 vs .1, .6, .4, .2 → 3 + 1.5 = 4.5 of 8 (.3 wins over .1, .2, loses to .6, .4).
        assertEquals((3 + 2) / 8.0, per[1], 1e-15);
        assertEquals((per[0] + per[1] + per[2]) / 3, Metrics.rocAucOneVsRest(t, s), 1e-15);
        assertTrue(Double.isNaN(Metrics.rocAucOneVsRest(new int[] {0, 1, 0}, new double[][] {{.9, .1, 0},
            {.2, .8, 0}, {.6, .4, 0}})));
    }

    // ---------------------------------------------------------------------------------------------- references

    private static double pairCount(boolean[] y, double[] s) {
        double sum = 0;
        long pairs = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y.length; j++) {
                if (y[i] && !y[j]) {
                    sum += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                    pairs++;
                }
            }
        }
        return sum / pairs;
    }

    private static boolean[] blobs(int[] dims, SplittableRandom rng) {
        boolean[] m = new boolean[dims[0] * dims[1] * dims[2]];
        for (int b = 0; b < 3; b++) {
            int[] lo = new int[3];
            int[] hi = new int[3];
            for (int a = 0; a < 3; a++) {
                lo[a] = rng.nextInt(dims[a]);
                hi[a] = Math.min(dims[a], lo[a] + 1 + rng.nextInt(dims[a]));
            }
            boolean[] part = box(dims, lo, hi);
            for (int i = 0; i < m.length; i++) {
                m[i] |= part[i] && rng.nextInt(5) != 0;
            }
        }
        return m;
    }

    private static boolean[] sphere(int[] dims, double cx, double cy, double cz, double r) {
        boolean[] m = new boolean[dims[0] * dims[1] * dims[2]];
        for (int z = 0, i = 0; z < dims[2]; z++) {
            for (int y = 0; y < dims[1]; y++) {
                for (int x = 0; x < dims[0]; x++, i++) {
                    m[i] = (x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz) <= r * r;
                }
            }
        }
        return m;
    }

    /** Surface by the erosion definition, then every pairwise distance, then numpy's linear percentile. */
    private static double bruteHausdorff(boolean[] p, boolean[] g, int[] dims, double[] s, double q) {
        List<Integer> sp = surface(p, dims);
        List<Integer> sg = surface(g, dims);
        if (sp.isEmpty() || sg.isEmpty()) {
            return Double.NaN;
        }
        return Math.max(percentile(directed(sp, sg, dims, s), q), percentile(directed(sg, sp, dims, s), q));
    }

    private static double[] directed(List<Integer> from, List<Integer> to, int[] dims, double[] s) {
        double[] d = new double[from.size()];
        for (int i = 0; i < d.length; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j : to) {
                best = Math.min(best, dist2(from.get(i), j, dims, s));
            }
            d[i] = Math.sqrt(best);
        }
        return d;
    }

    private static double percentile(double[] v, double q) {
        double[] a = v.clone();
        Arrays.sort(a);
        double rank = q / 100 * (a.length - 1);
        int lo = (int) rank;
        return lo + 1 < a.length ? a[lo] * (1 - (rank - lo)) + a[lo + 1] * (rank - lo) : a[lo];
    }

    private static List<Integer> surface(boolean[] m, int[] dims) {
        List<Integer> out = new ArrayList<>();
        int[][] nb = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
        for (int i = 0; i < m.length; i++) {
            if (!m[i]) {
                continue;
            }
            int[] c = coords(i, dims);
            boolean eroded = true;
            for (int[] d : nb) {
                int x = c[0] + d[0], y = c[1] + d[1], z = c[2] + d[2];
                boolean inside = x >= 0 && y >= 0 && z >= 0 && x < dims[0] && y < dims[1] && z < dims[2];
                eroded &= inside && m[x + dims[0] * (y + dims[1] * z)];
            }
            if (!eroded) {
                out.add(i);
            }
        }
        return out;
    }

    private static int[] coords(int i, int[] dims) {
        return new int[] {i % dims[0], (i / dims[0]) % dims[1], i / (dims[0] * dims[1])};
    }

    private static double dist2(int i, int j, int[] dims, double[] s) {
        int[] a = coords(i, dims);
        int[] b = coords(j, dims);
        double d = 0;
        for (int k = 0; k < 3; k++) {
            double t = (a[k] - b[k]) * s[k];
            d += t * t;
        }
        return d;
    }
}
