package io.github.medvp.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.github.medvp.MedvpException;
import net.imglib2.Cursor;
import net.imglib2.RandomAccess;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * The {@code inspect} pipeline: what nibabel would say about a volume (shape, datatype, zooms, affine, axis codes,
 * statistics of the scaled data in double, values at given voxels), as stored or after reorientation to RAS.
 * <p>
 * Statistics follow numpy: a NaN anywhere makes min, max, mean and sum NaN.
 */
public final class VolumeInspector {

    private VolumeInspector() {
    }

    /** A value at a voxel index. */
    public static final class Sample {
        public final long[] index;
        public final double value;

        Sample(long[] index, double value) {
            this.index = index;
            this.value = value;
        }
    }

    /** The result of an inspection; plain data with text and JSON renderings. */
    public static final class Report {
        public final String file;
        public final long[] shape;
        public final int datatype;
        public final double[] zooms;
        public final double[][] affine;
        public final String axcodes;
        public final double min, max, mean, sum;
        public final List<Sample> samples;

        Report(String file, long[] shape, int datatype, double[] zooms, double[][] affine, String axcodes,
                double[] stats, List<Sample> samples) {
            this.file = file;
            this.shape = shape;
            this.datatype = datatype;
            this.zooms = zooms;
            this.affine = affine;
            this.axcodes = axcodes;
            this.min = stats[0];
            this.max = stats[1];
            this.mean = stats[2];
            this.sum = stats[3];
            this.samples = samples;
        }

        /**
         * The report in the named format.
         *
         * @param format {@code text} or {@code json}
         * @throws MedvpException naming the {@code format} setting for anything else
         */
        public String render(String format) {
            if ("text".equalsIgnoreCase(format)) {
                return toText();
            }
            if ("json".equalsIgnoreCase(format)) {
                return toJson();
            }
            throw new MedvpException("format: '" + format + "' is not one of text, json");
        }

        /** Aligned {@code key : value} lines. */
        public String toText() {
            StringBuilder sb = new StringBuilder();
            line(sb, "file", file);
            line(sb, "shape", join(shape));
            line(sb, "datatype", String.valueOf(datatype));
            line(sb, "zooms", join(zooms));
            for (int r = 0; r < 4; r++) {
                line(sb, r == 0 ? "affine" : "", join(affine[r]));
            }
            line(sb, "axcodes", axcodes);
            line(sb, "min", num(min));
            line(sb, "max", num(max));
            line(sb, "mean", num(mean));
            line(sb, "sum", num(sum));
            for (Sample s : samples) {
                line(sb, "value" + Arrays.toString(s.index), num(s.value));
            }
            return sb.toString();
        }

        /** JSON with the keys of nibabel's reading in {@code expected.json}. */
        public String toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("file", file);
            o.add("shape", array(shape));
            o.addProperty("datatype", datatype);
            o.add("zooms", array(zooms));
            JsonArray aff = new JsonArray();
            for (double[] row : affine) {
                aff.add(array(row));
            }
            o.add("affine", aff);
            o.addProperty("axcodes", axcodes);
            o.addProperty("min", min);
            o.addProperty("max", max);
            o.addProperty("mean", mean);
            o.addProperty("sum", sum);
            JsonArray ss = new JsonArray();
            for (Sample s : samples) {
                JsonObject so = new JsonObject();
                so.add("index", array(s.index));
                so.addProperty("value", s.value);
                ss.add(so);
            }
            o.add("samples", ss);
            return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(o);
        }

        private static void line(StringBuilder sb, String key, String value) {
            sb.append(String.format(Locale.ROOT, "%-16s %s%n", key.isEmpty() ? "" : key + ":", value));
        }

        private static String join(long[] a) {
            StringBuilder sb = new StringBuilder();
            for (long v : a) {
                sb.append(sb.length() == 0 ? "" : " ").append(v);
            }
            return sb.toString();
        }

        private static String join(double[] a) {
            StringBuilder sb = new StringBuilder();
            for (double v : a) {
                sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%12s", num(v)));
            }
            return sb.toString();
        }

