package io.github.medvp.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fields of a NIfTI-1 or NIfTI-2 header, held at NIfTI-2 width (64-bit integers, doubles) whatever the version.
 * <p>
 * Instances are mutable only inside this package while a file is parsed or a header is prepared for writing;
 * {@link Volume} hands out copies, so a header seen by callers never changes.
 */
public final class NiftiHeader implements Cloneable {

    /** Size of the NIfTI-1 header proper, and where its voxels start in a single file with no extensions. */
    static final int SIZE1 = 348;
    static final int SIZE2 = 540;

    int version = 1;
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    /** True for single-file magic ({@code n+1}, {@code n+2}), false for a .hdr/.img pair. */
    boolean singleFile = true;
    long[] dim = new long[8];
    double intentP1, intentP2, intentP3;
    int intentCode;
    int datatype;
    int bitpix;
    long sliceStart, sliceEnd;
    int sliceCode;
    double[] pixdim = new double[8];
    long voxOffset;
    double sclSlope, sclInter;
    int xyztUnits;
    double calMax, calMin, sliceDuration, toffset;
    String descrip = "", auxFile = "", intentName = "";
    int qformCode, sformCode;
    double quaternB, quaternC, quaternD, qoffsetX, qoffsetY, qoffsetZ;
    double[][] srow = new double[3][4];
    int dimInfo;

    NiftiHeader() {
        pixdim[0] = 1;
    }

