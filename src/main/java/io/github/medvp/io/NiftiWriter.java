package io.github.medvp.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Writes volumes as {@code .nii}, {@code .nii.gz} or {@code .hdr}/{@code .img} (the {@code .img} gzipped when the
 * name ends in {@code .img.gz} or {@code .hdr.gz}).
 * <p>
 * The header the volume was read with is the template: version, byte order, datatype, scaling, intent, units,
 * description and, while the volume's affine is still the header's, the sform and qform fields verbatim, so
 * read→write→read gives bit-identical data and the identical affine. A changed affine is written as both sform
 * and qform, keeping the template's codes (sform code 2 "aligned" when there was none). Files appear atomically,
 * with the permissions the umask gives, and a failure names the file and the reason ({@link AtomicFiles}).
 */
public final class NiftiWriter {

    private static final int BUFFER = 1 << 20;

    private NiftiWriter() {
    }

    /** Writes {@code v} to {@code path}, the format chosen by the file name. */
    public static void write(Volume v, Path path) throws IOException {
        String name = path.getFileName().toString();
        String lower = name.toLowerCase();
        boolean pair = lower.endsWith(".hdr") || lower.endsWith(".hdr.gz") || lower.endsWith(".img")
                || lower.endsWith(".img.gz");
        if (!pair && !lower.endsWith(".nii") && !lower.endsWith(".nii.gz")) {
            throw new IOException(path + ": not a NIfTI file name (.nii, .nii.gz, .hdr, .img)");
        }
        NiftiDatatype type = datatype(v, path);
        NiftiHeader h = header(v, type, !pair);
        RandomAccessibleInterval<? extends RealType<?>> fileOrder = type.components() > 1
                ? Views.moveAxis(v.raw(), 3, 0) : v.raw();
        List<Object> arrays = arrays(fileOrder, type);
        ByteBuffer hb = ByteBuffer.allocate(h.size() + 4);
        h.write(hb);
        if (!pair) {
            writeAtomically(path, lower.endsWith(".gz"), out -> {
                out.write(hb.array());
                writeData(out, arrays, type, h.order);
            });
            return;
        }
        String stem = name.substring(0, name.length() - (lower.endsWith(".gz") ? 7 : 4));
        boolean gz = lower.endsWith(".gz");
        writeAtomically(path.resolveSibling(stem + ".hdr"), false, out -> out.write(hb.array(), 0, h.size()));
        writeAtomically(path.resolveSibling(stem + (gz ? ".img.gz" : ".img")), gz,
                out -> writeData(out, arrays, type, h.order));
    }

    private static NiftiDatatype datatype(Volume v, Path path) throws IOException {
        NiftiDatatype type = NiftiDatatype.forCode(v.datatypeCode());
        if (type == null) {
            throw new IOException(path + ": cannot store voxels of type "
                    + v.raw().getType().getClass().getSimpleName() + " in NIfTI");
        }
        return type;
    }

    /** The header to write: the template with shape, type, scaling and (if changed) geometry updated. */
    static NiftiHeader header(Volume v, NiftiDatatype type, boolean singleFile) {
        NiftiHeader tmpl = v.header();
        NiftiHeader h = tmpl == null ? new NiftiHeader() : tmpl;
        long[] dims = v.dimensions();
        if (type.components() > 1) {
            long[] d = new long[dims.length - 1];
            for (int i = 0, o = 0; i < dims.length; i++) {
                if (i != 3) {
                    d[o++] = dims[i];
                }
            }
            dims = d;
        }
        // Trailing size-1 axes are padding unless the template had them (nibabel keeps dim[0] as stored).
        int nd = dims.length;
        int minNd = tmpl != null && tmpl.ndim() < 3 ? tmpl.ndim() : 3;
        while (nd > minNd && dims[nd - 1] == 1 && (tmpl == null || nd > tmpl.ndim())) {
            nd--;
        }
        long[] oldDim = h.dim.clone();
        Arrays.fill(h.dim, 0);
        h.dim[0] = nd;
        boolean wide = false;
        for (int i = 0; i < nd; i++) {
            h.dim[i + 1] = dims[i];
            wide |= dims[i] > Short.MAX_VALUE;
        }
        for (int i = nd + 1; i < 8; i++) {
            h.dim[i] = 1;
        }
        if (wide) {
            h.version = 2;
        }
        h.singleFile = singleFile;
        h.voxOffset = singleFile ? h.size() + 4 : 0;
        h.datatype = type.code();
        h.bitpix = type.bitpix();
        if (v.isScaled()) {
            h.sclSlope = v.slope();
            h.sclInter = v.intercept();
        } else if (tmpl == null || (tmpl.sclSlope != 0 && Double.isFinite(tmpl.sclSlope))) {
            // Keep a template's "no scaling" (0 or NaN) as it was; otherwise say so explicitly.
            h.sclSlope = tmpl == null ? 0 : 1;
            h.sclInter = 0;
        }
        double[][] affine = v.geometry().affine();
        boolean sameShape = Arrays.equals(oldDim, 0, nd + 1, h.dim, 0, nd + 1);
        if (tmpl == null || !sameShape || !Arrays.deepEquals(tmpl.bestAffine(), affine)) {
            int scode = tmpl != null && tmpl.sformCode > 0 ? tmpl.sformCode : 2;
            int qcode = tmpl != null && tmpl.qformCode > 0 ? tmpl.qformCode : 0;
            h.setAffine(affine, qcode, scode);
        }
        return h;
    }

    /** The primitive arrays holding {@code img} in file order, copying only when it is not such a container. */
    private static List<Object> arrays(RandomAccessibleInterval<? extends RealType<?>> img, NiftiDatatype type) {
        List<Object> arrays = Images.fileOrderArrays(img);
        if (arrays != null) {
            return arrays;
        }
        arrays = new ArrayList<>();
        RandomAccessibleInterval<? extends RealType<?>> copy = Images.allocate(type, img.dimensionsAsLongArray(),
                NiftiReader.MAX_ARRAY_LENGTH, arrays);
        Images.copy(Views.zeroMin(img), copy);
        return arrays;
    }

    private static void writeData(OutputStream out, List<Object> arrays, NiftiDatatype type, ByteOrder order)
            throws IOException {
        int bpc = type.bytesPerComponent();
        byte[] buf = new byte[BUFFER];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(order);
        for (Object array : arrays) {
            int length = java.lang.reflect.Array.getLength(array);
            if (bpc == 1) {
                out.write((byte[]) array, 0, length);
                continue;
            }
            for (int off = 0; off < length;) {
                int n = Math.min(length - off, BUFFER / bpc);
                bb.clear();
                type.encode(array, off, n, bb);
                out.write(buf, 0, n * bpc);
                off += n;
            }
        }
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    private static void writeAtomically(Path target, boolean gzip, Body body) throws IOException {
        AtomicFiles.writeStream(target, out -> {
            if (!gzip) {
                body.write(out);
                return;
            }
            try (GZIPOutputStream z = new GZIPOutputStream(out, 1 << 16)) {
                body.write(z);
            }
        });
    }
}
