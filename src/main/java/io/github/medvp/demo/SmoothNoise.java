package io.github.medvp.demo;

import java.util.SplittableRandom;

/**
 * A smooth random field in [−1, 1]: uniform random values on a coarse lattice over a box, interpolated with
 * smooth-step weights along each axis (C¹ at lattice planes, so boundaries deformed by it show no creases).
 * Evaluating it costs 8 lattice reads and no allocation, so it can run per voxel.
 */
final class SmoothNoise {

    private final int n;
    private final double min;
    private final double scale;
    private final float[] values;

    /**
     * @param cells lattice cells per axis (more cells, higher spatial frequency)
     * @param halfExtent the field covers [−halfExtent, halfExtent]³ (mm); outside it is clamped to the border
     */
    SmoothNoise(SplittableRandom rng, int cells, double halfExtent) {
        n = cells + 1;
        min = -halfExtent;
        scale = cells / (2 * halfExtent);
        values = new float[n * n * n];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (2 * rng.nextDouble() - 1);
        }
    }

    /** The field at a point (mm). */
    double at(double x, double y, double z) {
        double fx = clamp((x - min) * scale), fy = clamp((y - min) * scale), fz = clamp((z - min) * scale);
        int ix = Math.min((int) fx, n - 2), iy = Math.min((int) fy, n - 2), iz = Math.min((int) fz, n - 2);
        double tx = smooth(fx - ix), ty = smooth(fy - iy), tz = smooth(fz - iz);
        int i = ix + n * (iy + n * iz);
        int sy = n, sz = n * n;
        double c00 = lerp(values[i], values[i + 1], tx);
        double c10 = lerp(values[i + sy], values[i + sy + 1], tx);
        double c01 = lerp(values[i + sz], values[i + sz + 1], tx);
        double c11 = lerp(values[i + sy + sz], values[i + sy + sz + 1], tx);
        return lerp(lerp(c00, c10, ty), lerp(c01, c11, ty), tz);
    }

    private double clamp(double f) {
        return f < 0 ? 0 : Math.min(f, n - 1);
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }
}
