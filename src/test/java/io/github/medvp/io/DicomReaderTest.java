package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.plugin.DICOM;
import net.imglib2.RandomAccess;
import net.imglib2.type.numeric.RealType;

class DicomReaderTest {

    @TempDir
    Path dir;

    static Path sharedDicom() {
        Path d = Paths.get(System.getProperty("medvp.shared", "../shared"), "data", "dicom");
        Assumptions.assumeTrue(Files.isRegularFile(d.resolve("0.dcm")),
                "../shared not found: " + d.toAbsolutePath() + " (DICOM slices); skipping");
        return d;
    }

    @Test
    void readsTheSeriesWithRasGeometry() throws IOException {
        Path src = sharedDicom();
        // Names in the opposite order of the slice positions: sorting must follow the geometry.
        Files.copy(src.resolve("0.dcm"), dir.resolve("b.dcm"));
        Files.copy(src.resolve("1.dcm"), dir.resolve("a.dcm"));
        Volume v = DicomReader.read(dir);
        assertArrayEquals(new long[] { 256, 256, 2 }, v.dimensions());
        double[][] a = v.geometry().affine();
        // IPP (-805, -825.019119, -75.097641) LPS -> RAS; IOP rows (1,0,0), cols (0,0.999986,-0.005236).
        assertArrayEquals(new double[] { -1.796875, 0, 0, 805 }, a[0], 1e-9);
        assertArrayEquals(new double[] { 0, -0.999986 * 1.796875, 0, 825.019119 }, a[1], 1e-9);
        assertArrayEquals(new double[] { 0, -0.005236 * 1.796875, 3, -75.097641 }, a[2], 1e-9);
        assertEquals("LPS", v.geometry().axisCodes());
        assertArrayEquals(new double[] { 1.796875, 1.796875, 3 }, v.geometry().spacing(), 1e-5);

        DICOM first = new DICOM();
        first.open(src.resolve("0.dcm").toString());
        DICOM second = new DICOM();
        second.open(src.resolve("1.dcm").toString());
        RandomAccess<? extends RealType<?>> ra = v.raw().randomAccess();
        int checked = 0;
        for (int y = 0; y < 256; y += 17) {
            for (int x = 0; x < 256; x += 13) {
                ra.setPosition(new int[] { x, y, 0 });
                assertEquals(first.getProcessor().getPixelValue(x, y), ra.get().getRealDouble() * v.slope() + v.intercept());
                ra.setPosition(new int[] { x, y, 1 });
                assertEquals(second.getProcessor().getPixelValue(x, y), ra.get().getRealDouble() * v.slope() + v.intercept());
                checked++;
            }
        }
        assertTrue(checked > 100);
        assertTrue(VolumeInspector.statistics(v)[1] > 0, "not blank");
    }

    @Test
    void refusesFoldersWithoutDicom() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        IOException e = assertThrows(IOException.class, () -> DicomReader.read(dir));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThrows(IOException.class, () -> DicomReader.read(empty));
    }
}
