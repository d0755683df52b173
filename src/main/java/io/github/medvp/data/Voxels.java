package io.github.medvp.data;

import io.github.medvp.io.Geometry;

/**
 * Primitive-array kernels shared by the spatial transforms, over (X, Y, Z) float arrays with X fastest (see
 * {@link Sample}). Inner loops run along X with bulk copies where possible; nothing here boxes or dispatches per
 * voxel.
 */
public final class Voxels {

    private Voxels() {
    }

    static int index(int[] dims, int x, int y, int z) {
        return x + dims[0] * (y + dims[1] * z);
    }

    /**
     * The box {@code [start, start+size)} of {@code src}; voxels outside {@code src} are 0, so the same call crops
     * (start ≥ 0) and zero-pads (start < 0 or size beyond the end).
     */
    static float[] region(float[] src, int[] dims, int[] start, int[] size) {
        float[] out = new float[size[0] * size[1] * size[2]];
        int x0 = Math.max(0, -start[0]);
        int x1 = Math.min(size[0], dims[0] - start[0]);
        if (x1 <= x0) {
            return out;
        }
        for (int z = 0; z < size[2]; z++) {
            int sz = start[2] + z;
            if (sz < 0 || sz >= dims[2]) {
                continue;
            }
            for (int y = 0; y < size[1]; y++) {
                int sy = start[1] + y;
                if (sy < 0 || sy >= dims[1]) {
                    continue;
                }
                System.arraycopy(src, (sz * dims[1] + sy) * dims[0] + start[0] + x0, out,
                        (z * size[1] + y) * size[0] + x0, x1 - x0);
            }
        }
        return out;
    }

    /** {@link #region} of every channel; {@code null} stays {@code null}. */
    static float[][] region(float[][] channels, int[] dims, int[] start, int[] size) {
        if (channels == null) {
            return null;
        }
        float[][] out = new float[channels.length][];
        for (int c = 0; c < channels.length; c++) {
            out[c] = region(channels[c], dims, start, size);
        }
        return out;
    }

    /** The sample cut (or zero-padded) to {@code [start, start+size)}, image, label and affine together. */
    public static Sample crop(Sample s, int[] start, int[] size) {
        int[] dims = s.shape();
        if (java.util.Arrays.equals(start, new int[3]) && java.util.Arrays.equals(size, dims)) {
            return s;
        }
        return s.withVolume(size, region(s.image(), dims, start, size), region(s.label(), dims, start, size),
                translate(s.geometry(), start));
    }

    /**
     * The tight bounding box {@code [start, end)} of voxels where any channel is {@code > 0}, as {start, end}, or
     * {@code null} when there is none.
     */
    public static int[][] foregroundBox(float[][] channels, int[] dims) {
        int[] lo = { Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE };
        int[] hi = { -1, -1, -1 };
        int nx = dims[0];
        for (float[] a : channels) {
            for (int z = 0; z < dims[2]; z++) {
                for (int y = 0; y < dims[1]; y++) {
                    int row = (z * dims[1] + y) * nx;
                    int first = -1;
                    for (int x = 0; x < nx; x++) {
                        if (a[row + x] > 0) {
                            first = x;
                            break;
                        }
                    }
                    if (first < 0) {
                        continue;
                    }
                    int last = first;
                    for (int x = nx - 1; x > first; x--) {
                        if (a[row + x] > 0) {
                            last = x;
                            break;
                        }
                    }
                    lo[0] = Math.min(lo[0], first);
                    hi[0] = Math.max(hi[0], last);
                    lo[1] = Math.min(lo[1], y);
                    hi[1] = Math.max(hi[1], y);
                    lo[2] = Math.min(lo[2], z);
                    hi[2] = Math.max(hi[2], z);
                }
            }
        }
        if (hi[0] < 0) {
            return null;
        }
        return new int[][] { lo, { hi[0] + 1, hi[1] + 1, hi[2] + 1 } };
    }

    /** The sample reversed along {@code axis}: image and label channels in place, the affine updated. */
    public static Sample flip(Sample s, int axis) {
        int[] dims = s.shape();
        for (float[] c : s.image()) {
            flip(c, dims, axis);
        }
        if (s.label() != null) {
            for (float[] c : s.label()) {
                flip(c, dims, axis);
            }
        }
        return s.withVolume(dims, s.image(), s.label(), flip(s.geometry(), axis, dims[axis]));
    }

    /** Reverses {@code a} along {@code axis} in place. */
    public static void flip(float[] a, int[] dims, int axis) {
        int nx = dims[0], ny = dims[1], nz = dims[2];
        if (axis == 0) {
            for (int row = 0; row < ny * nz; row++) {
                for (int i = row * nx, j = i + nx - 1; i < j; i++, j--) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                }
            }
            return;
        }
        // Axes 1 and 2: swap whole x-rows, never single voxels.
        float[] tmp = new float[nx];
        for (int z = 0; z < (axis == 2 ? nz / 2 : nz); z++) {
            for (int y = 0; y < (axis == 1 ? ny / 2 : ny); y++) {
                int i = (z * ny + y) * nx;
                int j = axis == 2 ? ((nz - 1 - z) * ny + y) * nx : (z * ny + (ny - 1 - y)) * nx;
                System.arraycopy(a, i, tmp, 0, nx);
                System.arraycopy(a, j, a, i, nx);
                System.arraycopy(tmp, 0, a, j, nx);
            }
        }
    }

    /** The geometry of the sub-grid starting at voxel {@code start}: translation moves to {@code A·start}. */
    static Geometry translate(Geometry g, int[] start) {
        if (g == null) {
            return null;
        }
        double[][] a = g.affine();
        double[] w = g.toWorld(start[0], start[1], start[2]);
        for (int r = 0; r < 3; r++) {
            a[r][3] = w[r];
        }
        return new Geometry(a);
    }

    /** The geometry after reversing voxel axis {@code axis} of length {@code n}: index i becomes n-1-i. */
    public static Geometry flip(Geometry g, int axis, int n) {
        if (g == null) {
            return null;
        }
        double[][] a = g.affine();
        for (int r = 0; r < 3; r++) {
            a[r][3] += a[r][axis] * (n - 1);
            a[r][axis] = -a[r][axis];
        }
        return new Geometry(a);
    }

    /** The voxel offset {@code v} with {@code from.toWorld(v) == to's origin}, rounded; for template offsets. */
    public static int[] voxelOffset(double[][] from, Geometry to) {
        double[] d = { to.get(0, 3) - from[0][3], to.get(1, 3) - from[1][3], to.get(2, 3) - from[2][3] };
        double[][] m = { { from[0][0], from[0][1], from[0][2] }, { from[1][0], from[1][1], from[1][2] },
                { from[2][0], from[2][1], from[2][2] } };
        double det = det(m);
        int[] v = new int[3];
        for (int c = 0; c < 3; c++) {
            // Cramer's rule: the affine is 3x3, so this is exact enough and needs no library.
            double[][] mc = { m[0].clone(), m[1].clone(), m[2].clone() };
            for (int r = 0; r < 3; r++) {
                mc[r][c] = d[r];
            }
            v[c] = (int) Math.round(det(mc) / det);
        }
        return v;
    }

    private static double det(double[][] m) {
        return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    }
}
