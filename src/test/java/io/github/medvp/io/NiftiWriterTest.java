package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

class NiftiWriterTest {

    @TempDir
    Path dir;

    static void assertSameVoxels(Volume a, Volume b) {
        assertArrayEquals(a.dimensions(), b.dimensions(), "dimensions");
        assertEquals(a.raw().getType().getClass(), b.raw().getType().getClass(), "type");
        Cursor<? extends RealType<?>> ca = Views.flatIterable(a.raw()).cursor();
        Cursor<? extends RealType<?>> cb = Views.flatIterable(b.raw()).cursor();
        while (ca.hasNext()) {
            assertEquals(NiftiReaderTest.exact(ca.next()), NiftiReaderTest.exact(cb.next()));
        }
    }

    @ParameterizedTest
    @CsvSource({ "2,1,LE,o.nii", "256,1,BE,o.nii.gz", "512,2,LE,o.hdr", "4,1,BE,o.img.gz", "768,1,LE,o.nii",
            "8,2,BE,o.nii", "1280,1,LE,o.nii.gz", "1024,2,BE,o.nii", "16,1,BE,o.hdr", "64,2,LE,o.nii",
            "128,1,LE,o.nii" })
    void roundTripIsLossless(int datatype, int version, String order, String out) throws IOException {
        Fixture f = new Fixture();
        f.datatype = datatype;
        f.version = version;
        f.order = order.equals("LE") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        f.qformCode = 2;
        f.quat = new double[] { 0.1, -0.2, 0.3 };
        f.qoffset = new double[] { 1.25, -2, 3 };
        f.slope = datatype == 128 ? 0 : 0.5;
        f.inter = datatype == 128 ? 0 : 7;
        Volume a = NiftiReader.read(f.write(dir, "in.nii", false));
        NiftiWriter.write(a, dir.resolve(out));
        Volume b = NiftiReader.read(dir.resolve(out));
        assertSameVoxels(a, b);
        assertEquals(a.geometry(), b.geometry(), "affine");
        NiftiHeader ha = a.header(), hb = b.header();
        assertTrue(Arrays.deepEquals(ha.qformAffine(), hb.qformAffine()), "qform");
        assertEquals(ha.qformCode(), hb.qformCode());
        assertEquals(ha.sformCode(), hb.sformCode());
        assertEquals(ha.datatype(), hb.datatype());
        assertEquals(ha.byteOrder(), hb.byteOrder());
        assertEquals(ha.version(), hb.version());
        assertEquals(a.slope(), b.slope());
        assertEquals(a.intercept(), b.intercept());
        assertEquals("fixture", hb.description());
    }

    @Test
    void writesCellImgVolumesWithoutChangingThem() throws IOException {
        Fixture f = new Fixture();
        f.datatype = 8;
        f.dims = new long[] { 4, 3, 5, 2 };
        Volume a = new NiftiReader(7).open(f.write(dir, "cells.nii", false));
        NiftiWriter.write(a, dir.resolve("out.nii.gz"));
        Volume b = NiftiReader.read(dir.resolve("out.nii.gz"));
        assertSameVoxels(a, b);
        NiftiReaderTest.assertValues(f, b);
    }

    @Test
    void writesReorientedVolumesWithTheirNewAffine() throws IOException {
        Fixture f = new Fixture();
        Volume a = NiftiReader.read(f.write(dir, "in.nii", false));
        Volume ras = Orientation.toRas(a);
        NiftiWriter.write(ras, dir.resolve("ras.nii.gz"));
        Volume b = NiftiReader.read(dir.resolve("ras.nii.gz"));
        assertEquals("RAS", b.geometry().axisCodes());
        assertEquals(ras.geometry(), b.geometry());
        assertEquals(1, b.header().sformCode());
        assertSameVoxels(ras.materialize(), b);
        // The qform written alongside describes the same grid.
        double[][] q = b.header().qformAffine();
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(ras.geometry().affine()[r], q[r], 1e-6);
        }
    }

    @Test
    void writesVolumesWithoutHeader() throws IOException {
        float[] data = new float[2 * 3 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.5f - 3;
        }
        Geometry g = new Geometry(new double[][] { { 0, -1, 0, 5 }, { 0, 0, 2, 6 }, { 3, 0, 0, 7 } });
        Volume a = new Volume(ArrayImgs.floats(data, 2, 3, 4), g);
        NiftiWriter.write(a, dir.resolve("new.nii"));
        Volume b = NiftiReader.read(dir.resolve("new.nii"));
        assertSameVoxels(a, b);
        assertEquals(g, b.geometry());
        assertEquals(2, b.header().sformCode());
        assertEquals(1, b.slope());
        assertEquals(352, Files.size(dir.resolve("new.nii")) - data.length * 4);
    }

    @Test
    void keepsFiveDimensionsAndWidensLongAxesToNifti2() throws IOException {
        Fixture f = new Fixture();
        f.version = 2;
        f.dims = new long[] { 3, 2, 2, 2, 3 };
        Volume a = NiftiReader.read(f.write(dir, "five.nii", false));
        NiftiWriter.write(a, dir.resolve("five.img.gz"));
        Volume b = NiftiReader.read(dir.resolve("five.hdr"));
        assertArrayEquals(new long[] { 3, 2, 2, 2, 3 }, b.header().shape());
        assertSameVoxels(a, b);

        Volume longRow = new Volume(ArrayImgs.unsignedShorts(40000, 1, 1), Geometry.ofSpacing(1, 1, 1));
        NiftiWriter.write(longRow, dir.resolve("long.nii"));
        Volume c = NiftiReader.read(dir.resolve("long.nii"));
        assertEquals(2, c.header().version(), "dim 40000 does not fit NIfTI-1's int16");
        assertArrayEquals(new long[] { 40000, 1, 1 }, c.dimensions());
    }

    @Test
    void refusesUnknownExtensions() {
        Volume a = new Volume(ArrayImgs.floats(2, 2, 2), Geometry.ofSpacing(1, 1, 1));
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> NiftiWriter.write(a, dir.resolve("x.tif")));
        assertTrue(e.getMessage().contains("x.tif"), e.getMessage());
    }

    @Test
    void filesFollowTheUmaskLikeEveryOtherOutputAndLeaveNoTemporaryFile() throws IOException {
        Volume a = new Volume(ArrayImgs.floats(2, 2, 2), Geometry.ofSpacing(1, 1, 1));
        Path out = Files.createDirectories(dir.resolve("out"));
        NiftiWriter.write(a, out.resolve("x_seg.nii.gz"));
        NiftiWriter.write(a, out.resolve("pair.hdr"));
        Path probe = Files.createFile(dir.resolve("probe"));
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            for (String name : new String[] {"x_seg.nii.gz", "pair.hdr", "pair.img"}) {
                assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(out.resolve(name)),
                        name);
            }
        }
        try (var list = Files.list(out)) {
            assertEquals(3, list.count());
        }
    }

    @Test
    void anOutputThatCannotBeWrittenNamesTheFileAndWhy() throws IOException {
        Volume a = new Volume(ArrayImgs.floats(2, 2, 2), Geometry.ofSpacing(1, 1, 1));
        Path notAFolder = Files.writeString(dir.resolve("predictions"), "a file");
        Path target = notAFolder.resolve("case1_seg.nii.gz");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> NiftiWriter.write(a, target));
        assertEquals("cannot write " + target + ": " + notAFolder + " is not a folder", e.getMessage());
    }
}
