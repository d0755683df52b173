package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.Resample;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A trilinear resize of the image channels to a fixed grid ({@code F.interpolate(mode="trilinear",
 * align_corners=False)}, {@link Resample#resize}); the affine follows, so world positions of voxel centres stay
 * where they were. MG-3D resizes CT to (X, Y, Z) = 128 × 96 × 128 ({@code Resize} in {@code BaseDataset.get_raw_image}
 * of the reference's {@code mg3d/datasets/base_dataset.py}). Label maps are not resized (no MG-3D input has one): a
 * sample with labels fails.
 */
public final class ResizeTo implements Transform {

    /** MG-3D's grid in (X, Y, Z). */
    public static final int[] MG3D = {128, 96, 128};

    private final int[] size;

    /** @param size the output (X, Y, Z), each ≥ 1 */
    public ResizeTo(int... size) {
        if (size.length != 3 || size[0] < 1 || size[1] < 1 || size[2] < 1) {
            throw new IllegalArgumentException("the resize needs three positive sizes, got " + Arrays.toString(size));
        }
        this.size = size.clone();
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        if (s.label() != null) {
            throw new IllegalArgumentException("ResizeTo resizes images only; the sample " + s.id() + " has a label");
        }
        int[] dims = s.shape();
        if (Arrays.equals(dims, size)) {
            return s;
        }
        float[][] out = new float[s.image().length][];
        for (int c = 0; c < out.length; c++) {
            out[c] = Resample.resize(s.image()[c], dims, size);
        }
        return s.withVolume(size, out, null, scaled(s.geometry(), dims));
    }

    /** Output voxel q sits at input index (q + ½)·n/o − ½: compose the affine with that map. */
    private Geometry scaled(Geometry g, int[] dims) {
        if (g == null) {
            return null;
        }
        double[][] a = g.affine();
        double[][] m = new double[4][4];
        for (int i = 0; i < 3; i++) {
            double scale = (double) dims[i] / size[i];
            m[i][i] = scale;
            m[i][3] = 0.5 * scale - 0.5;
        }
        m[3][3] = 1;
        double[][] out = new double[4][4];
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                for (int k = 0; k < 4; k++) {
                    out[r][c] += a[r][k] * m[k][c];
                }
            }
        }
        return new Geometry(out);
    }

    @Override
    public String toString() {
        return "ResizeTo" + Arrays.toString(size);
    }
}
