package io.github.medvp.io;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.cell.CellImg;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Reads NIfTI-1 and NIfTI-2 images: {@code .nii}, {@code .nii.gz}, and {@code .hdr}/{@code .img} pairs (either
 * part may be gzipped), both byte orders, the datatypes of {@link NiftiDatatype}.
 * <p>
 * Voxels stream from the (decompressing) file straight into the image's arrays through a small buffer; sizes are
 * checked against the file before anything large is allocated, so a damaged or hostile file gives an
 * {@link IOException} naming the file and the problem, never an {@code OutOfMemoryError}.
 */
public final class NiftiReader {

    /** Largest Java array MedVP allocates; bigger images become {@link CellImg}s. */
    public static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    /** Deflate cannot expand data by more than about 1032:1, so a longer declared size means a damaged file. */
    private static final long MAX_GZIP_RATIO = 1032;

    private static final int BUFFER = 1 << 20;

    private final long maxArrayLength;

    /** A reader that uses {@code ArrayImg}s up to {@link #MAX_ARRAY_LENGTH} elements. */
    public NiftiReader() {
        this(MAX_ARRAY_LENGTH);
    }

    /** A reader switching to {@code CellImg}s (cells of at most this many elements) above {@code maxArrayLength}. */
    public NiftiReader(long maxArrayLength) {
        if (maxArrayLength < 1 || maxArrayLength > MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException("maxArrayLength out of range: " + maxArrayLength);
        }
        this.maxArrayLength = maxArrayLength;
    }

    /** Reads a volume with a default reader. */
    public static Volume read(Path path) throws IOException {
        return new NiftiReader().open(path);
    }

    /** True for names this reader handles: .nii, .nii.gz, .hdr(.gz), .img(.gz). */
    public static boolean isNiftiName(String name) {
        String n = name.toLowerCase();
        return n.endsWith(".nii") || n.endsWith(".nii.gz") || n.endsWith(".hdr") || n.endsWith(".hdr.gz")
                || n.endsWith(".img") || n.endsWith(".img.gz");
    }

    /** Reads only the header (of the .hdr for pairs). */
    public static NiftiHeader readHeader(Path path) throws IOException {
        Path hdr = isPairName(path) ? pairHeader(path) : path;
        String name = hdr.toString();
        try (InputStream in = stream(hdr)) {
            return readHeader(in, name);
        } catch (IOException e) {
            throw named(e, name);
        }
    }

    /** Reads a volume. */
    public Volume open(Path path) throws IOException {
        String name = path.toString();
        if (!Files.isRegularFile(path)) {
            throw new IOException(name + ": no such file");
        }
        if (!isPairName(path)) {
            try (InputStream in = stream(path)) {
                NiftiHeader h = readHeader(in, name);
                return readData(in, h.size(), h, dataLimit(path, h.voxOffset), name);
            } catch (IOException e) {
                throw named(e, name);
            }
        }
        Path hdr = pairHeader(path);
        NiftiHeader h = readHeader(hdr);
        Path img = pairImage(hdr);
        String imgName = img.toString();
        try (InputStream in = stream(img)) {
            return readData(in, 0, h, dataLimit(img, h.voxOffset), imgName);
        } catch (IOException e) {
            throw named(e, imgName);
        }
    }

    /**
     * Reads a single-file image (plain or gzipped) from memory; for tests and fuzzing.
     *
     * @param name the name used in messages
     */
    public Volume read(byte[] bytes, String name) throws IOException {
        boolean gz = bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        try (InputStream in = gz ? new GZIPInputStream(new ByteArrayInputStream(bytes), 1 << 16)
                : new ByteArrayInputStream(bytes)) {
            NiftiHeader h = readHeader(in, name);
            long limit = gz ? gzipLimit(bytes.length) : bytes.length - h.voxOffset;
            return readData(in, h.size(), h, limit, name);
        } catch (IOException e) {
            throw named(e, name);
        }
    }

    static NiftiHeader readHeader(InputStream in, String name) throws IOException {
        byte[] first = in.readNBytes(4);
        if (first.length < 4) {
            throw new IOException(name + ": truncated header (" + first.length + " bytes)");
        }
        int version = NiftiHeader.detect(ByteBuffer.wrap(first), new java.nio.ByteOrder[1]);
        if (version == 0) {
            throw NiftiHeader.notNifti(name);
        }
        int size = version == 1 ? NiftiHeader.SIZE1 : NiftiHeader.SIZE2;
        byte[] all = new byte[size];
        System.arraycopy(first, 0, all, 0, 4);
        int n = in.readNBytes(all, 4, size - 4);
        if (n < size - 4) {
            throw new IOException(name + ": truncated header (" + (n + 4) + " of " + size + " bytes)");
        }
        return NiftiHeader.parse(ByteBuffer.wrap(all), name);
    }

