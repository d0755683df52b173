package io.github.medvp.data.transform;

import io.github.medvp.data.Pipelines;
import io.github.medvp.data.Sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.medvp.io.Geometry;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** MG-3D's CT preprocessing steps on tiny arrays, against values computed by hand. */
class CtTransformsTest {

    private static Sample sample(int[] shape, float[] values, double[] spacing) {
        double[][] a = {{spacing[0], 0, 0, 10}, {0, spacing[1], 0, 20}, {0, 0, spacing[2], 30}, {0, 0, 0, 1}};
        return Sample.of(shape, new float[][] {values}, List.of(), null, new Geometry(a));
    }

    @Test
    void windowClipsAndMapsToTheUnitInterval() {
        Sample s = sample(new int[] {4, 1, 1}, new float[] {-2000, -1000, 0, 1500}, new double[] {1, 1, 1});
        float[] out = new HounsfieldWindow().apply(s, new SplittableRandom(0)).image()[0];
        assertArrayEquals(new float[] {0, 0, 0.5f, 1}, out, 1e-7f);
        float[] narrow = new HounsfieldWindow(-100, 300).apply(sample(new int[] {2, 1, 1}, new float[] {0, 100},
                new double[] {1, 1, 1}), new SplittableRandom(0)).image()[0];
        assertArrayEquals(new float[] {0.25f, 0.5f}, narrow, 1e-7f);
        assertThrows(IllegalArgumentException.class, () -> new HounsfieldWindow(5, 5));
    }

    @Test
    void ratioCropKeepsTheFlooredCentre() {
        // X: floor(8·0.875) = 7 from (8−7)/2 = 0; Y: floor(4·0.65625) = 2 from 1; Z: floor(3·0.88) = 2 from 0.
        int[] shape = {8, 4, 3};
        float[] v = new float[8 * 4 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Sample out = new CenterCropRatio(CenterCropRatio.MG3D).apply(sample(shape, v, new double[] {1, 2, 3}),
                new SplittableRandom(0));
        assertArrayEquals(new int[] {7, 2, 2}, out.shape());
        // First voxel of the crop is input (0, 1, 0); its world position moves by one Y voxel (2 mm).
        assertEquals(8, out.image()[0][0], 0);
        assertEquals(22, out.geometry().affine()[1][3], 1e-9);
    }

    @Test
    void resizeMatchesPyTorchTrilinearWithoutAlignedCorners() {
        // Along X, [0, 1, 3] to 6 voxels: F.interpolate(..., align_corners=False) gives 0, .25, .75, 1.5, 2.5, 3.
        Sample s = sample(new int[] {3, 1, 1}, new float[] {0, 1, 3}, new double[] {2, 1, 1});
        Sample out = new ResizeTo(6, 1, 1).apply(s, new SplittableRandom(0));
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1.5f, 2.5f, 3}, out.image()[0], 1e-6f);
        // Output spacing halves; voxel 0's centre sits at input index −¼, i.e. 0.5 mm before the old origin.
        assertEquals(1, out.geometry().affine()[0][0], 1e-12);
        assertEquals(9.5, out.geometry().affine()[0][3], 1e-12);
    }

    @Test
    void ctPipelineGivesTheConfiguredGridInTheUnitInterval() {
        int[] shape = {10, 10, 6};
        float[] v = new float[600];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextDouble(-1500, 1500);
        }
        Sample out = Pipelines.mg3dCt(new double[] {1, 1, 2}, HounsfieldWindow.DEFAULT, new int[] {8, 6, 8})
                .apply(sample(shape, v, new double[] {1, 1, 2}), new SplittableRandom(0));
        assertArrayEquals(new int[] {8, 6, 8}, out.shape());
        for (float x : out.image()[0]) {
            if (x < 0 || x > 1) {
                throw new AssertionError("value outside [0, 1]: " + x);
            }
        }
    }
}
