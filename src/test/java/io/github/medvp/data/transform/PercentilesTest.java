package io.github.medvp.data.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Expected values are numpy 2.4 {@code np.percentile(a, np.asarray(q))} on float32 arrays: array-valued {@code q}, as
 * MONAI passes it (a Python-scalar {@code q} makes numpy 2 interpolate in float32 instead).
 */
class PercentilesTest {

    @Test
    void matchesNumpyIncludingInterpolationFromTheNearerSide() {
        float[] a = { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6 };
        for (int i = 0; i < a.length; i++) {
            a[i] /= 7f;
        }
        float[] before = a.clone();
        double[] p = Percentiles.of(a, 0, 5, 37.5, 50, 95, 100);
        assertArrayEquals(new double[] { 0.1428571492433548, 0.1428571492433548, 0.5000000149011612, 0.7142857313156128,
                1.2857142686843872, 1.2857142686843872 }, p, 0);
        assertArrayEquals(before, a, "input unchanged");
    }

    @Test
    void mostlyBackground() {
        float[] b = { 0, 0, 0, 0, 0, 0, 0, 0.1f, 0.7f, 0.3000001f };
        assertArrayEquals(new double[] { 0.0, 0.5200000390410419 }, Percentiles.of(b, 5, 95), 0);
        // (n-1)·0.95 = 8.55 between sorted 0.3000001 and 0.7: float diff, then b - diff·0.45 in double.
        double t = 9 * 0.95 - 8;
        assertEquals(0.7f - (double) (0.7f - 0.3000001f) * (1 - t), Percentiles.of(b, 95)[0], 0);
    }

    @Test
    void largeArrayWithManyTies() {
        float[] c = new float[100003];
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) ((i * 7919L) % 13) * (float) ((i * 104729L) % 1000) / 1000f;
        }
        assertArrayEquals(new double[] { 0.0, 0.0, 2.180000066757202, 8.687999725341797, 11.831999778747559,
                11.98799991607666 }, Percentiles.of(c, 0, 5, 50, 95, 99.9, 100), 0);
    }

    @Test
    void singleValueAndNaN() {
        assertArrayEquals(new double[] { 4, 4 }, Percentiles.of(new float[] { 4 }, 5, 95), 0);
        assertTrue(Double.isNaN(Percentiles.of(new float[] { 1, Float.NaN, 2 }, 50)[0]));
    }

    @Test
    void selectionAgreesWithSortingOnRandomData() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            float[] a = new float[1 + r.nextInt(400)];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextInt(4) == 0 ? 0 : r.nextInt(20);
            }
            float[] sorted = a.clone();
            java.util.Arrays.sort(sorted);
            double[] q = { 2.5, 5, 50, 95, 97.5 };
            double[] p = Percentiles.of(a, q);
            for (int i = 0; i < q.length; i++) {
                double v = (a.length - 1) * (q[i] / 100);
                int lo = (int) Math.floor(v);
                float hi = sorted[Math.min(lo + 1, a.length - 1)];
                assertEquals(Percentiles.lerp(sorted[lo], hi, v - lo), p[i], 0, "trial " + trial + " q " + q[i]);
            }
        }
    }
}
