package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.Voxels;
import java.util.random.RandomGenerator;

/**
 * One random crop of a fixed size (MONAI {@code RandSpatialCrop}, {@code random_size=False}): per axis the size is
 * {@code min(size, dim)} and the start is uniform in {@code [0, dim − size]}; axes shorter than the size are kept
 * whole, so follow with {@link PadTo} for a fixed output shape. Label and affine follow the image; the start is
 * recorded as {@link Sample#CROP_START}.
 * <p>
 * {@link #towardsLabel} adds MONAI's {@code RandCropByPosNegLabel} idea (nnU-Net's foreground oversampling): with a
 * given probability the crop is centred on a voxel drawn uniformly among the labelled ones (any label channel
 * {@code > 0}), shifted inside the volume. With 96³ crops of a BraTS brain nearly every crop holds the tumour;
 * with small crops of a small lesion most uniform crops hold none, so fine-tuning would mostly see background.
 */
public final class RandomCrop implements Transform {

    private final int[] size;
    private final double towardsLabel;

    /** @param size crop size per axis (X, Y, Z) */
    public RandomCrop(int... size) {
        this(0, size);
    }

    private RandomCrop(double towardsLabel, int... size) {
        if (size.length != 3 || size[0] < 1 || size[1] < 1 || size[2] < 1) {
            throw new IllegalArgumentException("crop size needs three positive values");
        }
        if (!(towardsLabel >= 0 && towardsLabel <= 1)) {
            throw new IllegalArgumentException("the share of label-centred crops must be in [0, 1]: " + towardsLabel);
        }
        this.size = size.clone();
        this.towardsLabel = towardsLabel;
    }

    /**
     * @param probability share of crops centred on a labelled voxel (0 = uniform crops only); a sample without
     *     label or without labelled voxels gets a uniform crop
     * @param size crop size per axis (X, Y, Z)
     * @return the crop
     */
    public static RandomCrop towardsLabel(double probability, int... size) {
        return new RandomCrop(probability, size);
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        int[] dims = s.shape();
        int[] sz = new int[3];
        for (int a = 0; a < 3; a++) {
            sz[a] = Math.min(size[a], dims[a]);
        }
        // Uniform crops draw nothing extra, so pipelines without label-centred crops keep their random sequence.
        int[] centre = towardsLabel > 0 && rng.nextDouble() < towardsLabel ? labelledVoxel(s, rng) : null;
        int[] start = new int[3];
        for (int a = 0; a < 3; a++) {
            start[a] = centre == null ? rng.nextInt(dims[a] - sz[a] + 1)
                    : Math.max(0, Math.min(centre[a] - sz[a] / 2, dims[a] - sz[a]));
        }
        return Voxels.crop(s, start, sz).with(Sample.CROP_START, start);
    }

    /** A voxel drawn uniformly among those where any label channel is {@code > 0}, or {@code null}. */
    private static int[] labelledVoxel(Sample s, RandomGenerator rng) {
        float[][] label = s.label();
        if (label == null) {
            return null;
        }
        int n = s.voxels();
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (labelled(label, i)) {
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        int k = rng.nextInt(count);
        int[] dims = s.shape();
        for (int i = 0; i < n; i++) {
            if (labelled(label, i) && k-- == 0) {
                return new int[] {i % dims[0], (i / dims[0]) % dims[1], i / (dims[0] * dims[1])};
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static boolean labelled(float[][] label, int i) {
        for (float[] c : label) {
            if (c[i] > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "RandomCrop" + java.util.Arrays.toString(size)
                + (towardsLabel > 0 ? "[label-centred " + towardsLabel + "]" : "");
    }
}
