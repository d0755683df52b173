package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import net.imglib2.Cursor;
import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.view.Views;

class ResampleTest {

    private static final double[][] AFFINE = { { 1.2, 0, 0, -7 }, { 0, 0.9, 0, 3 }, { 0, 0, 1.5, 11 } };

    /** A volume whose values are a linear function of world position, which trilinear sampling reproduces. */
    static Volume worldRamp(long nx, long ny, long nz) {
        Geometry g = new Geometry(AFFINE);
        float[] data = new float[(int) (nx * ny * nz)];
        int i = 0;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    data[i++] = (float) ramp(g.toWorld(x, y, z));
                }
            }
        }
        return new Volume(ArrayImgs.floats(data, nx, ny, nz), g);
    }

    static double ramp(double[] w) {
        return 2 * w[0] - 3 * w[1] + 0.5 * w[2];
    }

    @Test
    void linearOnMonaiGrid() {
        Volume v = worldRamp(10, 12, 8);
        Volume r = Resample.toSpacing(v, new double[] { 1, 1, 1 }, Resample.Interpolation.LINEAR);
        // round((n-1)*s + 1): 11.8 -> 12, 10.9 -> 11, 11.5 -> 12 (half to even)
        assertArrayEquals(new long[] { 12, 11, 12 }, r.dimensions());
        double[][] want = { { 1, 0, 0, -7 }, { 0, 1, 0, 3 }, { 0, 0, 1, 11 }, { 0, 0, 0, 1 } };
        assertTrue(Arrays.deepEquals(want, r.geometry().affine()), Arrays.deepToString(r.geometry().affine()));
        RandomAccess<? extends RealType<?>> ra = r.raw().randomAccess();
        for (int z = 0; z < 11; z++) {
            for (int y = 0; y < 10; y++) {
                for (int x = 0; x < 11; x++) {
                    ra.setPosition(new int[] { x, y, z });
                    double want1 = ramp(r.geometry().toWorld(x, y, z));
                    assertEquals(want1, ra.get().getRealDouble(), 1e-3, x + "," + y + "," + z);
                }
            }
        }
        // Beyond the last input voxel centre, border padding repeats the edge.
        ra.setPosition(new int[] { 11, 0, 0 });
        assertEquals(ramp(v.geometry().toWorld(9, 0, 0)), ra.get().getRealDouble(), 1e-3);
    }

    @Test
    void nearestKeepsLabelsAndTheirType() {
        byte[] labels = new byte[6 * 5 * 4];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i % 7);
        }
        Volume v = new Volume(ArrayImgs.unsignedBytes(labels, 6, 5, 4), new Geometry(AFFINE));
        Volume same = Resample.toSpacing(v, new double[] { 1.2, 0.9, 1.5 }, Resample.Interpolation.NEAREST);
        NiftiWriterTest.assertSameVoxels(v, same);
        Volume r = Resample.toSpacing(v, new double[] { 0.5, 0.5, 0.5 }, Resample.Interpolation.NEAREST);
        assertInstanceOf(UnsignedByteType.class, r.raw().getType());
        Cursor<? extends RealType<?>> c = Views.flatIterable(r.raw()).cursor();
        while (c.hasNext()) {
            double x = c.next().getRealDouble();
            assertTrue(x >= 0 && x < 7 && x == Math.rint(x));
        }
        RandomAccess<? extends RealType<?>> ra = r.raw().randomAccess();
        ra.setPosition(new int[] { 5, 4, 6 }); // world offset (2.5, 2, 3) -> input (2.08, 2.22, 2) -> (2, 2, 2)
        assertEquals((2 + 6 * 2 + 30 * 2) % 7, ra.get().getRealDouble());
    }

    @Test
    void channelsAreResampledIndependently() {
        float[] data = new float[4 * 4 * 4 * 2];
        Arrays.fill(data, 0, 64, 3f);
        Arrays.fill(data, 64, 128, -1f);
        Volume v = new Volume(ArrayImgs.floats(data, 4, 4, 4, 2), Geometry.ofSpacing(2, 2, 2));
        Volume r = Resample.toSpacing(v, new double[] { 1, 1, 1 }, Resample.Interpolation.LINEAR);
        assertArrayEquals(new long[] { 7, 7, 7, 2 }, r.dimensions());
        RandomAccess<? extends RealType<?>> ra = r.raw().randomAccess();
        ra.setPosition(new int[] { 3, 5, 1, 0 });
        assertEquals(3, ra.get().getRealDouble());
        ra.setPosition(new int[] { 3, 5, 1, 1 });
        assertEquals(-1, ra.get().getRealDouble());
    }
}
