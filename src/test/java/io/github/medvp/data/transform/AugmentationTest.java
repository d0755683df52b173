package io.github.medvp.data.transform;

import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.TestSamples;
import static io.github.medvp.data.TestSamples.at;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** RandomFlip, RandomIntensity, ModalitySubsample. */
class AugmentationTest {

    @Test
    void flipAllAxesMovesVoxelsAndKeepsWorldPositions() {
        int[] shape = { 3, 2, 5 };
        float[] a = TestSamples.ramp(shape);
        Sample in = TestSamples.of(shape, a.clone()).withLabel(new float[][] { a.clone() });
        Sample s = new RandomFlip(1).apply(in, new SplittableRandom(1));
        Sample orig = TestSamples.of(shape, a);
        for (int x = 0; x < 3; x++) {
            for (int y = 0; y < 2; y++) {
                for (int z = 0; z < 5; z++) {
                    float v = at(orig, 0, 2 - x, 1 - y, 4 - z);
                    assertEquals(v, at(s, 0, x, y, z));
                    assertEquals(v, TestSamples.label(s, 0, x, y, z));
                    assertArrayEquals(orig.geometry().toWorld(2 - x, 1 - y, 4 - z), s.geometry().toWorld(x, y, z), 0);
                }
            }
        }
        Sample none = TestSamples.of(shape, a.clone());
        assertSame(none, new RandomFlip(0).apply(none, new SplittableRandom(1)));
    }

    /** How often each corner of a 2×2×2 ramp moved to the origin in 800 flips. */
    private static int[] corners(RandomFlip flip) {
        int[] shape = { 2, 2, 2 };
        int[] flips = new int[8];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 800; i++) {
            Sample s = flip.apply(TestSamples.of(shape, TestSamples.ramp(shape)), rng);
            int first = (int) at(s, 0, 0, 0, 0) - 1; // which corner moved to the origin
            flips[first]++;
        }
        return flips;
    }

    @Test
    void flipEachDrawsEachAxisIndependently() {
        int[] flips = corners(new RandomFlip(0.5, RandomFlip.Mode.EACH));
        for (int f : flips) {
            assertTrue(f > 60, java.util.Arrays.toString(flips));
        }
    }

    @Test
    void flipAllDrawsOnceAndFlipsTheThreeAxesTogetherAsTheReference() {
        // MONAI RandFlipd(spatial_axis=(0, 1, 2), prob=0.5): nothing, or the opposite corner at the origin.
        int[] flips = corners(new RandomFlip(0.5, RandomFlip.Mode.ALL));
        int none = flips[0];
        int all = flips[7];
        assertEquals(800, none + all, java.util.Arrays.toString(flips));
        assertTrue(none > 340 && all > 340, java.util.Arrays.toString(flips));
        assertArrayEquals(flips, corners(new RandomFlip(0.5)), "the one-argument flip is the reference's");
    }

    @Test
    void intensityShiftAndScaleUseOneDrawForAllChannels() {
        int[] shape = { 1, 1, 2 };
        double u = new SplittableRandom(9).nextDouble(-0.1, 0.1);
        Sample s = RandomIntensity.shift(0.1).apply(TestSamples.of(shape, new float[] { 1, 2 }, new float[] { 3, 4 })
                .withLabel(new float[][] { { 1, 0 } }), new SplittableRandom(9));
        assertArrayEquals(new float[] { 1 + (float) u, 2 + (float) u }, s.image()[0], 0);
        assertArrayEquals(new float[] { 3 + (float) u, 4 + (float) u }, s.image()[1], 0);
        assertArrayEquals(new float[] { 1, 0 }, s.label()[0], 0, "labels untouched");
        float f = (float) (1 + u);
        s = RandomIntensity.scale(0.1).apply(TestSamples.of(shape, new float[] { 1, 2 }, new float[] { 3, 4 }),
                new SplittableRandom(9));
        assertArrayEquals(new float[] { 3 * f, 4 * f }, s.image()[1], 0);
        assertTrue(Math.abs(u) < 0.1 && u != 0);
    }

    @Test
    void intensityRecordsTheComposedMapForTemplateChannels() {
        int[] shape = { 1, 1, 2 };
        Sample in = TestSamples.of(shape, new float[] { 1, 2 }, new float[] { 3, 4 });
        assertArrayEquals(new double[] { 1, 0 }, RandomIntensity.affine(in), 0, "identity before any augmentation");
        SplittableRandom rng = new SplittableRandom(3);
        Sample s = RandomIntensity.scale(0.1).apply(RandomIntensity.shift(0.1).apply(in, rng), rng);
        double[] map = RandomIntensity.affine(s);
        assertTrue(map[0] != 1 && map[1] != 0, java.util.Arrays.toString(map));
        float[][] before = { { 1, 2 }, { 3, 4 } };
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 2; i++) {
                assertEquals(map[0] * before[c][i] + map[1], s.image()[c][i], 1e-6);
            }
        }
    }

    @Test
    void subsampleKeepsExactlyK() {
        int[] shape = { 1, 1, 1 };
        Sample four = TestSamples.of(shape, new float[] { 0 }, new float[] { 1 }, new float[] { 2 }, new float[] { 3 });
        assertSame(four, new ModalitySubsample(4).apply(four, new SplittableRandom(1)));

        SplittableRandom rng = new SplittableRandom(2);
        HashSet<List<Modality>> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Sample six = TestSamples.of(shape, new float[] { 0 }, new float[] { 1 }, new float[] { 2 },
                    new float[] { 3 }, new float[] { 4 }, new float[] { 5 });
            Sample s = new ModalitySubsample(4).apply(six, rng);
            assertEquals(4, new HashSet<>(s.modalities()).size(), "without replacement");
            for (int c = 0; c < 4; c++) {
                assertEquals(s.modalities().get(c).ordinal(), (int) s.image()[c][0], "data follows modality");
            }
            seen.add(s.modalities());
        }
        assertTrue(seen.size() > 100, "fresh draws: " + seen.size() + " distinct ordered choices");

        Sample two = TestSamples.of(shape, new float[] { 0 }, new float[] { 1 });
        Sample s = new ModalitySubsample(4).apply(two, new SplittableRandom(3));
        assertEquals(List.of(Modality.FLAIR, Modality.T1), s.modalities().subList(0, 2));
        for (int c = 2; c < 4; c++) {
            assertEquals(s.modalities().get(c).ordinal(), (int) s.image()[c][0]);
            for (int d = 0; d < c; d++) {
                assertNotSame(s.image()[c], s.image()[d], "repeated channels get their own arrays");
            }
        }
    }

    @Test
    void subsampleOfAnUnloadedSampleOnlyChangesModalities() {
        Study st = new Study("case", List.of(new Study.Channel("t1", Modality.T1, java.nio.file.Path.of("t1.nii"))),
                null, null, null, "test");
        Sample s = new ModalitySubsample(3).apply(Sample.of(st), new SplittableRandom(1));
        assertEquals(List.of(Modality.T1, Modality.T1, Modality.T1), s.modalities());
        assertNotEquals(true, s.isLoaded());
    }
}
