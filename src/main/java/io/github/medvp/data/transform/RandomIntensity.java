package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import java.util.random.RandomGenerator;

/**
 * The fine-tuning intensity augmentations on image channels (labels untouched), each drawing one value for all
 * channels: {@link #shift} adds {@code U(−r, r)} (MONAI {@code RandShiftIntensity}), {@link #scale} multiplies by
 * {@code 1 + U(−r, r)} (MONAI {@code RandScaleIntensity}). As in float32 tensors, the drawn double is rounded to
 * float once and the arithmetic is float.
 * <p>
 * Each transform also composes what it did into the sample's {@link #AFFINE} metadata, {@code {a, b}} with
 * {@code v_now = a·v_before + b} over all intensity augmentations so far: template replacement at fine-tuning time
 * runs on the device after the pipeline and applies the same map to the template channels it substitutes, as the
 * BrainMVP reference's replacement ({@code RandomChannelCutmixd}), placed before these transforms in its
 * {@code Downstream/dataset/transforms.py}, gets them.
 */
public final class RandomIntensity implements Transform {

    /**
     * Metadata key of the composed intensity map, a {@code double[]} {@code {a, b}}: {@code v ↦ a·v + b}; absent
     * when no intensity augmentation ran.
     */
    public static final String AFFINE = "intensity_affine";

    private final double range;
    private final boolean multiply;

    private RandomIntensity(double range, boolean multiply) {
        if (!(range >= 0)) {
            throw new IllegalArgumentException("intensity range must be ≥ 0: " + range);
        }
        this.range = range;
        this.multiply = multiply;
    }

    /** {@code v + U(−range, range)}; the reference uses 0.1. */
    public static RandomIntensity shift(double range) {
        return new RandomIntensity(range, false);
    }

    /** {@code v · (1 + U(−range, range))}; the reference uses 0.1. */
    public static RandomIntensity scale(double range) {
        return new RandomIntensity(range, true);
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        double u = range == 0 ? 0 : rng.nextDouble(-range, range);
        double[] map = affine(s);
        if (multiply) {
            float f = (float) (1 + u);
            for (float[] c : s.image()) {
                for (int i = 0; i < c.length; i++) {
                    c[i] *= f;
                }
            }
            map[0] *= f;
            map[1] *= f;
        } else {
            float o = (float) u;
            for (float[] c : s.image()) {
                for (int i = 0; i < c.length; i++) {
                    c[i] += o;
                }
            }
            map[1] += o;
        }
        return s.with(AFFINE, map);
    }

    /**
     * @param s a sample
     * @return its composed intensity map {@code {a, b}} ({@link #AFFINE}), the identity {@code {1, 0}} when none ran
     */
    public static double[] affine(Sample s) {
        double[] a = (double[]) s.meta(AFFINE);
        return a == null ? new double[] {1, 0} : a.clone();
    }

    @Override
    public String toString() {
        return (multiply ? "RandomIntensityScale[" : "RandomIntensityShift[") + range + "]";
    }
}
