package io.github.medvp.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;

/**
 * Resampling to a target voxel spacing, defined as MONAI's {@code Spacing(pixdim, diagonal=False)} defines it
 * (padding mode "border"):
 * <ul>
 * <li>Output directions: the input's direction cosines from the QR decomposition of its 3x3 part (MONAI's
 * Cholesky-based {@code zoom_affine}), scaled by the target spacing; for an RAS image the output affine is
 * diagonal.</li>
 * <li>Output shape: {@code round(ptp + 1)} per axis of the input's corner voxel centres expressed in output
 * voxels, i.e. {@code round((n-1)·s_in/s_out + 1)} for axis-aligned images.</li>
 * <li>Origin: when input and output have the same {@link Geometry#orientation()} (always for RAS input), output
 * voxel (0,0,0) is input voxel (0,0,0)'s centre; otherwise the minimum world corner.</li>
 * <li>Values: the output voxel centre mapped through both affines to a continuous input index, clamped to the
 * image ("border"), then trilinear ({@link Interpolation#LINEAR}, float output of the scaled values) or nearest
 * ({@link Interpolation#NEAREST}, rounding half to even; stored type and scaling kept, for label maps).</li>
 * </ul>
 * Axes beyond Z (channels, time) are resampled one 3D volume at a time. Work is split over Z slices in parallel.
 */
public final class Resample {

    /** How output values are computed from the input voxels. */
    public enum Interpolation {
        /** Trilinear, for images. */
        LINEAR,
        /** Nearest neighbour, for label maps. */
        NEAREST
    }

    private Resample() {
    }

    /** Resamples {@code v} to voxels of {@code spacing} mm (three positive values). */
    public static Volume toSpacing(Volume v, double[] spacing, Interpolation mode) {
        if (spacing.length != 3 || !(spacing[0] > 0 && spacing[1] > 0 && spacing[2] > 0)) {
            throw new IllegalArgumentException("spacing needs three positive values");
        }
        long[] in = v.dimensions();
        double[][] outAffine = targetAffine(v.geometry(), spacing, in);
        long[] out = in.clone();
        long[] shape = targetShape(v.geometry(), outAffine, in);
        System.arraycopy(shape, 0, out, 0, 3);
        long outVolume = out[0] * out[1] * out[2], inVolume = in[0] * in[1] * in[2];
        long volumes = 1;
        for (int d = 3; d < in.length; d++) {
            volumes *= in[d];
        }
        if (outVolume * volumes > NiftiReader.MAX_ARRAY_LENGTH || inVolume * volumes > NiftiReader.MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException("resampling is limited to 2^31 voxels per image");
        }
        // Continuous input index of output voxel q: inv(A_in) · A_out · q.
        double[][] m = Geometry.multiply(Geometry.invert(v.geometry().affine()), outAffine);
        Geometry g = new Geometry(outAffine);
        int[] n = { (int) in[0], (int) in[1], (int) in[2] };
        int[] o = { (int) out[0], (int) out[1], (int) out[2] };
        if (mode == Interpolation.LINEAR) {
            float[] src = (float[]) Images.storageArray(v.toFloatImg());
            float[] dst = new float[(int) (outVolume * volumes)];
            for (int k = 0; k < volumes; k++) {
                linear(src, k * (int) inVolume, n, dst, k * (int) outVolume, o, m, false);
            }
            return new Volume(ArrayImgs.floats(dst, out), g, 1, 0, v.header());
        }
        NiftiDatatype type = NiftiDatatype.forType(v.raw().getType());
        if (type == null) {
            throw new IllegalArgumentException("no NIfTI datatype for " + v.raw().getType().getClass().getSimpleName());
        }
        int[] index = nearest(n, o, m);
        Object src = Images.storageArray(v.raw());
        if (src == null) {
            src = Images.storageArray(v.materialize().raw());
        }
        List<Object> arrays = new ArrayList<>();
        RandomAccessibleInterval<? extends RealType<?>> img = Images.allocate(type, out, NiftiReader.MAX_ARRAY_LENGTH,
                arrays);
        Object dst = arrays.get(0);
        for (int k = 0; k < volumes; k++) {
            Images.gather(src, k * (int) inVolume, dst, k * (int) outVolume, index);
        }
        return new Volume(img, g, v.slope(), v.intercept(), v.header());
    }

