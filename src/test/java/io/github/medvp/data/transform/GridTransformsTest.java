package io.github.medvp.data.transform;

import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import io.github.medvp.data.TestSamples;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.medvp.io.Geometry;

/** ToRas and ResampleSpacing: the data moves with the grid. */
class GridTransformsTest {

    @Test
    void toRasKeepsEveryValueAtItsWorldPosition() {
        int[] shape = { 3, 4, 2 };
        // Voxel x along -y (P), voxel y along -x (L), z along +z: a permutation with flips.
        Geometry permuted = new Geometry(new double[][] { { 0, -2, 0, 10 }, { -1, 0, 0, 20 }, { 0, 0, 3, 30 } });
        // LPS as in BraTS files: flips only, done in place.
        Geometry lps = new Geometry(new double[][] { { -1, 0, 0, 10 }, { 0, -2, 0, 20 }, { 0, 0, 3, 30 } });
        checkToRas(permuted, shape, new int[] { 4, 3, 2 });
        checkToRas(lps, shape, shape);
        Sample ras = TestSamples.of(shape, TestSamples.ramp(shape));
        assertSame(ras, new ToRas().apply(ras, null));
    }

    private static void checkToRas(Geometry g, int[] shape, int[] expectedShape) {
        float[] ramp = TestSamples.ramp(shape);
        Sample in = Sample.of(shape, new float[][] { ramp.clone() }, List.of(Modality.T1),
                new float[][] { ramp.clone() }, g);
        Sample s = new ToRas().apply(in, null);
        assertEquals("RAS", s.geometry().axisCodes());
        assertArrayEquals(expectedShape, s.shape());
        int[] d = s.shape();
        for (int x = 0; x < d[0]; x++) {
            for (int y = 0; y < d[1]; y++) {
                for (int z = 0; z < d[2]; z++) {
                    int src = (int) TestSamples.at(s, 0, x, y, z) - 1;
                    int sx = src % shape[0], sy = src / shape[0] % shape[1], sz = src / (shape[0] * shape[1]);
                    assertArrayEquals(g.toWorld(sx, sy, sz), s.geometry().toWorld(x, y, z), 1e-12);
                    assertEquals(src + 1, TestSamples.label(s, 0, x, y, z));
                }
            }
        }
    }

    @Test
    void resampleToOneMillimetre() {
        int[] shape = { 3, 2, 2 };
        float[] a = new float[12];
        float[] lab = new float[12];
        for (int i = 0; i < 12; i++) {
            a[i] = 10 * (i % 3); // linear along x: 0, 10, 20
            lab[i] = i % 3 == 2 ? 4 : 1;
        }
        Sample in = Sample.of(shape, new float[][] { a }, List.of(Modality.T1), new float[][] { lab },
                Geometry.ofSpacing(2, 1, 1));
        Sample s = new ResampleSpacing(1, 1, 1).apply(in, null);
        assertArrayEquals(new int[] { 5, 2, 2 }, s.shape(), "round((3-1)·2/1 + 1)");
        assertArrayEquals(new double[] { 1, 1, 1 }, s.geometry().spacing(), 1e-12);
        for (int x = 0; x < 5; x++) {
            assertEquals(5f * x, TestSamples.at(s, 0, x, 1, 1), 1e-5, "trilinear is exact on a ramp");
            assertTrue(Set.of(1f, 4f).contains(TestSamples.label(s, 0, x, 1, 1)), "nearest keeps label values");
        }
        assertEquals(4, TestSamples.label(s, 0, 4, 0, 0));
        assertEquals(1, TestSamples.label(s, 0, 0, 0, 0));
        Sample oneMm = TestSamples.of(shape, a.clone());
        Sample same = Sample.of(shape, new float[][] { a.clone() }, List.of(Modality.T1), null,
                Geometry.ofSpacing(1, 1, 1.0005));
        assertSame(same, new ResampleSpacing(1, 1, 1).apply(same, null));
        assertEquals(5, new ResampleSpacing(1, 2, 2).apply(oneMm, null).shape()[0]);
    }
}
