package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import java.util.random.RandomGenerator;

/**
 * The fine-tuning intensity augmentations on image channels (labels untouched), each drawing one value for all
 * channels: {@link #shift} adds {@code U(−r, r)} (MONAI {@code RandShiftIntensity}), {@link #scale} multiplies by
 * {@code 1 + U(−r, r)} (MONAI {@code RandScaleIntensity}). As in float32 tensors, the drawn double is rounded to
 * float once and the arithmetic is float.
 */
public final class RandomIntensity implements Transform {

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
        if (multiply) {
            float f = (float) (1 + u);
            for (float[] c : s.image()) {
                for (int i = 0; i < c.length; i++) {
                    c[i] *= f;
                }
            }
        } else {
            float o = (float) u;
            for (float[] c : s.image()) {
                for (int i = 0; i < c.length; i++) {
                    c[i] += o;
                }
            }
        }
        return s;
    }

    @Override
    public String toString() {
        return (multiply ? "RandomIntensityScale[" : "RandomIntensityShift[") + range + "]";
    }
}
