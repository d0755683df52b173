package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.Voxels;
import java.util.random.RandomGenerator;

/**
 * A deterministic crop of at most a size around the centre of each axis (MONAI {@code CenterSpatialCrop}): an axis
 * of length {@code d > size} keeps {@code [(d − size) / 2, (d − size) / 2 + size)}, shorter axes are kept whole
 * (follow with {@link PadTo} for a fixed shape). The evaluation counterpart of {@link RandomCrop}.
 */
public final class CenterCrop implements Transform {

    private final int[] size;

    /** @param size crop size per axis (X, Y, Z) */
    public CenterCrop(int... size) {
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
            start[a] = (dims[a] - sz[a]) / 2;
        }
        return Voxels.crop(s, start, sz);
    }

    @Override
    public String toString() {
        return "CenterCrop" + java.util.Arrays.toString(size);
    }
}
