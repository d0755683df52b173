package io.github.medvp.io;

import java.util.Arrays;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.Converters;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.DoubleType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;

/**
 * A medical image: voxel values in their stored numeric type, the linear scaling that turns them into physical
 * values, the {@link Geometry}, and the header it came with.
 * <p>
 * Axes are X, Y, Z[, C[, T]] (at least three; a 4th NIfTI dimension is the channel axis, RGB components form a
 * channel axis). Scaled values are {@code raw * slope + intercept} computed in double, exactly what nibabel's
 * {@code get_fdata()} returns. Immutable: the data is shared, never modified by this package after construction.
 */
public final class Volume {

    private final RandomAccessibleInterval<? extends RealType<?>> raw;
    private final Geometry geometry;
    private final double slope;
    private final double intercept;
    private final NiftiHeader header;

    /**
     * @param raw stored values, at least 3 axes
     * @param slope scale factor; use 1 with intercept 0 for unscaled data
     * @param header the header the data came with, a template for writing; {@code null} for none
     */
    public Volume(RandomAccessibleInterval<? extends RealType<?>> raw, Geometry geometry, double slope,
            double intercept, NiftiHeader header) {
        if (raw.numDimensions() < 3) {
            throw new IllegalArgumentException("a volume needs at least 3 axes, got " + raw.numDimensions());
        }
        this.raw = raw;
        this.geometry = geometry;
        this.slope = slope;
        this.intercept = intercept;
        this.header = header == null ? null : header.copy();
    }

    /** An unscaled volume without header. */
    public Volume(RandomAccessibleInterval<? extends RealType<?>> raw, Geometry geometry) {
        this(raw, geometry, 1, 0, null);
    }

    /** The stored values (a view for RGB data; an {@code ArrayImg} or {@code CellImg} otherwise when read). */
    public RandomAccessibleInterval<? extends RealType<?>> raw() {
        return raw;
    }

    /** Where the voxels are: the voxel-to-world affine. */
    public Geometry geometry() {
        return geometry;
    }

    /** The scale factor applied to raw values (1 when the file has none). */
    public double slope() {
        return slope;
    }

    /** The offset added after scaling (0 when the file has none). */
    public double intercept() {
        return intercept;
    }

    /** True when slope or intercept change values. */
    public boolean isScaled() {
        return slope != 1 || intercept != 0;
    }

    /** A copy of the header the data came with, or {@code null}. */
    public NiftiHeader header() {
        return header == null ? null : header.copy();
    }

    /** The NIfTI datatype code of the raw values (128 for RGB24 even though channels are unsigned bytes). */
    public int datatypeCode() {
        NiftiDatatype stored = header == null ? null : NiftiDatatype.forCode(header.datatype);
        long[] dims = dimensions();
        if (stored != null && stored.components() > 1 && dims.length > 3 && dims[3] == stored.components()
                && NiftiDatatype.forType(raw.getType()) == NiftiDatatype.UINT8) {
            return stored.code();
        }
        NiftiDatatype t = NiftiDatatype.forType(raw.getType());
        return t == null ? 0 : t.code();
    }

    /** Dimensions of the raw image. */
    public long[] dimensions() {
        return raw.dimensionsAsLongArray();
    }

    /** Number of voxels over all axes. */
    public long size() {
        return Intervals.numElements(raw);
    }

    /** The same data with another geometry and optional header. */
    public Volume withGeometry(Geometry g) {
        return new Volume(raw, g, slope, intercept, header);
    }

    /** Other data with this volume's scaling and header. */
    public Volume withRaw(RandomAccessibleInterval<? extends RealType<?>> data, Geometry g) {
        return new Volume(data, g, slope, intercept, header);
    }

    /**
     * The same volume with its data copied into a fresh {@code ArrayImg} (or {@code CellImg} when too large) of
     * the stored type, e.g. to make a reoriented view contiguous.
     */
    public Volume materialize() {
        NiftiDatatype t = NiftiDatatype.forType(raw.getType());
        if (t == null) {
            throw new IllegalStateException("no NIfTI datatype for " + raw.getType().getClass().getSimpleName());
        }
        RandomAccessibleInterval<? extends RealType<?>> copy = Images.allocate(t, dimensions(),
                NiftiReader.MAX_ARRAY_LENGTH, new java.util.ArrayList<>());
        Images.copy(raw, copy);
        return withRaw(copy, geometry);
    }

    /** A read-only view of the scaled values in double precision (nibabel's {@code get_fdata()}). */
    public RandomAccessibleInterval<DoubleType> scaled() {
        final double s = slope, b = intercept;
        if (s == 1 && b == 0) {
            return Converters.convert(raw, (a, o) -> o.set(a.getRealDouble()), new DoubleType());
        }
        return Converters.convert(raw, (a, o) -> o.set(a.getRealDouble() * s + b), new DoubleType());
    }

    /** A read-only view of the scaled values rounded to float. */
    public RandomAccessibleInterval<FloatType> floatView() {
        final double s = slope, b = intercept;
        return Converters.convert(raw, (a, o) -> o.set((float) (a.getRealDouble() * s + b)), new FloatType());
    }

    /**
     * The scaled values as a new float {@code ArrayImg} in X-fastest order, for consumers that need a flat array
     * ({@code img.update(null).getCurrentStorageArray()}).
     *
     * @throws IllegalStateException when the volume has more than 2^31-1 voxels
     */
    public ArrayImg<FloatType, FloatArray> toFloatImg() {
        long n = size();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalStateException("volume of " + n + " voxels is too large for one float array");
        }
        float[] out = new float[(int) n];
        Object array = Images.storageArray(raw);
        final double s = slope, b = intercept;
        Object type = raw.getType();
        if (array instanceof float[] && !isScaled()) {
            System.arraycopy(array, 0, out, 0, out.length);
        } else if (array instanceof short[]) {
            // The common MRI case (int16/uint16): a primitive loop instead of a virtual call per voxel.
            short[] a = (short[]) array;
            boolean unsigned = type instanceof net.imglib2.type.numeric.integer.UnsignedShortType;
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) ((unsigned ? a[i] & 0xffff : a[i]) * s + b);
            }
        } else if (array instanceof byte[]) {
            byte[] a = (byte[]) array;
            boolean unsigned = type instanceof net.imglib2.type.numeric.integer.UnsignedByteType;
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) ((unsigned ? a[i] & 0xff : a[i]) * s + b);
            }
        } else if (array instanceof float[]) {
            float[] a = (float[]) array;
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (a[i] * s + b);
            }
        } else {
            Cursor<? extends RealType<?>> c = Views.flatIterable(raw).cursor();
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (c.next().getRealDouble() * s + b);
            }
        }
        return ArrayImgs.floats(out, dimensions());
    }

    @Override
    public String toString() {
        return "Volume" + Arrays.toString(dimensions()) + " " + raw.getType().getClass().getSimpleName()
                + (isScaled() ? " *" + slope + "+" + intercept : "") + " " + geometry;
    }
}