    /**
     * Trilinear resize of one X-fastest volume to another grid, as PyTorch's {@code F.interpolate(mode="trilinear",
     * align_corners=False)}: output voxel q samples the input at {@code (q + ½)·n/o − ½} per axis, clamped to the
     * border (PyTorch clamps below at 0 and repeats the last voxel above, which the clamp reproduces).
     *
     * @param src the input, X fastest
     * @param n its size (X, Y, Z)
     * @param o the output size (X, Y, Z)
     * @return the resized volume, X fastest
     */
    public static float[] resize(float[] src, int[] n, int[] o) {
        if ((long) n[0] * n[1] * n[2] != src.length || o[0] < 1 || o[1] < 1 || o[2] < 1) {
            throw new IllegalArgumentException("resize: " + src.length + " values do not fit " + Arrays.toString(n)
                    + " or the output size " + Arrays.toString(o) + " is empty");
        }
        double[][] m = new double[4][4];
        for (int a = 0; a < 3; a++) {
            double scale = (double) n[a] / o[a];
            m[a][a] = scale;
            m[a][3] = 0.5 * scale - 0.5;
        }
        m[3][3] = 1;
        float[] dst = new float[Math.multiplyExact(Math.multiplyExact(o[0], o[1]), o[2])];
        linear(src, 0, n, dst, 0, o, m, false); // clamped to the border, as PyTorch
        return dst;
    }

