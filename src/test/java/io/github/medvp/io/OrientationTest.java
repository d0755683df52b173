package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;

class OrientationTest {

    static Volume ramp(double[][] affine, long... dims) {
        int n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = i;
        }
        return new Volume(ArrayImgs.floats(data, dims), new Geometry(affine));
    }

    /** Every voxel of {@code r} holds the value of the voxel of {@code v} at the same world position. */
    static void assertSameWorld(Volume v, Volume r) {
        double[][] inv = Geometry.invert(v.geometry().affine());
        long[] d = r.dimensions();
        RandomAccess<? extends RealType<?>> a = v.raw().randomAccess(), b = r.raw().randomAccess();
        long[] pos = new long[d.length];
        for (pos[2] = 0; pos[2] < d[2]; pos[2]++) {
            for (pos[1] = 0; pos[1] < d[1]; pos[1]++) {
                for (pos[0] = 0; pos[0] < d[0]; pos[0]++) {
                    double[] w = r.geometry().toWorld(pos[0], pos[1], pos[2]);
                    long[] p = pos.clone();
                    for (int i = 0; i < 3; i++) {
                        double x = inv[i][0] * w[0] + inv[i][1] * w[1] + inv[i][2] * w[2] + inv[i][3];
                        p[i] = Math.round(x);
                        assertEquals(p[i], x, 1e-9, "voxel centres coincide");
                    }
                    for (long c = 0; c < (d.length > 3 ? d[3] : 1); c++) {
                        if (d.length > 3) {
                            p[3] = pos[3] = c;
                        }
                        a.setPosition(p);
                        b.setPosition(pos);
                        assertEquals(a.get().getRealDouble(), b.get().getRealDouble(), 0.0, Arrays.toString(pos));
                    }
                }
            }
        }
    }

    @Test
    void lpsToRasFlipsXAndYLikeNibabel() {
        Volume v = ramp(new double[][] { { -2, 0, 0, 10 }, { 0, -3, 0, 20 }, { 0, 0, 4, -5 } }, 5, 4, 3);
        assertEquals("LPS", v.geometry().axisCodes());
        Volume r = Orientation.toRas(v);
        assertEquals("RAS", r.geometry().axisCodes());
        double[][] want = { { 2, 0, 0, 10 - 8 }, { 0, 3, 0, 20 - 9 }, { 0, 0, 4, -5 }, { 0, 0, 0, 1 } };
        assertTrue(Arrays.deepEquals(want, r.geometry().affine()), Arrays.deepToString(r.geometry().affine()));
        assertSameWorld(v, r);
        NiftiWriterTest.assertSameVoxels(r.materialize(), Orientation.toRasCopy(v));
    }

    @Test
    void permutedObliqueFourDimensional() {
        double c = Math.cos(0.3), s = Math.sin(0.3);
        Volume v = ramp(new double[][] { { 0, 0, 1.5 * c, 3 }, { -2 * c, 0, 1.5 * s, 4 }, { -2 * s, 1, 0, 5 } }, 4,
                3, 5, 2);
        assertEquals("PSR", v.geometry().axisCodes());
        Volume r = Orientation.toRas(v);
        assertEquals("RAS", r.geometry().axisCodes());
        assertArrayEquals(new long[] { 5, 4, 3, 2 }, r.dimensions());
        assertSameWorld(v, r);
        Volume copy = Orientation.toRasCopy(v);
        assertEquals(r.geometry(), copy.geometry());
        assertTrue(copy.raw() instanceof net.imglib2.img.array.ArrayImg, "contiguous copy");
        NiftiWriterTest.assertSameVoxels(r.materialize(), copy);
        Volume back = Orientation.fromRas(r, v.geometry());
        assertSame(v.geometry(), back.geometry());
        assertArrayEquals(v.dimensions(), back.dimensions());
        NiftiWriterTest.assertSameVoxels(v, back.materialize());
    }

    @Test
    void rasInputIsReturnedUnchanged() {
        Volume v = ramp(new double[][] { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 } }, 2, 2, 2);
        assertSame(v, Orientation.toRas(v));
        assertSame(v.raw(), Orientation.fromRas(v, v.geometry()).raw());
    }
}
