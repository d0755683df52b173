package io.github.medvp.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ij.measure.Calibration;
import ij.plugin.DICOM;
import ij.util.DicomTools;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

/**
 * Reads a DICOM series (a folder of single-slice files, or one file) through ImageJ 1's DICOM decoder into a
 * {@link Volume}.
 * <p>
 * Slices are ordered by their position along the slice normal. Geometry comes from ImagePositionPatient,
 * ImageOrientationPatient and PixelSpacing, converted from DICOM's LPS world to NIfTI's RAS: voxel X runs along
 * the rows (row cosine times column spacing), Y down the columns, Z from the first slice position to the last.
 * Stored values and the linear calibration ImageJ derives (rescale slope/intercept, signed offset) are kept as
 * raw data plus slope/intercept.
 */
public final class DicomReader {

    private DicomReader() {
    }

    /** Reads the series in {@code path} (a folder) or the single slice {@code path}. */
    public static Volume read(Path path) throws IOException {
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                        .sorted().collect(Collectors.toList());
            }
        } else if (Files.isRegularFile(path)) {
            files = List.of(path);
        } else {
            throw new IOException(path + ": no such file or folder");
        }
        if (files.isEmpty()) {
            throw new IOException(path + ": folder holds no DICOM files");
        }
        List<Slice> slices = new ArrayList<>();
        for (Path f : files) {
            slices.add(Slice.open(f));
        }
        Slice first = slices.get(0);
        double[] normal = cross(first.row, first.col);
        slices.sort(Comparator.comparingDouble(s -> dot(s.position, normal)));
        first = slices.get(0);
        for (Slice s : slices) {
            if (s.width != first.width || s.height != first.height || s.bitDepth != first.bitDepth) {
                throw new IOException(s.file + ": slice size or depth differs from " + first.file);
            }
        }
        int n = slices.size();
        double[] step;
        if (n > 1) {
            Slice last = slices.get(n - 1);
            step = new double[3];
            for (int i = 0; i < 3; i++) {
                step[i] = (last.position[i] - first.position[i]) / (n - 1);
            }
        } else {
            step = new double[] { normal[0] * first.thickness, normal[1] * first.thickness, normal[2] * first.thickness };
        }
        double[][] affine = new double[3][4];
        for (int r = 0; r < 3; r++) {
            // LPS -> RAS: negate the x and y rows.
            double sign = r < 2 ? -1 : 1;
            affine[r][0] = sign * first.row[r] * first.colSpacing;
            affine[r][1] = sign * first.col[r] * first.rowSpacing;
            affine[r][2] = sign * step[r];
            affine[r][3] = sign * first.position[r];
        }
        NiftiDatatype type = first.bitDepth == 8 ? NiftiDatatype.UINT8
                : first.bitDepth == 16 ? NiftiDatatype.UINT16 : NiftiDatatype.FLOAT32;
        int plane = first.width * first.height;
        long[] dims = { first.width, first.height, n };
        List<Object> arrays = new ArrayList<>();
        RandomAccessibleInterval<? extends RealType<?>> img = Images.allocate(type, dims, NiftiReader.MAX_ARRAY_LENGTH,
                arrays);
        for (int k = 0; k < n; k++) {
            System.arraycopy(slices.get(k).pixels, 0, arrays.get(0), k * plane, plane);
        }
        return new Volume(img, new Geometry(affine), first.slope, first.intercept, null);
    }

    /** One decoded file with the tags the geometry needs. */
    private static final class Slice {
        Path file;
        int width, height, bitDepth;
        Object pixels;
        double[] position, row, col;
        double rowSpacing, colSpacing, thickness;
        double slope = 1, intercept = 0;

        static Slice open(Path f) throws IOException {
            DICOM d = new DICOM();
            d.open(f.toString());
            if (d.getWidth() == 0 || d.getProcessor() == null) {
                throw new IOException(f + ": not a DICOM image ImageJ can read");
            }
            if (d.getStackSize() != 1 || d.getBitDepth() == 24) {
                throw new IOException(f + ": multi-frame or colour DICOM is not supported");
            }
            Slice s = new Slice();
            s.file = f;
            s.width = d.getWidth();
            s.height = d.getHeight();
            s.bitDepth = d.getBitDepth();
            s.pixels = d.getProcessor().getPixels();
            s.position = numbers(d, f, "0020,0032", "ImagePositionPatient", 3);
            double[] iop = numbers(d, f, "0020,0037", "ImageOrientationPatient", 6);
            s.row = new double[] { iop[0], iop[1], iop[2] };
            s.col = new double[] { iop[3], iop[4], iop[5] };
            double[] ps = numbers(d, f, "0028,0030", "PixelSpacing", 2);
            s.rowSpacing = ps[0];
            s.colSpacing = ps[1];
            String th = DicomTools.getTag(d, "0018,0050");
            s.thickness = th == null ? 1 : parse(th.trim(), f, "SliceThickness");
            Calibration cal = d.getCalibration();
            if (cal.getFunction() == Calibration.STRAIGHT_LINE && cal.getCoefficients() != null) {
                s.intercept = cal.getCoefficients()[0];
                s.slope = cal.getCoefficients()[1];
            }
            return s;
        }

        private static double[] numbers(DICOM d, Path f, String tag, String name, int count) throws IOException {
            String v = DicomTools.getTag(d, tag);
            if (v == null) {
                throw new IOException(f + ": missing " + name + " (" + tag + ")");
            }
            String[] parts = v.trim().split("\\\\");
            if (parts.length != count) {
                throw new IOException(f + ": " + name + " needs " + count + " values, has '" + v.trim() + "'");
            }
            double[] out = new double[count];
            for (int i = 0; i < count; i++) {
                out[i] = parse(parts[i].trim(), f, name);
            }
            return out;
        }

        private static double parse(String s, Path f, String name) throws IOException {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IOException(f + ": bad " + name + " value '" + s + "'");
            }
        }
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] { a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0] };
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }
}