    /** MONAI's {@code zoom_affine(diagonal=False)} plus {@code compute_shape_offset}'s origin. */
    static double[][] targetAffine(Geometry g, double[] spacing, long[] dims) {
        double[][] a = g.affine();
        double[][] q = new double[3][3];
        // Gram-Schmidt on the columns: the Q of A = Q·R with positive diag(R), which MONAI gets via Cholesky.
        for (int c = 0; c < 3; c++) {
            double[] col = { a[0][c], a[1][c], a[2][c] };
            for (int p = 0; p < c; p++) {
                double dot = col[0] * q[0][p] + col[1] * q[1][p] + col[2] * q[2][p];
                for (int r = 0; r < 3; r++) {
                    col[r] -= dot * q[r][p];
                }
            }
            double norm = Math.sqrt(col[0] * col[0] + col[1] * col[1] + col[2] * col[2]);
            for (int r = 0; r < 3; r++) {
                q[r][c] = col[r] / norm;
            }
        }
        double[][] out = new double[4][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                out[r][c] = q[r][c] * spacing[c];
            }
        }
        out[3][3] = 1;
        int[][] oi = g.orientation(), oo = new Geometry(out).orientation();
        boolean same = java.util.Arrays.deepEquals(oi, oo);
        for (int r = 0; r < 3; r++) {
            double origin = a[r][3];
            if (!same) {
                origin = Double.POSITIVE_INFINITY;
                for (double[] corner : corners(dims)) {
                    origin = Math.min(origin, g.toWorld(corner[0], corner[1], corner[2])[r]);
                }
            }
            out[r][3] = origin;
        }
        return out;
    }

    /** {@code round(ptp + 1)} of the input's corner voxel centres in output voxel units. */
    static long[] targetShape(Geometry in, double[][] outAffine, long[] dims) {
        double[][] toOut = Geometry.multiply(Geometry.invert(outAffine), in.affine());
        double[] min = { Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY };
        double[] max = { Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY };
        for (double[] c : corners(dims)) {
            for (int r = 0; r < 3; r++) {
                double x = toOut[r][0] * c[0] + toOut[r][1] * c[1] + toOut[r][2] * c[2] + toOut[r][3];
                min[r] = Math.min(min[r], x);
                max[r] = Math.max(max[r], x);
            }
        }
        long[] shape = new long[3];
        for (int r = 0; r < 3; r++) {
            shape[r] = Math.max(1, Math.round(Math.rint(max[r] - min[r] + 1.0)));
        }
        return shape;
    }

    private static double[][] corners(long[] dims) {
        double[][] c = new double[8][];
        for (int i = 0; i < 8; i++) {
            c[i] = new double[] { (i & 1) == 0 ? 0 : dims[0] - 1, (i & 2) == 0 ? 0 : dims[1] - 1,
                    (i & 4) == 0 ? 0 : dims[2] - 1 };
        }
        return c;
    }

    /**
     * Values of a volume pulled onto another grid of the same world: output voxel {@code q} takes the input value at
     * the continuous index {@code index · q} (a 4x4 matrix, e.g. {@code inv(A_in) · A_out}), trilinear or nearest.
     * Unlike {@link #toSpacing}, points outside the input are 0 rather than border values: beyond half a voxel
     * outside for {@link Interpolation#LINEAR} (the border is clamped within that half voxel), and when the rounded
     * index leaves the grid for {@link Interpolation#NEAREST} (rounding half to even). This is the way back from a
     * cropped or resampled grid to an original one.
     *
     * @param src X-fastest values over {@code srcDims}
     * @param srcDims input size (X, Y, Z)
     * @param index output voxel index to input voxel index, 4x4
     * @param dstDims output size (X, Y, Z)
     * @param mode interpolation
     * @return X-fastest values over {@code dstDims}
     */
    public static float[] pull(float[] src, int[] srcDims, double[][] index, int[] dstDims, Interpolation mode) {
        long in = (long) srcDims[0] * srcDims[1] * srcDims[2];
        long out = (long) dstDims[0] * dstDims[1] * dstDims[2];
        if (in != src.length || out > NiftiReader.MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException(src.length + " values for a " + Arrays.toString(srcDims)
                    + " grid, or an output over 2^31 voxels");
        }
        float[] dst = new float[(int) out];
        if (mode == Interpolation.LINEAR) {
            linear(src, 0, srcDims, dst, 0, dstDims, index, true);
            return dst;
        }
        int[] n = srcDims;
        IntStream.range(0, dstDims[2]).parallel().forEach(z -> {
            for (int y = 0; y < dstDims[1]; y++) {
                int d = (z * dstDims[1] + y) * dstDims[0];
                for (int x = 0; x < dstDims[0]; x++) {
                    int i = 0, stride = 1;
                    for (int r = 0; r < 3 && i >= 0; r++) {
                        double p = Math.rint(index[r][0] * x + index[r][1] * y + index[r][2] * z + index[r][3]);
                        i = p < 0 || p > n[r] - 1 ? -1 : i + stride * (int) p;
                        stride *= n[r];
                    }
                    dst[d + x] = i < 0 ? 0 : src[i];
                }
            }
        });
        return dst;
    }

    /**
     * {@link #pull(float[], int[], double[][], int[], Interpolation)} between two grids given by their affines: the
     * output voxel {@code q} takes the input value at world position {@code dst · q}.
     */
    public static float[] pull(float[] src, int[] srcDims, Geometry srcGeometry, int[] dstDims, Geometry dstGeometry,
            Interpolation mode) {
        return pull(src, srcDims, Geometry.multiply(Geometry.invert(srcGeometry.affine()), dstGeometry.affine()),
                dstDims, mode);
    }

    private static void linear(float[] src, int srcOff, int[] n, float[] dst, int dstOff, int[] o, double[][] m,
            boolean zeroOutside) {
        int nx = n[0], ny = n[1], nz = n[2];
        int sxy = nx * ny;
        IntStream.range(0, o[2]).parallel().forEach(z -> {
            for (int y = 0; y < o[1]; y++) {
                double px = m[0][1] * y + m[0][2] * z + m[0][3];
                double py = m[1][1] * y + m[1][2] * z + m[1][3];
                double pz = m[2][1] * y + m[2][2] * z + m[2][3];
                int d = dstOff + (z * o[1] + y) * o[0];
                for (int x = 0; x < o[0]; x++, px += m[0][0], py += m[1][0], pz += m[2][0]) {
                    if (zeroOutside && (px < -0.5 || px > nx - 0.5 || py < -0.5 || py > ny - 0.5 || pz < -0.5
                            || pz > nz - 0.5)) {
                        dst[d + x] = 0;
                        continue;
                    }
                    double cx = Math.min(Math.max(px, 0), nx - 1);
                    double cy = Math.min(Math.max(py, 0), ny - 1);
                    double cz = Math.min(Math.max(pz, 0), nz - 1);
                    int x0 = (int) cx, y0 = (int) cy, z0 = (int) cz;
                    double fx = cx - x0, fy = cy - y0, fz = cz - z0;
                    int dx = x0 < nx - 1 ? 1 : 0, dy = y0 < ny - 1 ? nx : 0, dz = z0 < nz - 1 ? sxy : 0;
                    int i = srcOff + x0 + nx * y0 + sxy * z0;
                    double c00 = src[i] + fx * (src[i + dx] - src[i]);
                    double c10 = src[i + dy] + fx * (src[i + dy + dx] - src[i + dy]);
                    double c01 = src[i + dz] + fx * (src[i + dz + dx] - src[i + dz]);
                    double c11 = src[i + dz + dy] + fx * (src[i + dz + dy + dx] - src[i + dz + dy]);
                    double c0 = c00 + fy * (c10 - c00), c1 = c01 + fy * (c11 - c01);
                    dst[d + x] = (float) (c0 + fz * (c1 - c0));
                }
            }
        });
    }

    /** For every output voxel, the flat index of its nearest input voxel (border-clamped). */
    private static int[] nearest(int[] n, int[] o, double[][] m) {
        int[] index = new int[o[0] * o[1] * o[2]];
        IntStream.range(0, o[2]).parallel().forEach(z -> {
            for (int y = 0; y < o[1]; y++) {
                int d = (z * o[1] + y) * o[0];
                for (int x = 0; x < o[0]; x++) {
                    int i = 0, stride = 1;
                    for (int r = 0; r < 3; r++) {
                        double p = Math.rint(m[r][0] * x + m[r][1] * y + m[r][2] * z + m[r][3]);
                        i += stride * (int) Math.min(Math.max(p, 0), n[r] - 1);
                        stride *= n[r];
                    }
                    index[d + x] = i;
                }
            }
        });
        return index;
    }
}
