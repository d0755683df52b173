package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.TestSamples;
import static io.github.medvp.data.TestSamples.at;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** CenterCropForeground, CropForeground, RandomCrop and PadTo on tiny volumes with hand-computed boxes. */
class CropTransformsTest {

    @Test
    void centerCropKeepsTheOriginalCentre() {
        int[] shape = { 10, 7, 5 };
        float[] a = new float[350];
        float[] b = new float[350];
        TestSamples.set(a, shape, 2, 3, 4, 5);
        TestSamples.set(b, shape, 0, 0, 0, -3); // negative values are background
        Sample s = new CenterCropForeground().apply(TestSamples.of(shape, a, b), null);
        // x: s=2,e=3,c=5 → d=3 → [2,8); y: s=3,e=4,c=3.5 → d=0.5 → [3,4); z: s=4,e=5,c=2.5 → d=2.5 → [0,5).
        assertArrayEquals(new int[] { 6, 1, 5 }, s.shape());
        assertEquals(5, at(s, 0, 0, 0, 4));
        assertEquals(5, sum(s.image()[0]));
        assertArrayEquals(new double[] { 10 + 2 * 2, 20 + 2 * 3, 30 }, s.geometry().toWorld(0, 0, 0), 0);
    }

    @Test
    void centerCropArithmeticOnOddSizes() {
        assertArrayEquals(new int[] { 2, 3 }, CenterCropForeground.cropRange(2, 3, 5)); // c=2.5, d=0.5
        assertArrayEquals(new int[] { 1, 4 }, CenterCropForeground.cropRange(1, 3, 5)); // d=1.5
        assertArrayEquals(new int[] { 0, 5 }, CenterCropForeground.cropRange(0, 1, 5)); // d=2.5
        assertArrayEquals(new int[] { 2, 9 }, CenterCropForeground.cropRange(3, 9, 11)); // c=5.5, d=3.5
        assertArrayEquals(new int[] { 0, 11 }, CenterCropForeground.cropRange(0, 0, 11)); // no foreground
    }

    @Test
    void centerCropWithoutForegroundKeepsEverything() {
        int[] shape = { 3, 4, 5 };
        Sample in = TestSamples.of(shape, new float[60]);
        assertSame(in, new CenterCropForeground().apply(in, null));
    }

    @Test
    void cropForegroundAddsAClippedMargin() {
        int[] shape = { 6, 5, 4 };
        float[] a = new float[120];
        TestSamples.set(a, shape, 0, 2, 1, 1);
        TestSamples.set(a, shape, 2, 3, 3, 2);
        Sample in = TestSamples.of(shape, a);
        float[] lab = new float[120];
        TestSamples.set(lab, shape, 2, 3, 3, 4);
        in = in.withLabel(new float[][] { lab });
        Sample s = new CropForeground(1).apply(in, null);
        // box x [0,3) → [0,4); y [2,4) → [1,5); z [1,4) → [0,4).
        assertArrayEquals(new int[] { 4, 4, 4 }, s.shape());
        assertEquals(1, at(s, 0, 0, 1, 1));
        assertEquals(2, at(s, 0, 2, 2, 3));
        assertEquals(4, TestSamples.label(s, 0, 2, 2, 3));
        assertArrayEquals(new double[] { 10, 22, 30 }, s.geometry().toWorld(0, 0, 0), 0);
        Sample empty = TestSamples.of(shape, new float[120]);
        assertSame(empty, new CropForeground(1).apply(empty, null));
    }

    @Test
    void randomCropStartsAreUniformAndInside() {
        int[] shape = { 5, 3, 2 };
        int[][] seen = new int[3][5];
        SplittableRandom rng = new SplittableRandom(11);
        for (int i = 0; i < 600; i++) {
            Sample s = new RandomCrop(3, 3, 4).apply(TestSamples.of(shape, TestSamples.ramp(shape)), rng);
            assertArrayEquals(new int[] { 3, 3, 2 }, s.shape(), "axes shorter than the crop stay whole");
            int first = (int) at(s, 0, 0, 0, 0) - 1; // ramp value → source index
            int x = first % 5, y = first / 5 % 3, z = first / 15;
            seen[0][x]++;
            assertEquals(0, y);
            assertEquals(0, z);
            assertArrayEquals(new int[] { x, 0, 0 }, (int[]) s.meta(Sample.CROP_START));
            assertEquals(TestSamples.ramp(shape)[x + 2 + 5 * (2 + 3 * 1)], at(s, 0, 2, 2, 1));
            assertArrayEquals(new double[] { 10 + 2 * x, 20, 30 }, s.geometry().toWorld(0, 0, 0), 0);
        }
        for (int x = 0; x < 3; x++) {
            assertTrue(seen[0][x] > 150, "start " + x + " drawn " + seen[0][x] + " times of 600");
        }
        assertEquals(0, seen[0][3] + seen[0][4]);
    }

