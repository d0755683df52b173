package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.imglib2.Cursor;
import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.cell.CellImg;
import net.imglib2.type.numeric.IntegerType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedLongType;
import net.imglib2.view.Views;

class NiftiReaderTest {

    @TempDir
    Path dir;

    /** Raw values as exact longs for integer types, double bits otherwise. */
    static long exact(RealType<?> t) {
        if (t instanceof UnsignedLongType) {
            return ((UnsignedLongType) t).get();
        }
        if (t instanceof IntegerType) {
            return ((IntegerType<?>) t).getIntegerLong();
        }
        return Double.doubleToLongBits(t.getRealDouble());
    }

    static void assertValues(Fixture f, Volume v) {
        Cursor<? extends RealType<?>> c = Views.flatIterable(v.raw()).cursor();
        boolean integer = f.datatype != 16 && f.datatype != 64;
        for (int i = 0; c.hasNext(); i++) {
            RealType<?> t = c.next();
            long want = integer ? Fixture.value(f.datatype, i) : Double.doubleToLongBits(Fixture.doubleValue(f.datatype, i));
            assertEquals(want, exact(t), "voxel " + i);
            assertEquals(Fixture.doubleValue(f.datatype, i), t.getRealDouble(), 0.0, "double value of voxel " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({ "2,LE", "2,BE", "256,LE", "256,BE", "512,LE", "512,BE", "4,LE", "4,BE", "768,LE", "768,BE", "8,LE",
            "8,BE", "1280,LE", "1280,BE", "1024,LE", "1024,BE", "16,LE", "16,BE", "64,LE", "64,BE" })
    void readsEveryDatatypeInBothByteOrders(int datatype, String order) throws IOException {
        Fixture f = new Fixture();
        f.datatype = datatype;
        f.order = order.equals("LE") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        Volume v = NiftiReader.read(f.write(dir, "t.nii", false));
        assertEquals(datatype, v.datatypeCode());
        assertEquals(f.order, v.header().byteOrder());
        assertArrayEquals(new long[] { 4, 3, 2 }, v.dimensions());
        assertInstanceOf(ArrayImg.class, v.raw());
        assertValues(f, v);
        assertEquals(new Geometry(f.srow), v.geometry());
    }

    @ParameterizedTest
    @CsvSource({ "t.nii.gz,false", "p.hdr,false", "p.hdr,true" })
    void readsGzipAndPairs(String name, boolean gzImage) throws IOException {
        Fixture f = new Fixture();
        f.datatype = 4;
        f.order = ByteOrder.BIG_ENDIAN;
        Path p = f.write(dir, name, gzImage);
        assertValues(f, NiftiReader.read(p));
        if (name.endsWith(".hdr")) {
            // Opening by the image name finds the header.
            assertValues(f, NiftiReader.read(dir.resolve(gzImage ? "p.img.gz" : "p.img")));
        }
    }

    @Test
    void readsMultiMemberGzip() throws IOException {
        Fixture f = new Fixture();
        byte[] all = f.bytes();
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        bo.write(Fixture.gzip(Arrays.copyOf(all, 400)));
        bo.write(Fixture.gzip(Arrays.copyOfRange(all, 400, all.length)));
        Path p = dir.resolve("multi.nii.gz");
        Files.write(p, bo.toByteArray());
        assertValues(f, NiftiReader.read(p));
    }

    @Test
    void readsNifti2FiveDimensional() throws IOException {
        Fixture f = new Fixture();
        f.version = 2;
        f.dims = new long[] { 3, 2, 2, 2, 3 };
        f.srow = new double[][] { { 0, 0, 1.25, -3 }, { -0.75, 0, 0, 4 }, { 0, 2, 0, 5 } };
        Volume v = NiftiReader.read(f.write(dir, "five.nii", false));
        assertEquals(2, v.header().version());
        assertArrayEquals(new long[] { 3, 2, 2, 2, 3 }, v.dimensions());
        assertArrayEquals(new long[] { 3, 2, 2, 2, 3 }, v.header().shape());
        assertValues(f, v);
        assertEquals("PSR", v.geometry().axisCodes());
        RandomAccess<? extends RealType<?>> ra = v.raw().randomAccess();
        ra.setPosition(new long[] { 2, 1, 0, 1, 2 });
        int flat = 2 + 3 * (1 + 2 * (0 + 2 * (1 + 2 * 2)));
        assertEquals(Fixture.doubleValue(16, flat), ra.get().getRealDouble());
    }

    @Test
    void appliesSlopeAndInterceptLikeNibabel() throws IOException {
        Fixture f = new Fixture();
        f.datatype = 4;
        f.slope = 2.5;
        f.inter = -3;
        Volume v = NiftiReader.read(f.write(dir, "s.nii", false));
        assertEquals(2.5, v.slope());
        assertEquals(-3, v.intercept());
        Cursor<?> c = Views.flatIterable(v.scaled()).cursor();
        for (int i = 0; c.hasNext(); i++) {
            assertEquals(Fixture.value(4, i) * 2.5 - 3, ((RealType<?>) c.next()).getRealDouble(), 0.0);
        }
        for (double none : new double[] { 0, Double.NaN, Double.POSITIVE_INFINITY }) {
            f.slope = none;
            Volume u = NiftiReader.read(f.write(dir, "u.nii", false));
            assertEquals(1, u.slope(), "slope " + none + " means unscaled");
            assertEquals(0, u.intercept());
        }
    }

    @Test
    void qformOnlyUsesTheQuaternionWithQfac() throws IOException {
        Fixture f = new Fixture();
        f.sformCode = 0;
        f.qformCode = 1;
        // 90 degrees about z: w = d = sqrt(1/2); qfac -1 flips the third column.
        f.quat = new double[] { 0, 0, Math.sqrt(0.5) };
        f.qoffset = new double[] { 1, 2, 3 };
        f.pixdim = new double[] { -1, 1.5, 2, 2.5, 1, 1, 1, 1 };
        Geometry g = NiftiReader.read(f.write(dir, "q.nii", false)).geometry();
        double[][] want = { { 0, -2, 0, 1 }, { 1.5, 0, 0, 2 }, { 0, 0, -2.5, 3 }, { 0, 0, 0, 1 } };
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(want[r], g.affine()[r], 1e-6, "row " + r);
        }
        assertEquals("ALI", g.axisCodes());
    }

    @Test
    void withoutFormsUsesTheCentredBaseAffine() throws IOException {
        Fixture f = new Fixture();
        f.sformCode = 0;
        f.qformCode = 0;
        Geometry g = NiftiReader.read(f.write(dir, "b.nii", false)).geometry();
        double[][] want = { { -1.5, 0, 0, 2.25 }, { 0, 2, 0, -2 }, { 0, 0, 2.5, -1.25 }, { 0, 0, 0, 1 } };
        assertTrue(Arrays.deepEquals(want, g.affine()), Arrays.deepToString(g.affine()));
    }

    @Test
    void appliesNibabelHeaderFixes() throws IOException {
        Fixture f = new Fixture();
        f.sformCode = 0;
        f.qformCode = 1;
        f.pixdim = new double[] { 0, -1.5, 0, 2.5, 1, 1, 1, 1 };
        f.voxOffset = 0;
        Volume v = NiftiReader.read(f.write(dir, "fix.nii", false));
        assertArrayEquals(new double[] { 1.5, 1, 2.5 }, v.header().zooms());
        double[][] want = { { 1.5, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 2.5, 0 }, { 0, 0, 0, 1 } };
        assertTrue(Arrays.deepEquals(want, v.geometry().affine()), Arrays.deepToString(v.geometry().affine()));
        assertValues(f, v);
    }

    @Test
    void readsRgb24AsThreeChannels() throws IOException {
        Fixture f = new Fixture();
        f.datatype = 128;
        f.dims = new long[] { 2, 2, 1 };
        Volume v = NiftiReader.read(f.write(dir, "rgb.nii", false));
        assertEquals(128, v.datatypeCode());
        assertArrayEquals(new long[] { 2, 2, 1, 3 }, v.dimensions());
        RandomAccess<? extends RealType<?>> ra = v.raw().randomAccess();
        for (int x = 0; x < 2; x++) {
            for (int y = 0; y < 2; y++) {
                for (int c = 0; c < 3; c++) {
                    ra.setPosition(new long[] { x, y, 0, c });
                    assertEquals(Fixture.value(128, 3 * (x + 2 * y) + c), (long) ra.get().getRealDouble());
                }
            }
        }
    }

    @Test
    void switchesToCellImgAboveTheArrayThreshold() throws IOException {
        Fixture f = new Fixture();
        f.datatype = 512;
        f.dims = new long[] { 4, 3, 5, 2 };
        Path p = f.write(dir, "c.nii.gz", false);
        Volume cells = new NiftiReader(7).open(p);
        assertInstanceOf(CellImg.class, cells.raw());
        assertValues(f, cells);
        Volume array = new NiftiReader(4 * 3 * 5 * 2).open(p);
        assertInstanceOf(ArrayImg.class, array.raw());
    }
}
