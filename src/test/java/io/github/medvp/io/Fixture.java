package io.github.medvp.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Builds NIfTI files byte by byte from the format's field offsets, independently of {@link NiftiWriter}, so reader
 * tests do not rely on the code they test. Voxel values are {@link #value(int, int)} of the flat index.
 */
final class Fixture {
    int version = 1;
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    long[] dims = { 4, 3, 2 };
    int datatype = 16;
    double[] pixdim = { 1, 1.5, 2, 2.5, 1, 1, 1, 1 };
    double slope = 0, inter = 0;
    int qformCode = 0, sformCode = 1;
    double[] quat = { 0, 0, 0 }, qoffset = { 0, 0, 0 };
    double[][] srow = { { -1.5, 0, 0, 10 }, { 0, 2, 0, -20 }, { 0, 0, 2.5, 30 } };
    boolean single = true;
    long voxOffset = -1;
    String magic = null;

    /** Bytes per component and components per voxel for the supported codes. */
    static int[] layout(int datatype) {
        switch (datatype) {
        case 2: case 256: return new int[] { 1, 1 };
        case 4: case 512: return new int[] { 2, 1 };
        case 8: case 768: case 16: return new int[] { 4, 1 };
        case 1024: case 1280: case 64: return new int[] { 8, 1 };
        case 128: return new int[] { 1, 3 };
        case 32: return new int[] { 8, 1 };
        default: throw new IllegalArgumentException("" + datatype);
        }
    }

    long voxels() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** The value stored for component {@code i} (flat file order); extremes of each type occur at i = 1 and 2. */
    static long value(int datatype, int i) {
        long base = (i * 37L) % 101 - 50;
        switch (datatype) {
        case 2: case 128: return i == 1 ? 255 : i == 2 ? 0 : base + 60;
        case 256: return i == 1 ? 127 : i == 2 ? -128 : base;
        case 512: return i == 1 ? 65535 : i == 2 ? 0 : base + 60;
        case 4: return i == 1 ? 32767 : i == 2 ? -32768 : base;
        case 768: return i == 1 ? 0xFFFFFFFFL : i == 2 ? 0 : base + 60;
        case 8: return i == 1 ? Integer.MAX_VALUE : i == 2 ? Integer.MIN_VALUE : base;
        case 1280: return i == 1 ? -1L /* 2^64-1 */ : i == 2 ? 0 : base + 60;
        case 1024: return i == 1 ? Long.MAX_VALUE : i == 2 ? Long.MIN_VALUE : base;
        default: return base;
        }
    }

    /** The value as a double, the way numpy would convert it (unsigned 64-bit included). */
    static double doubleValue(int datatype, int i) {
        long v = value(datatype, i);
        if (datatype == 1280 && v < 0) {
            return (double) (v >>> 1) * 2.0 + (v & 1);
        }
        if (datatype == 16) {
            return (float) (v * 0.25);
        }
        if (datatype == 64) {
            return v * 0.125;
        }
        return v;
    }

    byte[] header() {
        int size = version == 1 ? 348 : 540;
        ByteBuffer b = ByteBuffer.allocate(size + 4).order(order);
        int[] lay = layout(datatype);
        long off = voxOffset >= 0 ? voxOffset : single ? size + 4 : 0;
        if (version == 1) {
            b.putInt(0, 348);
            b.putShort(40, (short) dims.length);
            for (int i = 0; i < dims.length; i++) {
                b.putShort(42 + 2 * i, (short) dims[i]);
            }
            b.putShort(70, (short) datatype);
            b.putShort(72, (short) (8 * lay[0] * lay[1]));
            for (int i = 0; i < 8; i++) {
                b.putFloat(76 + 4 * i, (float) pixdim[i]);
            }
            b.putFloat(108, off);
            b.putFloat(112, (float) slope);
            b.putFloat(116, (float) inter);
            b.put(123, (byte) 10);
            b.put(148, "fixture".getBytes(StandardCharsets.US_ASCII));
            b.putShort(252, (short) qformCode);
            b.putShort(254, (short) sformCode);
            for (int i = 0; i < 3; i++) {
                b.putFloat(256 + 4 * i, (float) quat[i]);
                b.putFloat(268 + 4 * i, (float) qoffset[i]);
                for (int c = 0; c < 4; c++) {
                    b.putFloat(280 + 16 * i + 4 * c, (float) srow[i][c]);
                }
            }
            b.put(344, (magic != null ? magic : single ? "n+1" : "ni1").getBytes(StandardCharsets.US_ASCII));
        } else {
            b.putInt(0, 540);
            b.put(4, (magic != null ? magic : single ? "n+2" : "ni2").getBytes(StandardCharsets.US_ASCII));
            b.put(8, new byte[] { '\r', '\n', 032, '\n' });
            b.putShort(12, (short) datatype);
            b.putShort(14, (short) (8 * lay[0] * lay[1]));
            b.putLong(16, dims.length);
            for (int i = 0; i < dims.length; i++) {
                b.putLong(24 + 8 * i, dims[i]);
            }
            for (int i = 0; i < 8; i++) {
                b.putDouble(104 + 8 * i, pixdim[i]);
            }
            b.putLong(168, off);
            b.putDouble(176, slope);
            b.putDouble(184, inter);
            b.putInt(344, qformCode);
            b.putInt(348, sformCode);
            for (int i = 0; i < 3; i++) {
                b.putDouble(352 + 8 * i, quat[i]);
                b.putDouble(376 + 8 * i, qoffset[i]);
                for (int c = 0; c < 4; c++) {
                    b.putDouble(400 + 32 * i + 8 * c, srow[i][c]);
                }
            }
            b.putInt(500, 10);
            b.put(240, "fixture".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] out = b.array();
        return single ? out : java.util.Arrays.copyOf(out, size);
    }

    byte[] data() {
        int[] lay = layout(datatype);
        int n = (int) (voxels() * lay[1]);
        ByteBuffer b = ByteBuffer.allocate(n * lay[0]).order(order);
        for (int i = 0; i < n; i++) {
            long v = value(datatype, i);
            switch (datatype) {
            case 2: case 256: case 128: b.put((byte) v); break;
            case 4: case 512: b.putShort((short) v); break;
            case 8: case 768: b.putInt((int) v); break;
            case 16: b.putFloat((float) (v * 0.25)); break;
            case 64: b.putDouble(v * 0.125); break;
            default: b.putLong(v); break;
            }
        }
        return b.array();
    }

    /** The single-file bytes (header, extension flag, padding to vox_offset, voxels). */
    byte[] bytes() {
        byte[] h = header();
        byte[] d = data();
        long off = voxOffset >= 0 ? voxOffset : h.length;
        byte[] out = new byte[(int) Math.max(off, h.length) + d.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(d, 0, out, (int) Math.max(off, h.length), d.length);
        return out;
    }

    /** Writes {@code dir/name}: a single file, or for {@code .hdr} names the pair (image gzipped if asked). */
    Path write(Path dir, String name, boolean gzipImage) throws IOException {
        Path p = dir.resolve(name);
        if (name.endsWith(".hdr")) {
            single = false;
            Files.write(p, header());
            String stem = name.substring(0, name.length() - 4);
            Files.write(dir.resolve(stem + (gzipImage ? ".img.gz" : ".img")), gzipImage ? gzip(data()) : data());
            return p;
        }
        Files.write(p, name.endsWith(".gz") ? gzip(bytes()) : bytes());
        return p;
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
            gz.write(b);
        }
        return bo.toByteArray();
    }
}
