package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.Voxels;
import java.util.random.RandomGenerator;

/**
 * BrainMVP's symmetric foreground crop ({@code CenterCropForeground.compute_bounding_box} of the reference's
 * {@code utils/custom_trans.py}): with the tight box {@code [s, e)} of voxels where any channel is {@code > 0}, the
 * centre {@code c = dim/2} and {@code d = max(|s − c|, |e − c|)}, the crop is {@code [int(c − d), int(c + d))} on every
 * axis, so it stays centred on the original volume centre, which the template offset relies on. Without foreground the
 * box is {@code [0, 0)}, giving {@code d = c}: nothing is cut. Label and affine follow the image.
 */
public final class CenterCropForeground implements Transform {

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        int[] dims = s.shape();
        int[][] box = Voxels.foregroundBox(s.image(), dims);
        int[] start = new int[3];
        int[] size = new int[3];
        for (int a = 0; a < 3; a++) {
            int[] se = cropRange(box == null ? 0 : box[0][a], box == null ? 0 : box[1][a], dims[a]);
            start[a] = se[0];
            size[a] = se[1] - se[0];
        }
        return Voxels.crop(s, start, size);
    }

    /** The reference arithmetic for one axis: {@code [int(c − d), int(c + d))}. */
    static int[] cropRange(int s, int e, int dim) {
        double c = dim / 2.0;
        double d = Math.max(Math.abs(s - c), Math.abs(e - c));
        // Python's int() truncates toward zero; c − d ≥ 0 here because 0 ≤ s and e ≤ dim.
        return new int[] { (int) (c - d), (int) (c + d) };
    }

    @Override
    public String toString() {
        return "CenterCropForeground";
    }
}
