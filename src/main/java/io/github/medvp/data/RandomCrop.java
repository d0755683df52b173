package io.github.medvp.data;

import java.util.random.RandomGenerator;

/**
 * One random crop of a fixed size (MONAI {@code RandSpatialCrop}, {@code random_size=False}): per axis the size is
 * {@code min(size, dim)} and the start is uniform in {@code [0, dim − size]}; axes shorter than the size are kept
 * whole, so follow with {@link PadTo} for a fixed output shape. Label and affine follow the image; the start is
 * recorded as {@link Sample#CROP_START}.
 */
public final class RandomCrop implements Transform {

    private final int[] size;

    /** @param size crop size per axis (X, Y, Z) */
    public RandomCrop(int... size) {
        if (size.length != 3 || size[0] < 1 || size[1] < 1 || size[2] < 1) {
            throw new IllegalArgumentException("crop size needs three positive values");
        }
        this.size = size.clone();
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        int[] dims = s.shape();
        int[] start = new int[3];
        int[] sz = new int[3];
        for (int a = 0; a < 3; a++) {
            sz[a] = Math.min(size[a], dims[a]);
            start[a] = rng.nextInt(dims[a] - sz[a] + 1);
        }
        return Voxels.crop(s, start, sz).with(Sample.CROP_START, start);
    }

    @Override
    public String toString() {
        return "RandomCrop" + java.util.Arrays.toString(size);
    }
}
