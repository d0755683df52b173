package io.github.medvp.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import io.github.medvp.MedvpException;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.Volume;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;

import java.util.Locale;

/**
 * Converts between images open in Fiji ({@link ImagePlus}) and MedVP {@link Volume}s.
 * <p>
 * ImageJ keeps only spacing and origin, not orientation. A volume MedVP shows carries its full affine in the image
 * property {@value #AFFINE_PROPERTY}, so it round-trips exactly; any other image is taken with its voxel axes as
 * R, A, S and its calibration as spacing (in mm; other length units are converted).
 */
public final class ImagePlusVolumes {

    /** Image property holding the 4x4 voxel-to-world affine, 16 numbers row by row. */
    public static final String AFFINE_PROPERTY = "medvp.affine";

    private ImagePlusVolumes() {
    }

    /**
     * Copies an image into a float volume with axes X, Y, Z[, C]; RGB images become 3 channels. Time points beyond
     * the first are refused (MedVP models take one time point).
     */
    public static Volume toVolume(ImagePlus imp) {
        int w = imp.getWidth();
        int h = imp.getHeight();
        int c = imp.getNChannels();
        int z = imp.getNSlices();
        if (imp.getNFrames() > 1) {
            throw new MedvpException("image '" + imp.getTitle() + "' has " + imp.getNFrames()
                    + " time points; MedVP takes one (use Image > Duplicate to pick one)");
        }
        boolean rgb = imp.getType() == ImagePlus.COLOR_RGB;
        int channels = rgb ? 3 * c : c;
        long plane = (long) w * h;
        if (plane * z * channels > Integer.MAX_VALUE) {
            throw new MedvpException("image '" + imp.getTitle() + "' is too large to copy into one array");
        }
        float[] data = new float[(int) (plane * z * channels)];
        ImageStack stack = imp.getStack();
        for (int ci = 0; ci < c; ci++) {
            for (int zi = 0; zi < z; zi++) {
                int index = imp.getStackIndex(ci + 1, zi + 1, 1);
                if (rgb) {
                    ColorProcessor cp = (ColorProcessor) stack.getProcessor(index);
                    int[] px = (int[]) cp.getPixels();
                    for (int k = 0; k < 3; k++) {
                        int base = (int) (((long) (3 * ci + k) * z + zi) * plane);
                        int shift = 16 - 8 * k;
                        for (int i = 0; i < px.length; i++) {
                            data[base + i] = (px[i] >> shift) & 0xff;
                        }
                    }
                } else {
                    // Calibrated values (e.g. Hounsfield units from a DICOM's rescale), as ImageJ displays them.
                    float[] px = (float[]) stack.getProcessor(index).convertToFloatProcessor().getPixels();
                    float[] table = imp.getCalibration().getCTable();
                    int base = (int) (((long) ci * z + zi) * plane);
                    if (table != null && imp.getBitDepth() != 32) {
                        for (int i = 0; i < px.length; i++) {
                            data[base + i] = table[(int) px[i]];
                        }
                    } else {
                        System.arraycopy(px, 0, data, base, px.length);
                    }
                }
            }
        }
        long[] dims = channels > 1 ? new long[] {w, h, z, channels} : new long[] {w, h, z};
        return new Volume(ArrayImgs.floats(data, dims), geometry(imp));
    }

    /** The image's geometry: the stored MedVP affine, or the calibration with R, A, S voxel axes. */
    public static Geometry geometry(ImagePlus imp) {
        Object stored = imp.getProperty(AFFINE_PROPERTY);
        if (stored != null) {
            String[] parts = stored.toString().trim().split("[,\\s]+");
            if (parts.length == 16) {
                double[][] a = new double[4][4];
                for (int i = 0; i < 16; i++) {
                    a[i / 4][i % 4] = Double.parseDouble(parts[i]);
                }
                return new Geometry(a);
            }
        }
        Calibration cal = imp.getCalibration();
        double mm = millimetresPerUnit(cal.getUnit());
        double sx = cal.pixelWidth * mm;
        double sy = cal.pixelHeight * mm;
        double sz = cal.pixelDepth * mm;
        return new Geometry(new double[][] {{sx, 0, 0, -cal.xOrigin * sx}, {0, sy, 0, -cal.yOrigin * sy},
            {0, 0, sz, -cal.zOrigin * sz}, {0, 0, 0, 1}});
    }

    /**
     * Shows a volume (X, Y, Z[, C]) as a float hyperstack with its spacing in mm and its affine as a property, so
     * {@link #toVolume} gives the same geometry back.
     */
    public static ImagePlus toImagePlus(Volume v, String title) {
        RandomAccessibleInterval<? extends RealType<?>> raw = v.raw();
        int n = raw.numDimensions();
        int w = (int) raw.dimension(0);
        int h = (int) raw.dimension(1);
        int z = n > 2 ? (int) raw.dimension(2) : 1;
        int c = n > 3 ? (int) raw.dimension(3) : 1;
        ImageStack stack = new ImageStack(w, h);
        RandomAccess<? extends RealType<?>> ra = raw.randomAccess();
        double s = v.slope();
        double b = v.intercept();
        long[] pos = new long[n];
        for (int zi = 0; zi < z; zi++) {
            for (int ci = 0; ci < c; ci++) {
                float[] px = new float[w * h];
                if (n > 2) {
                    pos[2] = zi;
                }
                if (n > 3) {
                    pos[3] = ci;
                }
                for (int y = 0; y < h; y++) {
                    pos[1] = y;
                    for (int x = 0; x < w; x++) {
                        pos[0] = x;
                        ra.setPosition(pos);
                        px[y * w + x] = (float) (ra.get().getRealDouble() * s + b);
                    }
                }
                stack.addSlice(new FloatProcessor(w, h, px));
            }
        }
        ImagePlus imp = new ImagePlus(title, stack);
        imp.setDimensions(c, z, 1);
        if (c > 1) {
            imp.setOpenAsHyperStack(true);
        }
        double[] spacing = v.geometry().spacing();
        Calibration cal = imp.getCalibration();
        cal.pixelWidth = spacing[0];
        cal.pixelHeight = spacing[1];
        cal.pixelDepth = spacing[2];
        cal.setUnit("mm");
        double[][] a = v.geometry().affine();
        StringBuilder sb = new StringBuilder();
        for (double[] row : a) {
            for (double x : row) {
                sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.17g", x));
            }
        }
        imp.setProperty(AFFINE_PROPERTY, sb.toString());
        imp.resetDisplayRange();
        return imp;
    }

    private static double millimetresPerUnit(String unit) {
        String u = unit == null ? "" : unit.trim().toLowerCase(Locale.ROOT);
        switch (u) {
            case "mm": case "millimeter": case "millimetre": case "millimeters": case "millimetres":
            case "pixel": case "pixels": case "": case " ":
                return 1;
            case "cm": case "centimeter": case "centimetre":
                return 10;
            case "m": case "meter": case "metre":
                return 1000;
            case "um": case "µm": case "micron": case "microns": case "micrometer": case "micrometre":
                return 1e-3;
            case "nm":
                return 1e-6;
            default:
                throw new MedvpException("image calibration unit '" + unit + "' is not a length MedVP knows; set "
                        + "it to mm with Image > Properties");
        }
    }
}
