package io.github.medvp.io;

import java.util.List;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.ArrayDataAccess;
import net.imglib2.img.cell.Cell;
import net.imglib2.img.cell.CellImg;
import net.imglib2.img.cell.CellImgFactory;
import net.imglib2.type.NativeType;
import net.imglib2.type.Type;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/** Image containers whose primitive arrays, taken in order, hold the voxels in NIfTI file order. */
final class Images {

    private Images() {
    }

    /**
     * Allocates an {@code ArrayImg} when {@code dims} fit one array of at most {@code maxArrayLength} elements,
     * else a {@code CellImg} whose cells span whole leading axes, so that the cells in grid order follow the file
     * order; the arrays are appended to {@code arrays} in that order.
     */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    static RandomAccessibleInterval<? extends RealType<?>> allocate(NiftiDatatype type, long[] dims,
            long maxArrayLength, List<Object> arrays) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n <= maxArrayLength) {
            Object array = type.newArray((int) n);
            arrays.add(array);
            return type.wrap(array, dims);
        }
        int[] cell = new int[dims.length];
        long prod = 1;
        boolean full = true;
        for (int d = 0; d < dims.length; d++) {
            if (!full) {
                cell[d] = 1;
            } else if (prod * dims[d] <= maxArrayLength) {
                cell[d] = (int) dims[d];
                prod *= dims[d];
            } else {
                cell[d] = (int) (maxArrayLength / prod);
                full = false;
            }
        }
        CellImg img = (CellImg) new CellImgFactory((NativeType) type.type(), cell).create(dims);
        Cursor<? extends Cell<?>> c = Views.flatIterable((RandomAccessibleInterval<? extends Cell<?>>) img.getCells())
                .cursor();
        while (c.hasNext()) {
            arrays.add(((ArrayDataAccess<?>) c.next().getData()).getCurrentStorageArray());
        }
        return (RandomAccessibleInterval) img;
    }

    /**
     * The primitive arrays holding {@code img} in flat (file) order without copying: the array of an
     * {@code ArrayImg}, or the cell arrays of a {@code CellImg} laid out as {@link #allocate} lays them out;
     * {@code null} for anything else (views, other cell layouts).
     */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    static List<Object> fileOrderArrays(RandomAccessibleInterval<?> img) {
        Object a = storageArray(img);
        if (a != null) {
            return new java.util.ArrayList<>(List.of(a));
        }
        if (!(img instanceof CellImg)) {
            return null;
        }
        CellImg<?, ?> cells = (CellImg<?, ?>) img;
        int n = img.numDimensions();
        int[] cell = new int[n];
        cells.getCellGrid().cellDimensions(cell);
        long[] dims = img.dimensionsAsLongArray();
        int d = 0;
        while (d < n && cell[d] == dims[d]) {
            d++;
        }
        for (int e = d + 1; e < n; e++) {
            if (cell[e] != 1) {
                return null;
            }
        }
        List<Object> arrays = new java.util.ArrayList<>();
        Cursor<? extends Cell<?>> c = Views.flatIterable((RandomAccessibleInterval<? extends Cell<?>>) cells.getCells())
                .cursor();
        while (c.hasNext()) {
            Object data = c.next().getData();
            if (!(data instanceof ArrayDataAccess)) {
                return null;
            }
            arrays.add(((ArrayDataAccess<?>) data).getCurrentStorageArray());
        }
        return arrays;
    }

    /** Copies voxel by voxel in flat (X-fastest) order; both images must have the same type. */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    static void copy(RandomAccessibleInterval<?> src, RandomAccessibleInterval<?> dst) {
        Cursor<Type> s = (Cursor<Type>) Views.flatIterable((RandomAccessibleInterval) src).cursor();
        Cursor<Type> d = (Cursor<Type>) Views.flatIterable((RandomAccessibleInterval) dst).cursor();
        while (s.hasNext()) {
            d.next().set(s.next());
        }
    }

    /** The primitive array behind an {@code ArrayImg} (not a view of one), or {@code null} for anything else. */
    static Object storageArray(RandomAccessibleInterval<?> img) {
        if (img instanceof ArrayImg && ((ArrayImg<?, ?>) img).update(null) instanceof ArrayDataAccess) {
            return ((ArrayDataAccess<?>) ((ArrayImg<?, ?>) img).update(null)).getCurrentStorageArray();
        }
        return null;
    }

    /** {@code dst[dO + i] = src[so + index[i]]} for primitive arrays of the same kind. */
    static void gather(Object src, int so, Object dst, int dO, int[] index) {
        int len = index.length;
        if (src instanceof byte[]) {
            byte[] s = (byte[]) src, t = (byte[]) dst;
            for (int i = 0; i < len; i++) t[dO + i] = s[so + index[i]];
        } else if (src instanceof short[]) {
            short[] s = (short[]) src, t = (short[]) dst;
            for (int i = 0; i < len; i++) t[dO + i] = s[so + index[i]];
        } else if (src instanceof int[]) {
            int[] s = (int[]) src, t = (int[]) dst;
            for (int i = 0; i < len; i++) t[dO + i] = s[so + index[i]];
        } else if (src instanceof long[]) {
            long[] s = (long[]) src, t = (long[]) dst;
            for (int i = 0; i < len; i++) t[dO + i] = s[so + index[i]];
        } else if (src instanceof float[]) {
            float[] s = (float[]) src, t = (float[]) dst;
            for (int i = 0; i < len; i++) t[dO + i] = s[so + index[i]];
        } else {
            double[] s = (double[]) src, t = (double[]) dst;
            for (int i = 0; i < len; i++) t[dO + i] = s[so + index[i]];
        }
    }
}
