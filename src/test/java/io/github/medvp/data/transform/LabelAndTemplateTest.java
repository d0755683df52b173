package io.github.medvp.data.transform;

import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import io.github.medvp.data.TestSamples;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.Test;

import io.github.medvp.MedvpException;
import io.github.medvp.io.Geometry;

/** LabelToRegions, TemplateOffset and Compose. */
class LabelAndTemplateTest {

    private static Sample labelled(float... labels) {
        int[] shape = { 1, 1, labels.length };
        return TestSamples.of(shape, new float[labels.length]).withLabel(new float[][] { labels });
    }

    @Test
    void bratsRegions() {
        Sample s = LabelToRegions.brats().apply(labelled(0, 1, 2, 3, 4), null);
        assertArrayEquals(new float[] { 0, 1, 0, 0, 1 }, s.label()[0], 0, "TC");
        assertArrayEquals(new float[] { 0, 1, 1, 0, 1 }, s.label()[1], 0, "WT");
        assertArrayEquals(new float[] { 0, 0, 0, 0, 1 }, s.label()[2], 0, "ET");
        s = LabelToRegions.brats2023().apply(labelled(0, 1, 2, 3, 4), null);
        assertArrayEquals(new float[] { 0, 1, 0, 1, 1 }, s.label()[0], 0, "TC with 3→4");
        assertArrayEquals(new float[] { 0, 1, 1, 1, 1 }, s.label()[1], 0, "WT with 3→4");
        assertArrayEquals(new float[] { 0, 0, 0, 1, 1 }, s.label()[2], 0, "ET with 3→4");
    }

    @Test
    void exclusiveClasses() {
        Sample s = LabelToRegions.exclusive(1, 2, 3).apply(labelled(0, 3, 2, 1, 7, -1), null);
        assertArrayEquals(new float[] { 0, 0, 0, 1, 0, 0 }, s.label()[0], 0);
        assertArrayEquals(new float[] { 0, 0, 1, 0, 0, 0 }, s.label()[1], 0);
        assertArrayEquals(new float[] { 0, 1, 0, 0, 0, 0 }, s.label()[2], 0);
    }

    @Test
    void repStartFollowsCropAndPad() {
        // A 1 mm RAS grid; the frame is recorded at origin (5, 6, 7) with shape 8×10×3.
        int[] shape = { 8, 10, 3 };
        Geometry g = new Geometry(new double[][] { { 1, 0, 0, 5 }, { 0, 1, 0, 6 }, { 0, 0, 1, 7 } });
        Sample s = Sample.of(shape, new float[][] { TestSamples.ramp(shape) }, List.of(Modality.T1), null, g);
        s = TemplateOffset.recordFrame().apply(s, null);
        assertArrayEquals(shape, (int[]) s.meta(Sample.NEW_DIM));
        Sample cropped = Compose.of(new RandomCrop(4, 4, 6), new PadTo(4, 4, 6), TemplateOffset.repStart(20, 20, 12))
                .apply(s, new SplittableRandom(4));
        int first = (int) TestSamples.at(cropped, 0, 0, 0, 1) - 1; // z padded by 1 before
        int cx = first % 8, cy = first / 8 % 10;
        // start = crop origin in the frame, −1 on z for the padding; shift = (template − new_dim) // 2.
        assertArrayEquals(new int[] { cx + 6, cy + 5, -1 + 4 }, (int[]) cropped.meta(Sample.REP_START));
        TemplateOffset.checkInside(cropped, new int[] { 20, 20, 12 }, new int[] { 4, 4, 6 });
        Sample outside = TemplateOffset.repStart(4, 4, 2).apply(s, null);
        // (4 − 8) // 2 = −2 and (2 − 3) // 2 = −1 in Python (floor), not −0.
        assertArrayEquals(new int[] { -2, -3, -1 }, (int[]) outside.meta(Sample.REP_START));
        assertThrows(MedvpException.class, () -> TemplateOffset.checkInside(outside, new int[] { 4, 4, 2 },
                new int[] { 4, 4, 2 }));
    }

    @Test
    void composeRunsInOrderAndStopsWhenInterrupted() {
        Transform addOne = (s, r) -> {
            s.image()[0][0] += 1;
            return s;
        };
        Transform twice = (s, r) -> {
            s.image()[0][0] *= 2;
            return s;
        };
        Sample s = Compose.of(addOne, Compose.of(twice, addOne)).apply(TestSamples.of(new int[] { 1, 1, 1 },
                new float[] { 1 }), null);
        assertEquals(5, s.image()[0][0]);
        assertEquals(3, Compose.of(addOne, addOne.then(twice)).steps().size());
        Thread.currentThread().interrupt();
        try {
            assertThrows(CancellationException.class,
                    () -> Compose.of(addOne).apply(TestSamples.of(new int[] { 1, 1, 1 }, new float[] { 1 }), null));
        } finally {
            Thread.interrupted();
        }
    }
}
