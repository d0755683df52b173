package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.Voxels;
import java.util.random.RandomGenerator;

/**
 * Tight foreground crop for fine-tuning (MONAI {@code CropForeground} with {@code select_fn = x > 0} over all image
 * channels, a margin, edges clipped to the volume): the box of voxels where any channel is {@code > 0}, grown by
 * {@code margin} voxels on each side. Label and affine get the same box.
 * <p>
 * Without any foreground the volume is kept whole (MONAI would return an empty crop, which no later step can use).
 */
public final class CropForeground implements Transform {

    private final int margin;

    /** @param margin voxels added on each side (the reference uses 1) */
    public CropForeground(int margin) {
        if (margin < 0) {
            throw new IllegalArgumentException("margin must be ≥ 0: " + margin);
        }
        this.margin = margin;
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        int[] dims = s.shape();
        int[][] box = Voxels.foregroundBox(s.image(), dims);
        if (box == null) {
            return s;
        }
        int[] start = new int[3];
        int[] size = new int[3];
        for (int a = 0; a < 3; a++) {
            start[a] = Math.max(box[0][a] - margin, 0);
            size[a] = Math.min(box[1][a] + margin, dims[a]) - start[a];
        }
        return Voxels.crop(s, start, size);
    }

    /**
     * The tight box {@code {start, end}} (end exclusive, X, Y, Z) of voxels where any channel is {@code > 0}, or
     * {@code null} when there is none.
     *
     * @param channels X-fastest arrays over {@code dims}
     * @param dims (X, Y, Z)
     */
    public static int[][] box(float[][] channels, int[] dims) {
        return Voxels.foregroundBox(channels, dims);
    }

    @Override
    public String toString() {
        return "CropForeground[margin " + margin + "]";
    }
}
