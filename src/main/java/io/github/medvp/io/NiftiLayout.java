package io.github.medvp.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The byte layouts of NIfTI-1 (348 bytes, 16-bit dims, float fields) and NIfTI-2 (540 bytes, 64-bit dims, double
 * fields) headers, at the offsets of the standard's {@code nifti1.h} and {@code nifti2.h}. The buffer carries the
 * byte order.
 */
final class NiftiLayout {

    private NiftiLayout() {
    }

    static void parse1(ByteBuffer b, NiftiHeader h, String name) throws IOException {
        String magic = string(b, 344, 4);
        if (!magic.equals("n+1") && !magic.equals("ni1")) {
            throw new IOException(name + ": bad NIfTI-1 magic '" + printable(magic) + "'");
        }
        h.singleFile = magic.equals("n+1");
        h.dimInfo = b.get(39) & 0xff;
        for (int i = 0; i < 8; i++) {
            h.dim[i] = b.getShort(40 + 2 * i);
            h.pixdim[i] = b.getFloat(76 + 4 * i);
        }
        h.intentP1 = b.getFloat(56);
        h.intentP2 = b.getFloat(60);
        h.intentP3 = b.getFloat(64);
        h.intentCode = b.getShort(68);
        h.datatype = b.getShort(70);
        h.bitpix = b.getShort(72);
        h.sliceStart = b.getShort(74);
        double off = b.getFloat(108);
        if (!(off >= 0 && off <= Long.MAX_VALUE / 2) || off != Math.rint(off)) {
            throw new IOException(name + ": bad vox_offset " + off);
        }
        h.voxOffset = (long) off;
        h.sclSlope = b.getFloat(112);
        h.sclInter = b.getFloat(116);
        h.sliceEnd = b.getShort(120);
        h.sliceCode = b.get(122) & 0xff;
        h.xyztUnits = b.get(123) & 0xff;
        h.calMax = b.getFloat(124);
        h.calMin = b.getFloat(128);
        h.sliceDuration = b.getFloat(132);
        h.toffset = b.getFloat(136);
        h.descrip = string(b, 148, 80);
        h.auxFile = string(b, 228, 24);
        h.qformCode = b.getShort(252);
        h.sformCode = b.getShort(254);
        h.quaternB = b.getFloat(256);
        h.quaternC = b.getFloat(260);
        h.quaternD = b.getFloat(264);
        h.qoffsetX = b.getFloat(268);
        h.qoffsetY = b.getFloat(272);
        h.qoffsetZ = b.getFloat(276);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                h.srow[r][c] = b.getFloat(280 + 16 * r + 4 * c);
            }
        }
        h.intentName = string(b, 328, 16);
    }

    static void parse2(ByteBuffer b, NiftiHeader h, String name) throws IOException {
        String magic = string(b, 4, 8);
        if (!magic.equals("n+2") && !magic.equals("ni2")) {
            throw new IOException(name + ": bad NIfTI-2 magic '" + printable(magic) + "'");
        }
        h.singleFile = magic.equals("n+2");
        h.datatype = b.getShort(12);
        h.bitpix = b.getShort(14);
        for (int i = 0; i < 8; i++) {
            h.dim[i] = b.getLong(16 + 8 * i);
            h.pixdim[i] = b.getDouble(104 + 8 * i);
        }
        h.intentP1 = b.getDouble(80);
        h.intentP2 = b.getDouble(88);
        h.intentP3 = b.getDouble(96);
        h.voxOffset = b.getLong(168);
        if (h.voxOffset < 0) {
            throw new IOException(name + ": bad vox_offset " + h.voxOffset);
        }
        h.sclSlope = b.getDouble(176);
        h.sclInter = b.getDouble(184);
        h.calMax = b.getDouble(192);
        h.calMin = b.getDouble(200);
        h.sliceDuration = b.getDouble(208);
        h.toffset = b.getDouble(216);
        h.sliceStart = b.getLong(224);
        h.sliceEnd = b.getLong(232);
        h.descrip = string(b, 240, 80);
        h.auxFile = string(b, 320, 24);
        h.qformCode = b.getInt(344);
        h.sformCode = b.getInt(348);
        h.quaternB = b.getDouble(352);
        h.quaternC = b.getDouble(360);
        h.quaternD = b.getDouble(368);
        h.qoffsetX = b.getDouble(376);
        h.qoffsetY = b.getDouble(384);
        h.qoffsetZ = b.getDouble(392);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                h.srow[r][c] = b.getDouble(400 + 32 * r + 8 * c);
            }
        }
        h.sliceCode = b.getInt(496);
        h.xyztUnits = b.getInt(500);
        h.intentCode = b.getInt(504);
        h.intentName = string(b, 508, 16);
        h.dimInfo = b.get(524) & 0xff;
    }

    static void write1(NiftiHeader h, ByteBuffer b) {
        b.putInt(0, NiftiHeader.SIZE1);
        b.put(38, (byte) 'r');
        b.put(39, (byte) h.dimInfo);
        for (int i = 0; i < 8; i++) {
            b.putShort(40 + 2 * i, (short) h.dim[i]);
            b.putFloat(76 + 4 * i, (float) h.pixdim[i]);
        }
        b.putFloat(56, (float) h.intentP1);
        b.putFloat(60, (float) h.intentP2);
        b.putFloat(64, (float) h.intentP3);
        b.putShort(68, (short) h.intentCode);
        b.putShort(70, (short) h.datatype);
        b.putShort(72, (short) h.bitpix);
        b.putShort(74, (short) h.sliceStart);
        b.putFloat(108, h.voxOffset);
        b.putFloat(112, (float) h.sclSlope);
        b.putFloat(116, (float) h.sclInter);
        b.putShort(120, (short) h.sliceEnd);
        b.put(122, (byte) h.sliceCode);
        b.put(123, (byte) h.xyztUnits);
        b.putFloat(124, (float) h.calMax);
        b.putFloat(128, (float) h.calMin);
        b.putFloat(132, (float) h.sliceDuration);
        b.putFloat(136, (float) h.toffset);
        putString(b, 148, 80, h.descrip);
        putString(b, 228, 24, h.auxFile);
        b.putShort(252, (short) h.qformCode);
        b.putShort(254, (short) h.sformCode);
        b.putFloat(256, (float) h.quaternB);
        b.putFloat(260, (float) h.quaternC);
        b.putFloat(264, (float) h.quaternD);
        b.putFloat(268, (float) h.qoffsetX);
        b.putFloat(272, (float) h.qoffsetY);
        b.putFloat(276, (float) h.qoffsetZ);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                b.putFloat(280 + 16 * r + 4 * c, (float) h.srow[r][c]);
            }
        }
        putString(b, 328, 16, h.intentName);
        putString(b, 344, 4, h.singleFile ? "n+1" : "ni1");
    }

    static void write2(NiftiHeader h, ByteBuffer b) {
        b.putInt(0, NiftiHeader.SIZE2);
        putString(b, 4, 8, h.singleFile ? "n+2" : "ni2");
        b.put(8, new byte[] { '\r', '\n', 032, '\n' });
        b.putShort(12, (short) h.datatype);
        b.putShort(14, (short) h.bitpix);
        for (int i = 0; i < 8; i++) {
            b.putLong(16 + 8 * i, h.dim[i]);
            b.putDouble(104 + 8 * i, h.pixdim[i]);
        }
        b.putDouble(80, h.intentP1);
        b.putDouble(88, h.intentP2);
        b.putDouble(96, h.intentP3);
        b.putLong(168, h.voxOffset);
        b.putDouble(176, h.sclSlope);
        b.putDouble(184, h.sclInter);
        b.putDouble(192, h.calMax);
        b.putDouble(200, h.calMin);
        b.putDouble(208, h.sliceDuration);
        b.putDouble(216, h.toffset);
        b.putLong(224, h.sliceStart);
        b.putLong(232, h.sliceEnd);
        putString(b, 240, 80, h.descrip);
        putString(b, 320, 24, h.auxFile);
        b.putInt(344, h.qformCode);
        b.putInt(348, h.sformCode);
        b.putDouble(352, h.quaternB);
        b.putDouble(360, h.quaternC);
        b.putDouble(368, h.quaternD);
        b.putDouble(376, h.qoffsetX);
        b.putDouble(384, h.qoffsetY);
        b.putDouble(392, h.qoffsetZ);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                b.putDouble(400 + 32 * r + 8 * c, h.srow[r][c]);
            }
        }
        b.putInt(496, h.sliceCode);
        b.putInt(500, h.xyztUnits);
        b.putInt(504, h.intentCode);
        putString(b, 508, 16, h.intentName);
        b.put(524, (byte) h.dimInfo);
    }

    private static String string(ByteBuffer b, int off, int len) {
        byte[] bytes = new byte[len];
        b.get(off, bytes);
        int n = 0;
        while (n < len && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static void putString(ByteBuffer b, int off, int len, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        b.put(off, bytes, 0, Math.min(len, bytes.length));
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