    /** A deep copy. */
    public NiftiHeader copy() {
        try {
            return (NiftiHeader) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    protected Object clone() throws CloneNotSupportedException {
        NiftiHeader h = (NiftiHeader) super.clone();
        // Arrays are shared by super.clone(); copy them so copies are independent.
        h.dim = dim.clone();
        h.pixdim = pixdim.clone();
        h.srow = new double[][] { srow[0].clone(), srow[1].clone(), srow[2].clone() };
        return h;
    }

    /** 1 or 2. */
    public int version() {
        return version;
    }

    /** Byte order of the file, detected from {@code sizeof_hdr}. */
    public ByteOrder byteOrder() {
        return order;
    }

    /** The NIfTI datatype code as stored. */
    public int datatype() {
        return datatype;
    }

    /** NIfTI {@code intent_code} (0 none, 1002 label, ...). */
    public int intentCode() {
        return intentCode;
    }

    /** NIfTI {@code intent_name}. */
    public String intentName() {
        return intentName;
    }

    /** NIfTI {@code descrip}. */
    public String description() {
        return descrip;
    }

    /** Spatial units code ({@code xyzt_units & 7}): 1 metre, 2 mm, 3 micron, 0 unknown. */
    public int spatialUnits() {
        return xyztUnits & 0x07;
    }

    /** Temporal units code ({@code xyzt_units & 0x38}). */
    public int temporalUnits() {
        return xyztUnits & 0x38;
    }

    /** {@code qform_code} as stored (0 unknown, 1 scanner, 2 aligned, 3 Talairach, 4 MNI). */
    public int qformCode() {
        return qformCode;
    }

    /** {@code sform_code} as stored. */
    public int sformCode() {
        return sformCode;
    }

    /** Number of dimensions as stored ({@code dim[0]}). */
    public int ndim() {
        return (int) dim[0];
    }

    /** The shape as nibabel reports it: {@code dim[1..dim[0]]}. */
    public long[] shape() {
        return Arrays.copyOfRange(dim, 1, 1 + (int) dim[0]);
    }

    /** nibabel's {@code get_zooms()}: {@code pixdim[1..dim[0]]} as stored. */
    public double[] zooms() {
        return Arrays.copyOfRange(pixdim, 1, 1 + (int) dim[0]);
    }

    /** Bytes of the header proper (348 or 540). */
    int size() {
        return version == 1 ? SIZE1 : SIZE2;
    }

    /**
     * Detects the version and byte order from {@code sizeof_hdr} in the first four bytes.
     *
     * @return 1 or 2 with the order set in {@code order[0]}, or 0 when this is no NIfTI header
     */
    static int detect(ByteBuffer first4, ByteOrder[] order) {
        int le = first4.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        int be = Integer.reverseBytes(le);
        if (le == SIZE1 || le == SIZE2) {
            order[0] = ByteOrder.LITTLE_ENDIAN;
            return le == SIZE1 ? 1 : 2;
        }
        if (be == SIZE1 || be == SIZE2) {
            order[0] = ByteOrder.BIG_ENDIAN;
            return be == SIZE1 ? 1 : 2;
        }
        return 0;
    }

    /**
     * Parses and validates a header.
     *
     * @param b the header bytes, at least {@link #SIZE1} or {@link #SIZE2} of them from position 0
     * @param name the file name for messages
     */
    static NiftiHeader parse(ByteBuffer b, String name) throws IOException {
        ByteOrder[] order = new ByteOrder[1];
        int version = detect(b, order);
        if (version == 0) {
            throw notNifti(name);
        }
        NiftiHeader h = new NiftiHeader();
        h.version = version;
        h.order = order[0];
        b.order(h.order);
        if (version == 1) {
            parse1(b, h, name);
        } else {
            parse2(b, h, name);
        }
        h.validate(name);
        return h;
    }

    static IOException notNifti(String name) {
        return new IOException(name + ": not a NIfTI file (sizeof_hdr is neither 348 nor 540 in either byte order)");
    }

    private static void parse1(ByteBuffer b, NiftiHeader h, String name) throws IOException {
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

    private static void parse2(ByteBuffer b, NiftiHeader h, String name) throws IOException {
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

    /** Checks what the reader relies on: dimensions, datatype, voxel count, offset. */
    void validate(String name) throws IOException {
        if (dim[0] < 1 || dim[0] > 7) {
            throw new IOException(name + ": bad number of dimensions dim[0]=" + dim[0] + " (must be 1..7)");
        }
        for (int i = 1; i <= dim[0]; i++) {
            if (dim[i] < 1) {
                throw new IOException(name + ": bad dimension dim[" + i + "]=" + dim[i] + " (must be positive)");
            }
        }
        NiftiDatatype t = NiftiDatatype.forCode(datatype);
        if (t == null) {
            throw new IOException(name + ": unsupported NIfTI datatype " + NiftiDatatype.describe(datatype));
        }
        voxelBytes(name);
        // The fixes nibabel applies when it loads a header (its checks with fix=True), so geometry matches.
        if (singleFile && voxOffset < size() + 4) {
            voxOffset = size() + 4;
        }
        for (int i = 1; i <= 3; i++) {
            pixdim[i] = pixdim[i] == 0 ? 1 : Math.abs(pixdim[i]);
        }
        if (pixdim[0] != 1 && pixdim[0] != -1) {
            pixdim[0] = 1;
        }
    }

    /** Number of voxels (all dimensions), failing when the product overflows. */
    long voxelCount(String name) throws IOException {
        long n = 1;
        try {
            for (int i = 1; i <= dim[0]; i++) {
                n = Math.multiplyExact(n, dim[i]);
            }
        } catch (ArithmeticException e) {
            throw new IOException(name + ": dimensions " + Arrays.toString(shape()) + " overflow 64 bits");
        }
        return n;
    }

    /** Bytes of voxel data the header declares, failing on overflow. */
    long voxelBytes(String name) throws IOException {
        NiftiDatatype t = NiftiDatatype.forCode(datatype);
        try {
            return Math.multiplyExact(voxelCount(name), (long) t.bytesPerComponent() * t.components());
        } catch (ArithmeticException e) {
            throw new IOException(name + ": dimensions " + Arrays.toString(shape()) + " overflow 64 bits");
        }
    }

    /**
     * The voxel-to-world affine nibabel's {@code get_best_affine} picks: the sform when {@code sform_code > 0}, else
     * the qform when {@code qform_code > 0}, else the base affine ({@link #baseAffine()}). Like nibabel, any
     * non-zero code counts.
     */
    public double[][] bestAffine() {
        if (sformCode != 0) {
            return sformAffine();
        }
        if (qformCode != 0) {
            return qformAffine();
        }
        return baseAffine();
    }

    /** The sform rows as stored, completed to 4x4. */
    public double[][] sformAffine() {
        return new double[][] { srow[0].clone(), srow[1].clone(), srow[2].clone(), { 0, 0, 0, 1 } };
    }

    /**
     * The qform as nibabel's {@code get_qform}: rotation from the quaternion (w from the unit norm, 0 when slightly
     * negative), scaled by pixdim[1..3] with qfac applied to the third column. Parsed headers carry nibabel's load
     * fixes: qfac other than ±1 becomes 1, zero pixdim[1..3] become 1, negative ones their absolute value.
     */
    public double[][] qformAffine() {
        double b = quaternB, c = quaternC, d = quaternD;
        double w2 = 1.0 - (b * b + c * c + d * d);
        double w = w2 < 0 ? 0 : Math.sqrt(w2);
        double[][] r = Geometry.quaternionToMatrix(w, b, c, d);
        double qfac = pixdim[0] < 0 ? -1 : 1;
        double[] vox = { pixdim[1], pixdim[2], pixdim[3] * qfac };
        double[][] a = new double[4][4];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                a[i][j] = r[i][j] * vox[j];
            }
        }
        a[0][3] = qoffsetX;
        a[1][3] = qoffsetY;
        a[2][3] = qoffsetZ;
        a[3][3] = 1;
        return a;
    }

    /**
     * nibabel's base affine for headers without sform or qform ({@code shape_zoom_affine} with x flipped): diagonal
     * (-pixdim[1], pixdim[2], pixdim[3]) centred on the middle voxel; missing dimensions count as size 1, zoom 1.
     */
    public double[][] baseAffine() {
        double[][] a = new double[4][4];
        int n = (int) dim[0];
        for (int i = 0; i < 3; i++) {
            double size = i < n ? dim[i + 1] : 1;
            double zoom = i < n ? pixdim[i + 1] : 1;
            if (i == 0) {
                zoom = -zoom;
            }
            a[i][i] = zoom;
            a[i][3] = -(size - 1) / 2.0 * zoom;
        }
        a[3][3] = 1;
        return a;
    }

    /**
     * Stores {@code affine} as sform and as qform (nibabel's {@code set_sform} and {@code set_qform}: pixdim[1..3]
     * become the column norms, qfac the sign of the determinant, shears are dropped from the qform).
     */
    void setAffine(double[][] affine, int qcode, int scode) {
        for (int r = 0; r < 3; r++) {
            srow[r] = affine[r].clone();
        }
        double[] q = Geometry.toQuaternion(affine);
        quaternB = q[1];
        quaternC = q[2];
        quaternD = q[3];
        pixdim[0] = q[4];
        pixdim[1] = q[5];
        pixdim[2] = q[6];
        pixdim[3] = q[7];
        qoffsetX = affine[0][3];
        qoffsetY = affine[1][3];
        qoffsetZ = affine[2][3];
        qformCode = qcode;
        sformCode = scode;
    }

    /** Writes this header ({@link #size()} bytes plus 4 zero extension bytes) into {@code b} from position 0. */
    void write(ByteBuffer b) {
        b.order(order);
        byte[] zeros = new byte[size() + 4];
        b.put(0, zeros);
        if (version == 1) {
            write1(b);
        } else {
            write2(b);
        }
    }

    private void write1(ByteBuffer b) {
        b.putInt(0, SIZE1);
        b.put(38, (byte) 'r');
        b.put(39, (byte) dimInfo);
        for (int i = 0; i < 8; i++) {
            b.putShort(40 + 2 * i, (short) dim[i]);
            b.putFloat(76 + 4 * i, (float) pixdim[i]);
        }
        b.putFloat(56, (float) intentP1);
        b.putFloat(60, (float) intentP2);
        b.putFloat(64, (float) intentP3);
        b.putShort(68, (short) intentCode);
        b.putShort(70, (short) datatype);
        b.putShort(72, (short) bitpix);
        b.putShort(74, (short) sliceStart);
        b.putFloat(108, voxOffset);
        b.putFloat(112, (float) sclSlope);
        b.putFloat(116, (float) sclInter);
        b.putShort(120, (short) sliceEnd);
        b.put(122, (byte) sliceCode);
        b.put(123, (byte) xyztUnits);
        b.putFloat(124, (float) calMax);
        b.putFloat(128, (float) calMin);
        b.putFloat(132, (float) sliceDuration);
        b.putFloat(136, (float) toffset);
        putString(b, 148, 80, descrip);
        putString(b, 228, 24, auxFile);
        b.putShort(252, (short) qformCode);
        b.putShort(254, (short) sformCode);
        b.putFloat(256, (float) quaternB);
        b.putFloat(260, (float) quaternC);
        b.putFloat(264, (float) quaternD);
        b.putFloat(268, (float) qoffsetX);
        b.putFloat(272, (float) qoffsetY);
        b.putFloat(276, (float) qoffsetZ);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                b.putFloat(280 + 16 * r + 4 * c, (float) srow[r][c]);
            }
        }
        putString(b, 328, 16, intentName);
        putString(b, 344, 4, singleFile ? "n+1" : "ni1");
    }

