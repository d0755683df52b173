package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.Voxels;
import java.util.random.RandomGenerator;

/**
 * A centre crop to fractions of each axis, sizes floored: axis a keeps {@code floor(n_a · r_a)} voxels starting at
 * {@code floor((n_a − size) / 2)}. MG-3D's CT-RATE crop ({@code CenterSpatialCrop} in {@code BaseDataset.get_raw_image}
 * of the reference's {@code mg3d/datasets/base_dataset.py}: Z × 0.88, X × 0.875, Y × 0.65625, so CT-RATE and CTRG-Chest
 * share one field of view) is {@link #MG3D} in the project's (X, Y, Z) RAS order.
 */
public final class CenterCropRatio implements Transform {

    /** MG-3D's ratios in (X = left–right, Y = antero-posterior, Z = superior–inferior) order. */
    public static final double[] MG3D = {0.875, 0.65625, 0.88};

    private final double[] ratio;

    /** @param ratio the kept fraction of X, Y and Z, each in (0, 1] */
    public CenterCropRatio(double... ratio) {
        if (ratio.length != 3) {
            throw new IllegalArgumentException("crop ratios need three values (X, Y, Z)");
        }
        for (double r : ratio) {
            if (!(r > 0 && r <= 1)) {
                throw new IllegalArgumentException("crop ratios must be in (0, 1], got " + r);
            }
        }
        this.ratio = ratio.clone();
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        int[] dims = s.shape();
        int[] start = new int[3];
        int[] size = new int[3];
        for (int a = 0; a < 3; a++) {
            size[a] = Math.max(1, (int) Math.floor(dims[a] * ratio[a]));
            start[a] = (dims[a] - size[a]) / 2;
        }
        return Voxels.crop(s, start, size);
    }

    @Override
    public String toString() {
        return "CenterCropRatio" + java.util.Arrays.toString(ratio);
    }
}
