package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.Voxels;
import java.util.random.RandomGenerator;

/**
 * Symmetric zero padding to at least a size (MONAI {@code SpatialPad}, method {@code symmetric}): an axis of length
 * {@code d < size} gets {@code (size − d) / 2} voxels before and the rest after; longer axes are left alone. The
 * affine moves with the padding, so template offsets stay right.
 */
public final class PadTo implements Transform {

    private final int[] size;

    /** @param size minimum size per axis (X, Y, Z) */
    public PadTo(int... size) {
        if (size.length != 3) {
            throw new IllegalArgumentException("pad size needs three values");
        }
        this.size = size.clone();
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        int[] dims = s.shape();
        int[] start = new int[3];
        int[] sz = new int[3];
        for (int a = 0; a < 3; a++) {
            sz[a] = Math.max(size[a], dims[a]);
            start[a] = -((sz[a] - dims[a]) / 2);
        }
        return Voxels.crop(s, start, sz);
    }

    @Override
    public String toString() {
        return "PadTo" + java.util.Arrays.toString(size);
    }
}
