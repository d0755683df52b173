package io.github.medvp.io;

import java.util.Arrays;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Reorientation by axis permutation and flips only (no resampling), as nibabel's {@code as_closest_canonical}
 * and {@code as_reoriented} do it, and the way back.
 * <p>
 * An orientation is an {@code int[3][2]} of rows (world axis, ±1) per voxel axis, as returned by
 * {@link Geometry#orientation()}. The data of the result is a view of the input's data.
 */
public final class Orientation {

    private Orientation() {
    }

    /** True for the orientation that leaves a volume unchanged. */
    public static boolean isIdentity(int[][] ornt) {
        for (int i = 0; i < 3; i++) {
            if (ornt[i][0] != i || ornt[i][1] != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * nibabel's {@code as_closest_canonical}: the volume reoriented so that voxel axes run as close as possible to
     * R, A, S. Returns {@code v} itself when it already is.
     *
     * @throws IllegalArgumentException when an axis of the affine has no direction
     */
    public static Volume toRas(Volume v) {
        int[][] ornt = v.geometry().orientation();
        return isIdentity(ornt) ? v : apply(v, ornt);
    }

    /**
     * {@link #toRas} with the data copied into a new contiguous image (a fast strided copy for array-backed
     * volumes), for consumers that walk the data many times.
     */
    public static Volume toRasCopy(Volume v) {
        int[][] ornt = v.geometry().orientation();
        if (isIdentity(ornt)) {
            return v;
        }
        Volume view = apply(v, ornt);
        NiftiDatatype type = NiftiDatatype.forType(v.raw().getType());
        Object src = Images.storageArray(v.raw());
        if (src == null || type == null) {
            return view.materialize();
        }
        long[] in = v.dimensions(), out = view.dimensions();
        int n0 = (int) in[0], n1 = (int) in[1], n2 = (int) in[2];
        int volume = n0 * n1 * n2;
        // Source offset and stride of each output axis: output axis ornt[i][0] walks input axis i.
        int[] inStride = { 1, n0, n0 * n1 };
        int[] stride = new int[3];
        int base = 0;
        for (int i = 0; i < 3; i++) {
            int s = ornt[i][1] > 0 ? inStride[i] : -inStride[i];
            stride[ornt[i][0]] = s;
            if (s < 0) {
                base += (int) (in[i] - 1) * inStride[i];
            }
        }
        int[] index = new int[volume];
        int o0 = (int) out[0], o1 = (int) out[1], o2 = (int) out[2], k = 0;
        for (int z = 0; z < o2; z++) {
            for (int y = 0; y < o1; y++) {
                int p = base + z * stride[2] + y * stride[1];
                for (int x = 0; x < o0; x++, p += stride[0]) {
                    index[k++] = p;
                }
            }
        }
        java.util.List<Object> arrays = new java.util.ArrayList<>();
        RandomAccessibleInterval<? extends RealType<?>> img = Images.allocate(type, out, NiftiReader.MAX_ARRAY_LENGTH,
                arrays);
        long volumes = v.size() / volume;
        for (int c = 0; c < volumes; c++) {
            Images.gather(src, c * volume, arrays.get(0), c * volume, index);
        }
        return view.withRaw(img, view.geometry());
    }

    /**
     * Undoes {@link #toRas}: brings a volume on the RAS grid of {@code original} back to the grid, axis order and
     * affine of {@code original} (the affine is {@code original} itself, so written outputs match the input).
     */
    public static Volume fromRas(Volume ras, Geometry original) {
        int[][] ornt = original.orientation();
        if (isIdentity(ornt)) {
            return ras.withGeometry(original);
        }
        checkDefined(ornt);
        int[][] inv = new int[3][2];
        for (int i = 0; i < 3; i++) {
            inv[ornt[i][0]][0] = i;
            inv[ornt[i][0]][1] = ornt[i][1];
        }
        return apply(ras, inv).withGeometry(original);
    }

    /**
     * nibabel's {@code as_reoriented}: flips the voxel axes whose row has -1, then moves voxel axis {@code i} to
     * position {@code ornt[i][0]}; the affine becomes {@code affine · inv_ornt_aff(ornt, shape)}.
     */
    public static Volume apply(Volume v, int[][] ornt) {
        checkDefined(ornt);
        RandomAccessibleInterval<? extends RealType<?>> view = v.raw();
        for (int ax = 0; ax < 3; ax++) {
            if (ornt[ax][1] < 0) {
                view = Views.zeroMin(Views.invertAxis(view, ax));
            }
        }
        int[] cur = { 0, 1, 2 };
        for (int j = 0; j < 3; j++) {
            int want = -1;
            for (int i = 0; i < 3; i++) {
                if (ornt[i][0] == j) {
                    want = i;
                }
            }
            int k = j;
            while (cur[k] != want) {
                k++;
            }
            if (k != j) {
                view = Views.permute(view, j, k);
                int t = cur[j];
                cur[j] = cur[k];
                cur[k] = t;
            }
        }
        double[][] m = inverseAffine(ornt, v.dimensions());
        return v.withRaw(view, v.geometry().times(m));
    }

    /** nibabel's {@code inv_ornt_aff}: the affine from reoriented voxel indices back to the original ones. */
    static double[][] inverseAffine(int[][] ornt, long[] shape) {
        double[][] undoReorder = new double[4][4];
        for (int i = 0; i < 3; i++) {
            undoReorder[i][ornt[i][0]] = 1;
        }
        undoReorder[3][3] = 1;
        double[][] undoFlip = new double[4][4];
        for (int i = 0; i < 3; i++) {
            double centre = -(shape[i] - 1) / 2.0;
            undoFlip[i][i] = ornt[i][1];
            undoFlip[i][3] = ornt[i][1] * centre - centre;
        }
        undoFlip[3][3] = 1;
        return Geometry.multiply(undoFlip, undoReorder);
    }

    private static void checkDefined(int[][] ornt) {
        boolean[] used = new boolean[3];
        for (int[] o : ornt) {
            if (o[0] < 0 || o[0] > 2 || used[o[0]] || Math.abs(o[1]) != 1) {
                throw new IllegalArgumentException("orientation " + Arrays.deepToString(ornt)
                        + " is not a permutation with flips (an affine axis without direction?)");
            }
            used[o[0]] = true;
        }
    }
}
