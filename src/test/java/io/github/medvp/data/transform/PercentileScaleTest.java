package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.TestSamples;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class PercentileScaleTest {

    @Test
    void scalesEachChannelByItsOwnPercentilesWithAndWithoutClip() {
        int[] shape = { 1, 1, 5 };
        // Channel 0: 0..4, p5 = 0.2, p95 = 3.8; channel 1: ×10, so the same scaled values.
        float[] a = { 0, 1, 2, 3, 4 };
        float[] b = { 0, 10, 20, 30, 40 };
        Sample s = new PercentileScale(5, 95, false).apply(TestSamples.of(shape, a.clone(), b.clone()), null);
        float lo = (float) 0.2, range = (float) 3.8 - lo;
        float[] expected = new float[5];
        for (int i = 0; i < 5; i++) {
            expected[i] = (i - lo) / range;
        }
        assertArrayEquals(expected, s.image()[0], 0);
        assertArrayEquals(new float[] { -1f / 18, 4f / 18, 9f / 18, 14f / 18, 19f / 18 }, s.image()[1], 1e-6f);
        Sample clipped = new PercentileScale(5, 95, true).apply(TestSamples.of(shape, a.clone()), null);
        assertArrayEquals(new float[] { 0, expected[1], expected[2], expected[3], 1 }, clipped.image()[0], 0);
    }

    @Test
    void constantChannelIsShiftedNotDivided() {
        Sample s = new PercentileScale(5, 95, true).apply(TestSamples.of(new int[] { 1, 2, 1 }, new float[] { 7, 7 }),
                null);
        assertArrayEquals(new float[] { 0, 0 }, s.image()[0], 0);
    }
}
