package io.github.medvp.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
            NiftiLayout.parse1(b, h, name);
        } else {
            NiftiLayout.parse2(b, h, name);
        }
        h.validate(name);
        return h;
    }

    static IOException notNifti(String name) {
        return new IOException(name + ": not a NIfTI file (sizeof_hdr is neither 348 nor 540 in either byte order)");
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
            NiftiLayout.write1(this, b);
        } else {
            NiftiLayout.write2(this, b);
        }
    }
}
