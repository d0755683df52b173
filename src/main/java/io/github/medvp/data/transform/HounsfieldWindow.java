package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.VolumeFiles;
import java.util.random.RandomGenerator;

/**
 * A CT intensity window mapped to [0, 1]: {@code (clip(v, lo, hi) − lo) / (hi − lo)}. The values must be Hounsfield
 * units, i.e. the NIfTI scaling ({@code scl_slope}, {@code scl_inter}) applied, which {@link VolumeFiles} and
 * {@link LoadStudy} do. MG-3D's CT-RATE preprocessing (CT-CLIP's HU scaling, then {@code ScaleIntensityRange} in
 * {@code BaseDataset.get_raw_image} of the reference's {@code mg3d/datasets/base_dataset.py}: clip to [−1000, 1000],
 * divide by 1000, then map [−1, 1] to [0, 1]) is this transform with the default window.
 */
public final class HounsfieldWindow implements Transform {

    /** MG-3D's window. */
    public static final double[] DEFAULT = {-1000, 1000};

    private final float lo;
    private final float hi;

    /**
     * @param lo lower bound in HU, mapped to 0
     * @param hi upper bound in HU, mapped to 1
     */
    public HounsfieldWindow(double lo, double hi) {
        if (!(lo < hi)) {
            throw new IllegalArgumentException("the HU window needs lower < upper, got [" + lo + ", " + hi + "]");
        }
        this.lo = (float) lo;
        this.hi = (float) hi;
    }

    /** The default window [−1000, 1000]. */
    public HounsfieldWindow() {
        this(DEFAULT[0], DEFAULT[1]);
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        for (float[] c : s.image()) {
            window(c);
        }
        return s;
    }

    /**
     * Windows one channel in place, as {@link #apply} does each channel.
     *
     * @param c the channel's voxels, in HU
     */
    public void window(float[] c) {
        float range = hi - lo;
        for (int i = 0; i < c.length; i++) {
            float v = c[i] < lo ? lo : c[i] > hi ? hi : c[i];
            c[i] = (v - lo) / range;
        }
    }

    /** @return the window {lower, upper} in HU (a fresh array) */
    public double[] bounds() {
        return new double[] {lo, hi};
    }

    @Override
    public String toString() {
        return "HounsfieldWindow[" + lo + ", " + hi + "]";
    }
}
