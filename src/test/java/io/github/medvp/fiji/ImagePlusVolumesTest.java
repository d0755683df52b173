package io.github.medvp.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import ij.process.ShortProcessor;
import io.github.medvp.MedvpException;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.Volume;
import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImagePlusVolumesTest {

    private static float at(Volume v, long... pos) {
        RandomAccess<FloatType> ra = v.floatView().randomAccess();
        ra.setPosition(pos);
        return ra.get().get();
    }

    @Test
    void hyperstackBecomesXyzcWithCalibration() {
        // 3x2 pixels, 2 channels, 4 slices; pixel value encodes (x, y, c, z).
        ImageStack stack = new ImageStack(3, 2);
        for (int z = 0; z < 4; z++) {
            for (int c = 0; c < 2; c++) {
                ShortProcessor sp = new ShortProcessor(3, 2);
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 3; x++) {
                        sp.set(x, y, 1000 * c + 100 * z + 10 * y + x);
                    }
                }
                stack.addSlice(sp);
            }
        }
        ImagePlus imp = new ImagePlus("t", stack);
        imp.setDimensions(2, 4, 1);
        imp.getCalibration().pixelWidth = 0.5;
        imp.getCalibration().pixelHeight = 0.25;
        imp.getCalibration().pixelDepth = 0.2;
        imp.getCalibration().setUnit("cm");
        imp.getCalibration().xOrigin = 2;
        Volume v = ImagePlusVolumes.toVolume(imp);
        assertArrayEquals(new long[] {3, 2, 4, 2}, v.dimensions());
        assertEquals(1000 + 300 + 10 + 2, at(v, 2, 1, 3, 1));
        assertEquals(201, at(v, 1, 0, 2, 0));
        assertArrayEquals(new double[] {5, 2.5, 2}, v.geometry().spacing(), 1e-12, "cm converted to mm");
        assertEquals(-10, v.geometry().get(0, 3), 1e-12, "origin of 2 pixels at 5 mm");
        assertEquals("RAS", v.geometry().axisCodes());
    }

    @Test
    void rgbBecomesThreeChannels() {
        ColorProcessor cp = new ColorProcessor(2, 1);
        cp.set(0, 0, (10 << 16) | (20 << 8) | 30);
        Volume v = ImagePlusVolumes.toVolume(new ImagePlus("rgb", cp));
        assertArrayEquals(new long[] {2, 1, 1, 3}, v.dimensions());
        assertEquals(10, at(v, 0, 0, 0, 0));
        assertEquals(20, at(v, 0, 0, 0, 1));
        assertEquals(30, at(v, 0, 0, 0, 2));
    }

    @Test
    void volumesRoundTripWithTheirAffine() {
        Geometry lps = new Geometry(new double[][] {{-1.2, 0, 0.1, 90}, {0, -0.9, 0, 120}, {0, 0, 1.5, -60},
            {0, 0, 0, 1}});
        float[] data = new float[4 * 3 * 2 * 2];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.5f;
        }
        Volume v = new Volume(ArrayImgs.floats(data, 4, 3, 2, 2), lps, 2, 1, null);
        ImagePlus imp = ImagePlusVolumes.toImagePlus(v, "back");
        assertEquals(2, imp.getNChannels());
        assertEquals(2, imp.getNSlices());
        assertEquals("mm", imp.getCalibration().getUnit());
        Volume back = ImagePlusVolumes.toVolume(imp);
        assertEquals(lps, back.geometry());
        assertArrayEquals(v.dimensions(), back.dimensions());
        assertEquals(at(v, 3, 2, 1, 1), at(back, 3, 2, 1, 1));
        assertEquals(data[data.length - 1] * 2 + 1, at(back, 3, 2, 1, 1));
    }

    @Test
    void refusesTimeSeriesAndUnknownUnits() {
        ImageStack stack = new ImageStack(2, 2);
        stack.addSlice(new ShortProcessor(2, 2));
        stack.addSlice(new ShortProcessor(2, 2));
        ImagePlus imp = new ImagePlus("movie", stack);
        imp.setDimensions(1, 1, 2);
        assertThrows(MedvpException.class, () -> ImagePlusVolumes.toVolume(imp));
        ImagePlus inch = new ImagePlus("inch", new ShortProcessor(2, 2));
        inch.getCalibration().setUnit("inch");
        MedvpException e = assertThrows(MedvpException.class, () -> ImagePlusVolumes.toVolume(inch));
        assertEquals("image calibration unit 'inch' is not a length MedVP knows; set it to mm with "
                + "Image > Properties", e.getMessage());
    }
}
