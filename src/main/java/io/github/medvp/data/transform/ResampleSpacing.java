package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.Volumes;
import java.util.random.RandomGenerator;

import io.github.medvp.io.Geometry;
import io.github.medvp.io.Resample;
import io.github.medvp.io.Volume;

/**
 * Resamples to a voxel spacing (MONAI {@code Spacing}, see {@link Resample}): image channels trilinear, label
 * channels nearest neighbour. Like MONAI, a sample already at the spacing (within 1e-3 mm, MONAI's affine
 * tolerance) is returned unchanged, so the common 1 mm SRI24 data costs nothing here.
 */
public final class ResampleSpacing implements Transform {

    private static final double TOLERANCE = 1e-3;

    private final double[] spacing;

    /** @param spacing target spacing in mm (X, Y, Z); BrainMVP uses 1, 1, 1 */
    public ResampleSpacing(double... spacing) {
        if (spacing.length != 3 || !(spacing[0] > 0 && spacing[1] > 0 && spacing[2] > 0)) {
            throw new IllegalArgumentException("spacing needs three positive values");
        }
        this.spacing = spacing.clone();
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        double[] current = s.geometry().spacing();
        boolean same = true;
        for (int a = 0; a < 3; a++) {
            same &= Math.abs(current[a] - spacing[a]) <= TOLERANCE;
        }
        if (same) {
            return s;
        }
        Geometry[] g = new Geometry[1];
        int[][] shape = new int[1][];
        float[][] image = resample(s.image(), s, Resample.Interpolation.LINEAR, g, shape);
        float[][] label = resample(s.label(), s, Resample.Interpolation.NEAREST, g, shape);
        return s.withVolume(shape[0], image, label, g[0]);
    }

    private float[][] resample(float[][] channels, Sample s, Resample.Interpolation mode, Geometry[] g,
            int[][] shape) {
        if (channels == null) {
            return null;
        }
        float[][] out = new float[channels.length][];
        for (int c = 0; c < channels.length; c++) {
            Volume v = Resample.toSpacing(Volumes.wrap(channels[c], s.shape(), s.geometry()), spacing, mode);
            out[c] = Volumes.take(v);
            g[0] = v.geometry();
            shape[0] = Volumes.shape(v);
        }
        return out;
    }

    @Override
    public String toString() {
        return "ResampleSpacing" + java.util.Arrays.toString(spacing);
    }
}
