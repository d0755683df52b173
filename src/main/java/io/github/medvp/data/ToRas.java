package io.github.medvp.data;

import java.util.random.RandomGenerator;

import io.github.medvp.io.Geometry;
import io.github.medvp.io.Orientation;
import io.github.medvp.io.Volume;

/**
 * Reorients to RAS by axis permutation and flips, as nibabel's {@code as_closest_canonical} (MONAI
 * {@code Orientation("RAS")} on axis-aligned data): image and label channels, with the affine. A sample that
 * already is RAS is returned unchanged.
 */
public final class ToRas implements Transform {

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        if (Orientation.isIdentity(s.geometry().orientation())) {
            return s;
        }
        int[] shape = s.shape();
        Geometry[] g = new Geometry[1];
        int[][] newShape = new int[1][];
        float[][] image = reorient(s.image(), shape, s.geometry(), g, newShape);
        float[][] label = reorient(s.label(), shape, s.geometry(), g, newShape);
        return s.withVolume(newShape[0], image, label, g[0]);
    }

    private static float[][] reorient(float[][] channels, int[] shape, Geometry geometry, Geometry[] g,
            int[][] newShape) {
        if (channels == null) {
            return null;
        }
        float[][] out = new float[channels.length][];
        for (int c = 0; c < channels.length; c++) {
            Volume v = Orientation.toRasCopy(Volumes.wrap(channels[c], shape, geometry));
            out[c] = Volumes.take(v);
            g[0] = v.geometry();
            newShape[0] = Volumes.shape(v);
        }
        return out;
    }

    @Override
    public String toString() {
        return "ToRas";
    }
}
