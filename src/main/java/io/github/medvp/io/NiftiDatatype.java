package io.github.medvp.io;

import java.nio.ByteBuffer;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.integer.ByteType;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.integer.LongType;
import net.imglib2.type.numeric.integer.ShortType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedIntType;
import net.imglib2.type.numeric.integer.UnsignedLongType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.DoubleType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The NIfTI datatypes MedVP reads and writes, with their imglib2 types and bulk codecs.
 * <p>
 * RGB24 and RGBA32 are stored interleaved per voxel; they map to 3 or 4 unsigned-byte components that
 * {@link Volume} exposes as a channel axis.
 */
public enum NiftiDatatype {
    UINT8(2, 1, 1, Storage.BYTE), INT8(256, 1, 1, Storage.BYTE), UINT16(512, 2, 1, Storage.SHORT),
    INT16(4, 2, 1, Storage.SHORT), UINT32(768, 4, 1, Storage.INT), INT32(8, 4, 1, Storage.INT),
    UINT64(1280, 8, 1, Storage.LONG), INT64(1024, 8, 1, Storage.LONG), FLOAT32(16, 4, 1, Storage.FLOAT),
    FLOAT64(64, 8, 1, Storage.DOUBLE), RGB24(128, 1, 3, Storage.BYTE), RGBA32(2304, 1, 4, Storage.BYTE);

    /** The primitive array kind behind a datatype; the codecs switch on it once per buffer, not per voxel. */
    enum Storage {
        BYTE, SHORT, INT, LONG, FLOAT, DOUBLE
    }

    private final int code;
    private final int bytesPerComponent;
    private final int components;
    private final Storage storage;

    NiftiDatatype(int code, int bytesPerComponent, int components, Storage storage) {
        this.code = code;
        this.bytesPerComponent = bytesPerComponent;
        this.components = components;
        this.storage = storage;
    }

    /** The NIfTI {@code datatype} code. */
    public int code() {
        return code;
    }

    /** Bytes of one component (one array element). */
    public int bytesPerComponent() {
        return bytesPerComponent;
    }

    /** Components per voxel: 1, or 3 for RGB24, 4 for RGBA32. */
    public int components() {
        return components;
    }

    /** The NIfTI {@code bitpix} field. */
    public int bitpix() {
        return 8 * bytesPerComponent * components;
    }

    Storage storage() {
        return storage;
    }

    /** Looks a code up; {@code null} for codes MedVP does not support. */
    public static NiftiDatatype forCode(int code) {
        for (NiftiDatatype t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** A name for messages, for supported and unsupported codes alike. */
    static String describe(int code) {
        switch (code) {
        case 1: return "binary (1)";
        case 32: return "complex64 (32)";
        case 1536: return "float128 (1536)";
        case 1792: return "complex128 (1792)";
        case 2048: return "complex256 (2048)";
        default:
            NiftiDatatype t = forCode(code);
            return (t == null ? "unknown" : t.name().toLowerCase()) + " (" + code + ")";
        }
    }

    /** The datatype for an imglib2 type, or {@code null} when NIfTI has no exact equivalent. */
    public static NiftiDatatype forType(Object type) {
        if (type instanceof UnsignedByteType) return UINT8;
        if (type instanceof ByteType) return INT8;
        if (type instanceof UnsignedShortType) return UINT16;
        if (type instanceof ShortType) return INT16;
        if (type instanceof UnsignedIntType) return UINT32;
        if (type instanceof IntType) return INT32;
        if (type instanceof UnsignedLongType) return UINT64;
        if (type instanceof LongType) return INT64;
        if (type instanceof FloatType) return FLOAT32;
        if (type instanceof DoubleType) return FLOAT64;
        return null;
    }

    /** A fresh instance of the imglib2 type of one component. */
    @SuppressWarnings("rawtypes")
    public NativeType type() {
        switch (this) {
        case UINT8: case RGB24: case RGBA32: return new UnsignedByteType();
        case INT8: return new ByteType();
        case UINT16: return new UnsignedShortType();
        case INT16: return new ShortType();
        case UINT32: return new UnsignedIntType();
        case INT32: return new IntType();
        case UINT64: return new UnsignedLongType();
        case INT64: return new LongType();
        case FLOAT32: return new FloatType();
        default: return new DoubleType();
        }
    }

    /** A primitive array of {@code n} components for this datatype's storage. */
    Object newArray(int n) {
        switch (storage) {
        case BYTE: return new byte[n];
        case SHORT: return new short[n];
        case INT: return new int[n];
        case LONG: return new long[n];
        case FLOAT: return new float[n];
        default: return new double[n];
        }
    }

    /** Wraps a primitive array (no copy) as an {@link ArrayImg} of this datatype's component type. */
    @SuppressWarnings({ "rawtypes" })
    ArrayImg wrap(Object array, long... dims) {
        switch (this) {
        case UINT8: case RGB24: case RGBA32: return ArrayImgs.unsignedBytes((byte[]) array, dims);
        case INT8: return ArrayImgs.bytes((byte[]) array, dims);
        case UINT16: return ArrayImgs.unsignedShorts((short[]) array, dims);
        case INT16: return ArrayImgs.shorts((short[]) array, dims);
        case UINT32: return ArrayImgs.unsignedInts((int[]) array, dims);
        case INT32: return ArrayImgs.ints((int[]) array, dims);
        case UINT64: return ArrayImgs.unsignedLongs((long[]) array, dims);
        case INT64: return ArrayImgs.longs((long[]) array, dims);
        case FLOAT32: return ArrayImgs.floats((float[]) array, dims);
        default: return ArrayImgs.doubles((double[]) array, dims);
        }
    }

    /** Copies {@code n} components from {@code src} (already in the file's byte order) into {@code dst[off..]}. */
    void decode(ByteBuffer src, Object dst, int off, int n) {
        switch (storage) {
        case BYTE: src.get((byte[]) dst, off, n); break;
        case SHORT: src.asShortBuffer().get((short[]) dst, off, n); break;
        case INT: src.asIntBuffer().get((int[]) dst, off, n); break;
        case LONG: src.asLongBuffer().get((long[]) dst, off, n); break;
        case FLOAT: src.asFloatBuffer().get((float[]) dst, off, n); break;
        default: src.asDoubleBuffer().get((double[]) dst, off, n); break;
        }
    }

    /** Copies {@code n} components of {@code src[off..]} into {@code dst} (in its byte order), at its position. */
    void encode(Object src, int off, int n, ByteBuffer dst) {
        switch (storage) {
        case BYTE: dst.put((byte[]) src, off, n); break;
        case SHORT: dst.asShortBuffer().put((short[]) src, off, n); break;
        case INT: dst.asIntBuffer().put((int[]) src, off, n); break;
        case LONG: dst.asLongBuffer().put((long[]) src, off, n); break;
        case FLOAT: dst.asFloatBuffer().put((float[]) src, off, n); break;
        default: dst.asDoubleBuffer().put((double[]) src, off, n); break;
        }
    }

}