    /**
     * Reads the voxel data that starts at {@code h.voxOffset} of the stream.
     *
     * @param consumed bytes of the stream already read
     * @param maxBytes the most voxel bytes the stream can hold, checked before allocating
     */
    Volume readData(InputStream in, long consumed, NiftiHeader h, long maxBytes, String name) throws IOException {
        NiftiDatatype type = NiftiDatatype.forCode(h.datatype);
        long bytes = h.voxelBytes(name);
        if (h.voxOffset < consumed) {
            throw new IOException(name + ": vox_offset " + h.voxOffset + " lies inside the header");
        }
        if (bytes > maxBytes) {
            throw new IOException(name + ": truncated or damaged: header declares " + bytes + " bytes of voxel data"
                    + " at offset " + h.voxOffset + ", the file can hold at most " + Math.max(0, maxBytes));
        }
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > free) {
            // Garbage counts as used until collected; ask once before refusing.
            System.gc();
            free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        }
        if (bytes > free) {
            throw new IOException(name + ": image of " + bytes + " bytes does not fit the free Java heap (" + free
                    + " bytes); raise -Xmx");
        }
        long skip = h.voxOffset - consumed;
        try {
            in.skipNBytes(skip);
        } catch (EOFException e) {
            throw new IOException(name + ": vox_offset " + h.voxOffset + " lies past the end of the file");
        }
        long[] shape = h.shape();
        int nd = Math.max(3, shape.length);
        int comps = type.components();
        // File order: components (if any) fastest, then X, Y, Z, ...
        long[] fileDims = new long[nd + (comps > 1 ? 1 : 0)];
        int o = 0;
        if (comps > 1) {
            fileDims[o++] = comps;
        }
        for (int d = 0; d < nd; d++) {
            fileDims[o++] = d < shape.length ? shape[d] : 1;
        }
        List<Object> arrays = new ArrayList<>();
        RandomAccessibleInterval<? extends RealType<?>> img = Images.allocate(type, fileDims, maxArrayLength, arrays);
        fill(in, type, h, arrays, name);
        if (comps > 1) {
            img = Views.moveAxis(img, 0, 3);
        }
        double slope = h.sclSlope, inter = h.sclInter;
        if (slope == 0 || !Double.isFinite(slope)) {
            slope = 1;
            inter = 0;
        } else if (!Double.isFinite(inter)) {
            throw new IOException(name + ": valid scl_slope but invalid scl_inter " + inter);
        }
        return new Volume(img, new Geometry(h.bestAffine()), slope, inter, h);
    }

    /** Streams voxel bytes into the arrays in order, through one buffer, decoding in bulk. */
    private static void fill(InputStream in, NiftiDatatype type, NiftiHeader h, List<Object> arrays, String name)
            throws IOException {
        int bpc = type.bytesPerComponent();
        byte[] buf = bpc == 1 ? null : new byte[BUFFER];
        ByteBuffer bb = buf == null ? null : ByteBuffer.wrap(buf).order(h.order);
        long done = 0;
        for (Object array : arrays) {
            int length = java.lang.reflect.Array.getLength(array);
            int off = 0;
            while (off < length) {
                int n = Math.min(length - off, bpc == 1 ? BUFFER : BUFFER / bpc);
                int got = bpc == 1 ? in.readNBytes((byte[]) array, off, n) : in.readNBytes(buf, 0, n * bpc);
                if (got < n * bpc) {
                    throw new IOException(name + ": truncated: voxel data ends after "
                            + (done + off * (long) bpc + got) + " bytes");
                }
                if (bb != null) {
                    bb.clear();
                    type.decode(bb, array, off, n);
                }
                off += n;
            }
            done += length * (long) bpc;
        }
    }

    private static InputStream stream(Path path) throws IOException {
        InputStream raw = Files.newInputStream(path);
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                // GZIPInputStream reads concatenated members as one stream.
                return new GZIPInputStream(in, 1 << 16);
            } catch (IOException e) {
                in.close();
                throw e;
            }
        }
        return in;
    }

    private static boolean isGzip(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static long dataLimit(Path path, long voxOffset) throws IOException {
        long size = Files.size(path);
        return isGzip(path) ? gzipLimit(size) : size - voxOffset;
    }

    private static long gzipLimit(long compressed) {
        return compressed > Long.MAX_VALUE / MAX_GZIP_RATIO ? Long.MAX_VALUE : compressed * MAX_GZIP_RATIO;
    }

    private static boolean isPairName(Path path) {
        String n = path.getFileName().toString().toLowerCase();
        return n.endsWith(".hdr") || n.endsWith(".hdr.gz") || n.endsWith(".img") || n.endsWith(".img.gz");
    }

    /** The .hdr of a pair named by either part. */
    private static Path pairHeader(Path path) throws IOException {
        String n = path.getFileName().toString();
        String lower = n.toLowerCase();
        if (lower.endsWith(".hdr") || lower.endsWith(".hdr.gz")) {
            return path;
        }
        String stem = n.substring(0, n.length() - (lower.endsWith(".gz") ? 7 : 4));
        for (String ext : new String[] { ".hdr", ".hdr.gz", ".HDR" }) {
            Path p = path.resolveSibling(stem + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException(path + ": header file " + stem + ".hdr not found");
    }

    /** The .img of a pair, plain or gzipped. */
    private static Path pairImage(Path hdr) throws IOException {
        String n = hdr.getFileName().toString();
        String stem = n.substring(0, n.length() - (n.toLowerCase().endsWith(".gz") ? 7 : 4));
        for (String ext : new String[] { ".img", ".img.gz", ".IMG" }) {
            Path p = hdr.resolveSibling(stem + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException(hdr + ": image file " + stem + ".img not found");
    }

    /** Makes sure the message names the file; wraps JDK errors (gzip, I/O) into one line. */
    static IOException named(IOException e, String name) {
        if (e.getMessage() != null && e.getMessage().startsWith(name)) {
            return e;
        }
        String what = e instanceof java.util.zip.ZipException || e instanceof EOFException
                ? "corrupt or truncated gzip data (" + e.getMessage() + ")"
                : String.valueOf(e.getMessage());
        return new IOException(name + ": " + what, e);
    }
}
