package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.Volumes;
import io.github.medvp.data.Voxels;
import java.util.random.RandomGenerator;

import io.github.medvp.io.Geometry;
import io.github.medvp.io.Orientation;
import io.github.medvp.io.Volume;

/**
 * Reorients to RAS by axis permutation and flips, as nibabel's {@code as_closest_canonical} (MONAI
 * {@code Orientation("RAS")} on axis-aligned data): image and label channels, with the affine. A sample that
 * already is RAS is returned unchanged; one that only needs flips is flipped in place; axis permutations go through
 * {@link Orientation#toRasCopy}.
 */
public final class ToRas implements Transform {

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        int[][] ornt = s.geometry().orientation();
        if (Orientation.isIdentity(ornt)) {
            return s;
        }
        int[] shape = s.shape();
        if (ornt[0][0] == 0 && ornt[1][0] == 1 && ornt[2][0] == 2) {
            // Flips only (BraTS files are LPS): reverse rows in place instead of a gathering copy.
            for (int axis = 0; axis < 3; axis++) {
                if (ornt[axis][1] < 0) {
                    s = Voxels.flip(s, axis);
                }
            }
            return s;
        }
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
