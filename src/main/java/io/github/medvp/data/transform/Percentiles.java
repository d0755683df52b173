package io.github.medvp.data.transform;

/**
 * Percentiles exactly as {@code numpy.percentile(a, q)} computes them with its default {@code method='linear'}:
 * virtual index {@code (n-1)·q/100}, neighbours by selection (expected linear time; a 3-way partition keeps the
 * many equal background values of brain volumes from degrading it), and numpy's {@code _lerp}, which subtracts the
 * neighbours in the input's precision (float) and interpolates in double from whichever side is nearer.
 * <p>
 * That is numpy's result for an array-valued {@code q}, which is how MONAI calls it; numpy 2 with a Python-scalar
 * {@code q} interpolates in float32 instead (at most one float ulp apart once MONAI rounds the result to float).
 */
public final class Percentiles {

    private Percentiles() {
    }

    /**
     * numpy's linear percentiles of {@code data} (left unchanged).
     *
     * @param q percentiles in [0, 100], ascending
     * @return one value per percentile; NaN when {@code data} contains NaN (as numpy)
     * @throws IllegalArgumentException for empty data or bad percentiles
     */
    public static double[] of(float[] data, double... q) {
        if (data.length == 0) {
            throw new IllegalArgumentException("percentile of an empty array");
        }
        float[] a = data.clone();
        for (float v : a) {
            if (v != v) {
                double[] nan = new double[q.length];
                java.util.Arrays.fill(nan, Double.NaN);
                return nan;
            }
        }
        int n = a.length;
        double[] out = new double[q.length];
        int from = 0;
        double prev = 0;
        for (int i = 0; i < q.length; i++) {
            if (!(q[i] >= 0 && q[i] <= 100) || q[i] < prev) {
                throw new IllegalArgumentException("percentiles must be ascending in [0, 100]: " + q[i]);
            }
            prev = q[i];
            double virtual = (n - 1) * (q[i] / 100);
            int lo = (int) Math.floor(virtual);
            double t = virtual - lo;
            // Earlier selections left everything from 'from' on ≥ the previous result, so search only there.
            float below = select(a, from, n - 1, lo);
            from = lo;
            float above = below;
            if (lo + 1 < n) {
                above = a[lo + 1];
                for (int j = lo + 2; j < n; j++) {
                    if (a[j] < above) {
                        above = a[j];
                    }
                }
            }
            out[i] = lerp(below, above, t);
        }
        return out;
    }

    /** numpy's {@code _lerp(a, b, t)} with float {@code a}, {@code b} and double {@code t}. */
    static double lerp(float a, float b, double t) {
        float diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    /**
     * Rearranges {@code a[lo..hi]} so that {@code a[k]} holds the value it would have if sorted, smaller-or-equal
     * values before it and larger-or-equal after it, and returns that value.
     */
    static float select(float[] a, int lo, int hi, int k) {
        while (hi - lo > 16) {
            int mid = (lo + hi) >>> 1;
            float p = median(a[lo], a[mid], a[hi]);
            int lt = lo, i = lo, gt = hi;
            while (i <= gt) {
                float v = a[i];
                if (v < p) {
                    a[i++] = a[lt];
                    a[lt++] = v;
                } else if (v > p) {
                    a[i] = a[gt];
                    a[gt--] = v;
                } else {
                    i++;
                }
            }
            if (k < lt) {
                hi = lt - 1;
            } else if (k > gt) {
                lo = gt + 1;
            } else {
                return p;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            float v = a[i];
            int j = i - 1;
            while (j >= lo && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
        return a[k];
    }

    private static float median(float a, float b, float c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
