package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import java.util.random.RandomGenerator;

/**
 * Per-channel intensity scaling {@code (v − p_lo) / (p_hi − p_lo)}, optionally clipped to [0, 1], with the
 * percentiles taken over the whole channel, background included (MONAI {@code ScaleIntensityRangePercentiles},
 * {@code channel_wise=True}). BrainMVP pre-training uses 5/95 with clipping, its fine-tuning 5/95 without.
 * <p>
 * Arithmetic as MONAI on float32 tensors: the percentiles (numpy, {@link Percentiles}) are rounded to float, and
 * the subtraction and division happen in float. A constant channel becomes {@code v − p_lo} (MONAI's
 * divide-by-zero branch).
 */
public final class PercentileScale implements Transform {

    private final double lower;
    private final double upper;
    private final boolean clip;

    /**
     * @param lower percentile mapped to 0
     * @param upper percentile mapped to 1
     * @param clip whether to clip the result to [0, 1]
     */
    public PercentileScale(double lower, double upper, boolean clip) {
        if (!(lower >= 0 && lower <= upper && upper <= 100)) {
            throw new IllegalArgumentException("percentiles need 0 ≤ lower ≤ upper ≤ 100: " + lower + ", " + upper);
        }
        this.lower = lower;
        this.upper = upper;
        this.clip = clip;
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        for (float[] c : s.image()) {
            scale(c);
        }
        return s;
    }

    /**
     * Scales one channel in place, as {@link #apply} does each channel.
     *
     * @param c the channel's voxels
     */
    public void scale(float[] c) {
        double[] p = Percentiles.of(c, lower, upper);
        float lo = (float) p[0];
        float range = (float) p[1] - lo;
        if (range == 0) {
            for (int i = 0; i < c.length; i++) {
                c[i] = c[i] - lo;
            }
            return;
        }
        if (clip) {
            for (int i = 0; i < c.length; i++) {
                float v = (c[i] - lo) / range;
                c[i] = v < 0 ? 0 : v > 1 ? 1 : v;
            }
        } else {
            for (int i = 0; i < c.length; i++) {
                c[i] = (c[i] - lo) / range;
            }
        }
    }

    @Override
    public String toString() {
        return "PercentileScale[" + lower + ", " + upper + (clip ? ", clip]" : "]");
    }
}