    @Test
    void labelCentredCropsHoldTheLesion() {
        // 20×10×10 volume, labelled voxels at x = 17 (y 4, z 5) and x = 18 (y 9, z 0); crops 6×4×4.
        int[] shape = { 20, 10, 10 };
        float[] label = new float[2000];
        TestSamples.set(label, shape, 17, 4, 5, 4);
        TestSamples.set(label, shape, 18, 9, 0, 1);
        Sample s = TestSamples.of(shape, TestSamples.ramp(shape)).withLabel(new float[][] { label });
        SplittableRandom rng = new SplittableRandom(3);
        int[] hits = new int[2];
        for (int i = 0; i < 400; i++) {
            int[] start = (int[]) RandomCrop.towardsLabel(1, 6, 4, 4).apply(s, rng).meta(Sample.CROP_START);
            // centre − size/2, shifted inside: x 17−3 = 14 for both (18−3 = 15 > 20−6 = 14);
            // first voxel y 4−2 = 2, z 5−2 = 3; second y 9−2 = 7 → 6, z 0−2 → 0.
            if (java.util.Arrays.equals(start, new int[] { 14, 2, 3 })) {
                hits[0]++;
            } else {
                assertArrayEquals(new int[] { 14, 6, 0 }, start);
                hits[1]++;
            }
        }
        assertTrue(hits[0] > 150 && hits[1] > 150, "both labelled voxels drawn: " + hits[0] + ", " + hits[1]);

        int centred = 0;
        for (int i = 0; i < 1000; i++) {
            Sample c = RandomCrop.towardsLabel(0.3, 6, 4, 4).apply(s, rng);
            int[] st = (int[]) c.meta(Sample.CROP_START);
            centred += st[0] == 14 && (st[1] == 2 && st[2] == 3 || st[1] == 6 && st[2] == 0) ? 1 : 0;
        }
        // 30 % label-centred plus the uniform crops that happen to start there (2 of 15·7·7 starts).
        assertEquals(0.3, centred / 1000.0, 0.05);

        Sample unlabelled = TestSamples.of(shape, TestSamples.ramp(shape)).withLabel(new float[][] { new float[2000] });
        int[] uniform = new int[15];
        for (int i = 0; i < 1500; i++) {
            uniform[((int[]) RandomCrop.towardsLabel(1, 6, 4, 4).apply(unlabelled, rng).meta(Sample.CROP_START))[0]]++;
        }
        for (int x = 0; x < 15; x++) {
            assertTrue(uniform[x] > 50, "without labelled voxels the crop is uniform: start " + x + " " + uniform[x]);
        }
        assertThrows(IllegalArgumentException.class, () -> RandomCrop.towardsLabel(1.5, 6, 4, 4));
    }

    @Test
    void padToIsSymmetricAndMovesTheOrigin() {
        int[] shape = { 3, 4, 1 };
        Sample s = new PadTo(6, 2, 4).apply(TestSamples.of(shape, TestSamples.ramp(shape)), null);
        // x: 3 more → 1 before, 2 after; y longer than 2 → unchanged; z: 3 more → 1 before, 2 after.
        assertArrayEquals(new int[] { 6, 4, 4 }, s.shape());
        assertEquals(1, at(s, 0, 1, 0, 1));
        assertEquals(12, at(s, 0, 3, 3, 1));
        assertEquals(0, at(s, 0, 0, 0, 1));
        assertEquals(0, at(s, 0, 4, 0, 1));
        assertEquals(0, at(s, 0, 1, 0, 0));
        assertEquals(78, sum(s.image()[0]), "all of 1..12 and nothing else");
        assertArrayEquals(new double[] { 8, 20, 28 }, s.geometry().toWorld(0, 0, 0), 0);
    }

    static double sum(float[] a) {
        double t = 0;
        for (float v : a) {
            t += v;
        }
        return t;
    }
}