    private void write2(ByteBuffer b) {
        b.putInt(0, SIZE2);
        putString(b, 4, 8, singleFile ? "n+2" : "ni2");
        b.put(8, new byte[] { '\r', '\n', 032, '\n' });
        b.putShort(12, (short) datatype);
        b.putShort(14, (short) bitpix);
        for (int i = 0; i < 8; i++) {
            b.putLong(16 + 8 * i, dim[i]);
            b.putDouble(104 + 8 * i, pixdim[i]);
        }
        b.putDouble(80, intentP1);
        b.putDouble(88, intentP2);
        b.putDouble(96, intentP3);
        b.putLong(168, voxOffset);
        b.putDouble(176, sclSlope);
        b.putDouble(184, sclInter);
        b.putDouble(192, calMax);
        b.putDouble(200, calMin);
        b.putDouble(208, sliceDuration);
        b.putDouble(216, toffset);
        b.putLong(224, sliceStart);
        b.putLong(232, sliceEnd);
        putString(b, 240, 80, descrip);
        putString(b, 320, 24, auxFile);
        b.putInt(344, qformCode);
        b.putInt(348, sformCode);
        b.putDouble(352, quaternB);
        b.putDouble(360, quaternC);
        b.putDouble(368, quaternD);
        b.putDouble(376, qoffsetX);
        b.putDouble(384, qoffsetY);
        b.putDouble(392, qoffsetZ);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                b.putDouble(400 + 32 * r + 8 * c, srow[r][c]);
            }
        }
        b.putInt(496, sliceCode);
        b.putInt(500, xyztUnits);
        b.putInt(504, intentCode);
        putString(b, 508, 16, intentName);
        b.put(524, (byte) dimInfo);
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
