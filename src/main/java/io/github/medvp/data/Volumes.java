package io.github.medvp.data;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ArrayDataAccess;
import net.imglib2.type.numeric.real.FloatType;

import io.github.medvp.io.Geometry;
import io.github.medvp.io.Volume;

/**
 * The bridge between {@link Sample} channels and {@code io} {@link Volume}s. Both use X-fastest order, so a channel
 * wraps as a volume without copying, and a float volume that was just produced (read, reoriented, resampled) gives
 * up its array without copying either.
 */
public final class Volumes {

    private Volumes() {
    }

    /** A volume viewing {@code channel} (no copy). */
    public static Volume wrap(float[] channel, int[] shape, Geometry g) {
        return new Volume(ArrayImgs.floats(channel, shape[0], shape[1], shape[2]), g);
    }

    /**
     * The scaled values of {@code v} as one X-fastest float array. The volume's own array is returned when it already
     * is one (unscaled float {@code ArrayImg}); only call this on volumes nobody else holds, since the caller may
     * then modify the array.
     */
    public static float[] take(Volume v) {
        RandomAccessibleInterval<?> raw = v.raw();
        if (!v.isScaled() && raw instanceof ArrayImg && raw.getType() instanceof FloatType) {
            Object a = ((ArrayImg<?, ?>) raw).update(null);
            if (a instanceof ArrayDataAccess && ((ArrayDataAccess<?>) a).getCurrentStorageArray() instanceof float[]) {
                return (float[]) ((ArrayDataAccess<?>) a).getCurrentStorageArray();
            }
        }
        return (float[]) ((ArrayDataAccess<?>) v.toFloatImg().update(null)).getCurrentStorageArray();
    }

    /** The spatial shape (first three axes) of {@code v} as ints. */
    public static int[] shape(Volume v) {
        long[] d = v.dimensions();
        return new int[] { (int) d[0], (int) d[1], (int) d[2] };
    }

    /** Number of 3D volumes along the axes beyond Z (1 for a 3D file). */
    public static long volumes(Volume v) {
        long[] d = v.dimensions();
        long n = 1;
        for (int i = 3; i < d.length; i++) {
            n *= d[i];
        }
        return n;
    }
}
