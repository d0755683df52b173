package io.github.medvp.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An immutable tensor in host memory: a {@link DType}, a shape and the elements in row-major order as little-endian
 * bytes.
 * <p>
 * The package {@code io.github.medvp.io} is the bottom layer of MedVP: it reads and writes files using pure Java (and
 * gson) only, so it has no dependency on DJL or on other MedVP packages. Tensors cross into DJL through
 * {@link #toDirectBuffer()}.
 * <p>
 * The data may be a slice of a memory-mapped file; it is never copied unless a method says so.
 */
public final class HostTensor {
    private final DType dtype;
    private final long[] shape;
    private final long numel;
    private final ByteBuffer data;

    private HostTensor(DType dtype, long[] shape, long numel, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.numel = numel;
        this.data = data;
    }

    /**
     * Wraps {@code data} (from its position to its limit, interpreted as little-endian) without copying. The caller
     * must not modify the bytes afterwards.
     *
     * @throws IllegalArgumentException if a dimension is negative, the element count overflows, or the byte count
     *         is not {@code numel * itemSize}
     */
    public static HostTensor of(DType dtype, long[] shape, ByteBuffer data) {
        long[] s = shape.clone();
        long n = numelOf(s);
        if (n < 0) {
            throw new IllegalArgumentException("invalid shape " + Arrays.toString(s));
        }
        long bytes = n > Long.MAX_VALUE / dtype.itemSize() ? -1 : n * dtype.itemSize();
        if (bytes != data.remaining()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " of " + dtype + " needs " + bytes
                    + " bytes but the buffer holds " + data.remaining());
        }
        return new HostTensor(dtype, s, n, data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * The element count of {@code shape}, or -1 when a dimension is negative or the product overflows a long.
     */
    static long numelOf(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            if (d != 0 && n > Long.MAX_VALUE / d) {
                return -1;
            }
            n *= d;
        }
        return n;
    }

    /** A float32 tensor holding a copy of {@code values}. */
    public static HostTensor ofFloats(long[] shape, float... values) {
        ByteBuffer b = allocate(values.length, DType.F32);
        b.asFloatBuffer().put(values);
        return of(DType.F32, shape, b);
    }

    /** A float64 tensor holding a copy of {@code values}. */
    public static HostTensor ofDoubles(long[] shape, double... values) {
        ByteBuffer b = allocate(values.length, DType.F64);
        b.asDoubleBuffer().put(values);
        return of(DType.F64, shape, b);
    }

    /** An int64 tensor holding a copy of {@code values}. */
    public static HostTensor ofLongs(long[] shape, long... values) {
        ByteBuffer b = allocate(values.length, DType.I64);
        b.asLongBuffer().put(values);
        return of(DType.I64, shape, b);
    }

    /** An int32 tensor holding a copy of {@code values}. */
    public static HostTensor ofInts(long[] shape, int... values) {
        ByteBuffer b = allocate(values.length, DType.I32);
        b.asIntBuffer().put(values);
        return of(DType.I32, shape, b);
    }

    /** A tensor of a one-byte type (U8, I8, BOOL) holding a copy of {@code values}. */
    public static HostTensor ofBytes(DType dtype, long[] shape, byte... values) {
        if (dtype.itemSize() != 1) {
            throw new IllegalArgumentException(dtype + " is not a one-byte type");
        }
        return of(dtype, shape, ByteBuffer.wrap(values.clone()));
    }

    private static ByteBuffer allocate(int count, DType dtype) {
        return ByteBuffer.allocate(count * dtype.itemSize()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The number of elements (1 for a scalar). */
    public long numel() {
        return numel;
    }

    /** The number of data bytes. */
    public long byteSize() {
        return data.capacity();
    }

    /** A read-only little-endian view of the data, positioned at 0; never a copy. */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * A fresh, writable direct buffer in native byte order holding a copy of the data, ready to hand to DJL without
     * a further copy. It is always a copy: engines may write into buffers they were given, and writing into a
     * read-only memory-mapped file would crash the process.
     */
    public ByteBuffer toDirectBuffer() {
        ByteBuffer out = ByteBuffer.allocateDirect(data.capacity());
        out.put(data());
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            swapBytes(out, dtype.itemSize());
        }
        return out.flip().order(ByteOrder.nativeOrder());
    }

    /** Reverses the byte order of every {@code itemSize}-byte element of {@code b} in place (absolute indices). */
    static void swapBytes(ByteBuffer b, int itemSize) {
        for (int e = 0; e + itemSize <= b.capacity(); e += itemSize) {
            for (int i = 0, j = itemSize - 1; i < j; i++, j--) {
                byte t = b.get(e + i);
                b.put(e + i, b.get(e + j));
                b.put(e + j, t);
            }
        }
    }

    /**
     * The elements converted to float: exact for F32, F16, BF16, I8, U8, I16 and BOOL (0 or 1), rounded for F64,
     * I32 and I64.
     */
    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(numel)];
        ByteBuffer b = data();
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case F64 -> (float) b.getDouble(i * 8);
                case F32 -> b.getFloat(i * 4);
                case F16 -> halfToFloat(b.getShort(i * 2));
                case BF16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
                default -> integerAt(b, i);
            };
        }
        return out;
    }

    /**
     * Whether every element is finite: always for integer and BOOL tensors; for floating-point ones, no NaN and no
     * infinity (read in place, no copy).
     */
    public boolean allFinite() {
        ByteBuffer b = data();
        long n = numel;
        switch (dtype) {
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    if (!Double.isFinite(b.getDouble(i * 8))) {
                        return false;
                    }
                }
            }
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    if (!Float.isFinite(b.getFloat(i * 4))) {
                        return false;
                    }
                }
            }
            case F16, BF16 -> {
                // NaN and infinity are the values whose exponent bits are all ones.
                int exponent = dtype == DType.F16 ? 0x7c00 : 0x7f80;
                for (int i = 0; i < n; i++) {
                    if ((b.getShort(i * 2) & exponent) == exponent) {
                        return false;
                    }
                }
            }
            default -> {
                return true;
            }
        }
        return true;
    }

    /**
     * The elements of an integer or BOOL tensor as longs (U8 unsigned, BOOL 0 or 1).
     *
     * @throws IllegalStateException for floating-point tensors, where a silent truncation would hide a mistake
     */
    public long[] toLongArray() {
        if (dtype.isFloatingPoint()) {
            throw new IllegalStateException("toLongArray on a " + dtype + " tensor; use toFloatArray");
        }
        long[] out = new long[Math.toIntExact(numel)];
        ByteBuffer b = data();
        for (int i = 0; i < out.length; i++) {
            out[i] = integerAt(b, i);
        }
        return out;
    }

    private long integerAt(ByteBuffer b, int i) {
        return switch (dtype) {
            case I64 -> b.getLong(i * 8);
            case I32 -> b.getInt(i * 4);
            case I16 -> b.getShort(i * 2);
            case I8 -> b.get(i);
            case U8 -> b.get(i) & 0xff;
            case BOOL -> b.get(i) != 0 ? 1 : 0;
            default -> throw new IllegalStateException(dtype + " is not an integer type");
        };
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // Zero or subnormal: mant * 2^-24, exact in float.
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * A contiguous copy with the axes reordered: axis {@code i} of the result is axis {@code axes[i]} of this tensor,
     * as in {@code torch.permute}.
     *
     * @throws IllegalArgumentException if {@code axes} is not a permutation of {@code 0..rank-1}
     */
    public HostTensor permute(int... axes) {
        if (axes.length != shape.length) {
            throw new IllegalArgumentException("permute needs " + shape.length + " axes, got " + axes.length);
        }
        long[] strides = StridedCopy.contiguousStrides(shape);
        long[] newShape = new long[axes.length];
        long[] newStrides = new long[axes.length];
        boolean[] seen = new boolean[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int a = axes[i];
            if (a < 0 || a >= axes.length || seen[a]) {
                throw new IllegalArgumentException("not a permutation: " + Arrays.toString(axes));
            }
            seen[a] = true;
            newShape[i] = shape[a];
            newStrides[i] = strides[a];
        }
        return of(dtype, newShape, StridedCopy.copy(data(), dtype.itemSize(), 0, newShape, newStrides));
    }

    /** Equal when dtype, shape and data bytes are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof HostTensor t && t.dtype == dtype && Arrays.equals(t.shape, shape) && t.data().equals(data());
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + data().hashCode();
    }

    @Override
    public String toString() {
        return "HostTensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
