package io.github.medvp.data.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.io.Geometry;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The task intensity rule by modality: HU window for CT, 5–95 percentiles for MRI, against hand-computed values. */
class ModalityIntensityTest {

    /** 20 HU values: air and below, lung, water, soft tissue, bone and beyond the window. */
    private static final float[] HU = {-3000, -1000, -800, -500, -100, 0, 40, 100, 250, 300, 500, 700, 900, 1000,
        1200, 2000, 3000, -1200, 60, 80};

    private static float[] ramp() {
        float[] v = new float[20];
        for (int i = 0; i < v.length; i++) {
            v[i] = 10 * i; // 0, 10, ..., 190
        }
        return v;
    }

    private static Sample sample(List<Modality> mods, float[]... channels) {
        return Sample.of(new int[] {20, 1, 1}, channels, mods, null, Geometry.ofSpacing(1, 1, 1));
    }

    @Test
    void ctGetsTheWindowClippedAndMriItsPercentilesUnclipped() {
        Sample s = new ModalityIntensity(new double[] {-1000, 1000}).apply(
                sample(List.of(Modality.CT, Modality.T1), HU.clone(), ramp()), new SplittableRandom(0));
        float[] ct = s.image()[0];
        float[] want = new float[HU.length];
        for (int i = 0; i < HU.length; i++) {
            want[i] = (Math.min(1000, Math.max(-1000, HU[i])) + 1000) / 2000f;
        }
        assertArrayEquals(want, ct, 1e-7f);
        assertEquals(0, ct[0]);
        assertEquals(0.5f, ct[5]);
        assertEquals(0.52f, ct[6], 1e-7f);
        assertEquals(1, ct[16]);
        // numpy's linear percentiles of 0, 10, ..., 190: p5 at rank 0.95 = 9.5, p95 at rank 18.05 = 180.5.
        float[] mri = s.image()[1];
        for (int i = 0; i < 20; i++) {
            assertEquals((10 * i - 9.5f) / 171f, mri[i], 1e-6f, "voxel " + i);
        }
        assertEquals(-9.5f / 171, mri[0], 1e-6f, "no clipping below 0");
        assertEquals(180.5f / 171, mri[19], 1e-6f, "no clipping above 1");
    }

    @Test
    void aNarrowWindowAsMsdLung() {
        Sample s = new ModalityIntensity(new double[] {-175, 250}).apply(sample(List.of(Modality.CT), HU.clone()),
                new SplittableRandom(0));
        float[] ct = s.image()[0];
        assertEquals(0, ct[3], "-500 below the window");
        assertEquals(75 / 425f, ct[4], 1e-7f);
        assertEquals(175 / 425f, ct[5], 1e-7f);
        assertEquals(1, ct[8], "250: the upper bound");
        assertEquals(1, ct[9], "300 above the window");
    }

    @Test
    void unnamedChannelsAndEveryMriModalityTakeThePercentileRule() {
        float[] want = ramp();
        new PercentileScale(5, 95, false).scale(want);
        Sample unnamed = ModalityIntensity.DEFAULT.apply(sample(List.of(), ramp()), new SplittableRandom(0));
        assertArrayEquals(want, unnamed.image()[0]);
        for (Modality m : Modality.TEMPLATED) {
            Sample s = ModalityIntensity.DEFAULT.apply(sample(List.of(m), ramp()), new SplittableRandom(0));
            assertArrayEquals(want, s.image()[0], m.token());
        }
    }

    @Test
    void describesTheRuleOfTheModalitiesAndRefusesABadWindow() {
        ModalityIntensity w = new ModalityIntensity(new double[] {-175, 250.5});
        assertArrayEquals(new double[] {-175, 250.5}, w.window());
        assertEquals("HU window [-175, 250.5] to [0, 1] with clipping, RAS, 1 mm", w.describe(List.of(Modality.CT)));
        assertEquals("per-channel 5-95 percentile scaling without clipping, RAS, 1 mm",
                w.describe(List.of(Modality.T1, Modality.FLAIR)));
        assertEquals("per-channel 5-95 percentile scaling without clipping (MRI channels), HU window [-175, 250.5] to "
                + "[0, 1] with clipping (CT channels), RAS, 1 mm", w.describe(List.of(Modality.T1, Modality.CT)));
        assertThrows(IllegalArgumentException.class, () -> new ModalityIntensity(new double[] {300, -200}));
        assertThrows(IllegalArgumentException.class, () -> new ModalityIntensity(new double[] {1}));
    }
}