        private static String num(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) + ".0" : String.valueOf(v);
        }

        private static JsonArray array(long[] a) {
            JsonArray j = new JsonArray();
            for (long v : a) {
                j.add(v);
            }
            return j;
        }

        private static JsonArray array(double[] a) {
            JsonArray j = new JsonArray();
            for (double v : a) {
                j.add(v);
            }
            return j;
        }
    }

    /**
     * Reads and inspects a NIfTI file, or a DICOM series (a folder or a {@code .dcm} file).
     *
     * @param indices {@code "i,j,k[,t];..."} or {@code null}/blank for none
     * @throws MedvpException for a malformed or out-of-range index
     */
    public static Report inspect(Path file, boolean ras, String indices) throws IOException {
        List<long[]> idx = parseIndices(indices);
        boolean dicom = java.nio.file.Files.isDirectory(file) || file.toString().toLowerCase().endsWith(".dcm");
        return inspect(dicom ? DicomReader.read(file) : NiftiReader.read(file), file.toString(), ras, idx);
    }

    /** Inspects a volume, after RAS reorientation when {@code ras}. */
    public static Report inspect(Volume volume, String name, boolean ras, List<long[]> indices) {
        Volume v = volume;
        if (ras) {
            try {
                v = Orientation.toRas(volume);
            } catch (IllegalArgumentException e) {
                throw new MedvpException("ras: " + name + " has an affine axis without direction ("
                        + volume.geometry().axisCodes() + "), so it has no RAS orientation; use ras=false");
            }
        }
        long[] dims = v.dimensions();
        NiftiHeader h = v.header();
        int nd = h == null ? dims.length : Math.max(3, Math.min(dims.length, h.ndim()));
        long[] shape = Arrays.copyOf(dims, nd);
        List<Sample> samples = new ArrayList<>();
        RandomAccess<? extends RealType<?>> ra = v.raw().randomAccess();
        for (long[] index : indices) {
            long[] pos = position(index, dims);
            ra.setPosition(pos);
            samples.add(new Sample(index, ra.get().getRealDouble() * v.slope() + v.intercept()));
        }
        return new Report(name, shape, v.datatypeCode(), zooms(v, nd), v.geometry().affine(),
                v.geometry().axisCodes(), statistics(v), samples);
    }

    /**
     * nibabel's {@code get_zooms()}: pixdim as stored while the affine is the header's; after reorientation the
     * header is rewritten from the new affine, so spatial zooms become its column norms at the header's precision.
     */
    static double[] zooms(Volume v, int nd) {
        NiftiHeader h = v.header();
        double[] z = new double[nd];
        if (h != null && Arrays.deepEquals(h.bestAffine(), v.geometry().affine())) {
            for (int i = 0; i < nd; i++) {
                z[i] = i < h.ndim() ? h.pixdim[i + 1] : 1;
            }
            return z;
        }
        double[] s = v.geometry().spacing();
        for (int i = 0; i < nd; i++) {
            z[i] = i < 3 ? s[i] : h != null ? h.pixdim[i + 1] : 1;
            if (i < 3 && h != null && h.version == 1) {
                z[i] = (float) z[i];
            }
        }
        return z;
    }

    /** {min, max, mean, sum} of the scaled values; NaN-propagating like numpy, compensated summation. */
    public static double[] statistics(Volume v) {
        double s = v.slope(), b = v.intercept();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        double sum = 0, comp = 0, naive = 0;
        boolean nan = false;
        long n = 0;
        Cursor<? extends RealType<?>> c = Views.flatIterable(v.raw()).cursor();
        while (c.hasNext()) {
            double x = c.next().getRealDouble() * s + b;
            if (x != x) {
                nan = true;
                continue;
            }
            min = Math.min(min, x);
            max = Math.max(max, x);
            naive += x;
            double t = sum + x;
            comp += Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
            sum = t;
            n++;
        }
        if (nan) {
            return new double[] { Double.NaN, Double.NaN, Double.NaN, Double.NaN };
        }
        double total = Double.isFinite(naive) ? sum + comp : naive;
        return new double[] { min, max, total / n, total };
    }

    /**
     * Parses {@code "i,j,k[,t];..."}.
     *
     * @throws MedvpException naming the {@code index} setting when malformed
     */
    public static List<long[]> parseIndices(String spec) {
        List<long[]> out = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String part : spec.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            String[] f = part.trim().split(",");
            if (f.length < 3 || f.length > 7) {
                throw new MedvpException("index: '" + part.trim() + "' needs 3 to 7 comma-separated voxel "
                        + "coordinates, e.g. index=10,20,30;0,0,0");
            }
            long[] idx = new long[f.length];
            for (int i = 0; i < f.length; i++) {
                try {
                    idx[i] = Long.parseLong(f[i].trim());
                } catch (NumberFormatException e) {
                    throw new MedvpException("index: '" + f[i].trim() + "' in '" + part.trim()
                            + "' is not an integer voxel coordinate");
                }
            }
            out.add(idx);
        }
        return out;
    }

    private static long[] position(long[] index, long[] dims) {
        long[] pos = new long[dims.length];
        for (int d = 0; d < dims.length; d++) {
            if (d < index.length) {
                pos[d] = index[d];
            } else if (dims[d] != 1) {
                throw new MedvpException("index: " + Arrays.toString(index) + " has " + index.length
                        + " coordinates but the image has shape " + Arrays.toString(dims));
            }
            if (pos[d] < 0 || pos[d] >= dims[d]) {
                throw new MedvpException("index: " + Arrays.toString(index) + " lies outside the image of shape "
                        + Arrays.toString(dims));
            }
        }
        for (int d = dims.length; d < index.length; d++) {
            if (index[d] != 0) {
                throw new MedvpException("index: " + Arrays.toString(index) + " has more coordinates than the image"
                        + " has axes (" + dims.length + ")");
            }
        }
        return pos;
    }
}
