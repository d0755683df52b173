package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class HostTensorTest {

    private static HostTensor shorts(DType dtype, int... bits) {
        ByteBuffer b = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : bits) {
            b.putShort((short) v);
        }
        return HostTensor.of(dtype, new long[] {bits.length}, b.flip());
    }

    @Test
    void halfPrecisionConvertsToHandComputedValues() {
        // 0x3c00 = 1, 0xc000 = -2, 0x3555 = 0.333251953125, 0x7bff = 65504 (max), 0x0001 = 2^-24 (smallest
        // subnormal), 0x8000 = -0, 0x7c00 = +inf, 0x0400 = 2^-14 (smallest normal).
        float[] f = shorts(DType.F16, 0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x0400).toFloatArray();
        assertArrayEquals(new float[] {1f, -2f, 0.333251953125f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY,
            0x1p-14f}, f);
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(f[5]));
        assertTrue(Float.isNaN(shorts(DType.F16, 0x7e00).toFloatArray()[0]));
    }

    @Test
    void bfloat16ConvertsToHandComputedValues() {
        // bf16 is the top half of a float32: 0x3f80 = 1, 0xc040 = -3, 0x3eaa = 0.33203125, 0x4049 = 3.140625.
        assertArrayEquals(new float[] {1f, -3f, 0.33203125f, 3.140625f},
                shorts(DType.BF16, 0x3f80, 0xc040, 0x3eaa, 0x4049).toFloatArray());
    }

    @Test
    void integerTypesConvert() {
        HostTensor u8 = HostTensor.ofBytes(DType.U8, new long[] {2}, (byte) 255, (byte) 1);
        HostTensor i8 = HostTensor.ofBytes(DType.I8, new long[] {2}, (byte) 255, (byte) 1);
        assertArrayEquals(new long[] {255, 1}, u8.toLongArray());
        assertArrayEquals(new float[] {-1, 1}, i8.toFloatArray());
        assertArrayEquals(new long[] {-5, 1L << 40}, HostTensor.ofLongs(new long[] {2}, -5, 1L << 40).toLongArray());
        assertThrows(IllegalStateException.class, () -> HostTensor.ofFloats(new long[] {1}, 1).toLongArray());
    }

    @Test
    void permuteReordersAxesLikeTorch() {
        // t[a][b][c] = 100a + 10b + c with shape (2,3,4); permute(2,0,1) gives shape (4,2,3) with r[c][a][b] = t[a][b][c].
        float[] v = new float[24];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 3; b++) {
                for (int c = 0; c < 4; c++) {
                    v[a * 12 + b * 4 + c] = 100 * a + 10 * b + c;
                }
            }
        }
        HostTensor r = HostTensor.ofFloats(new long[] {2, 3, 4}, v).permute(2, 0, 1);
        assertArrayEquals(new long[] {4, 2, 3}, r.shape());
        float[] out = r.toFloatArray();
        for (int c = 0; c < 4; c++) {
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 3; b++) {
                    assertEquals(100 * a + 10 * b + c, out[c * 6 + a * 3 + b]);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> r.permute(0, 0, 1));
    }

    @Test
    void directBufferHoldsTheSameElementsInNativeOrder() {
        HostTensor t = HostTensor.ofFloats(new long[] {3}, 1.5f, -2f, 7f);
        ByteBuffer d = t.toDirectBuffer();
        assertTrue(d.isDirect());
        assertTrue(!d.isReadOnly(), "engines may write into the buffer");
        d.putFloat(0, 99f);
        assertEquals(1.5f, t.toFloatArray()[0], "writing the copy must not change the tensor");
        assertEquals(ByteOrder.nativeOrder(), d.order());
        assertEquals(-2f, d.getFloat(4));
    }

    @Test
    void constructionChecksTheByteCount() {
        assertThrows(IllegalArgumentException.class,
                () -> HostTensor.of(DType.F32, new long[] {3}, ByteBuffer.allocate(8)));
        assertThrows(IllegalArgumentException.class,
                () -> HostTensor.of(DType.F32, new long[] {-1}, ByteBuffer.allocate(0)));
    }

    @Test
    void allFiniteFindsNaNAndInfinityInEveryFloatingType() {
        assertTrue(HostTensor.ofFloats(new long[] {3}, 1f, -Float.MAX_VALUE, 0f).allFinite());
        assertFalse(HostTensor.ofFloats(new long[] {3}, 1f, Float.NaN, 0f).allFinite());
        assertFalse(HostTensor.ofDoubles(new long[] {2}, 1, Double.NEGATIVE_INFINITY).allFinite());
        assertTrue(HostTensor.ofDoubles(new long[] {2}, 1, Double.MAX_VALUE).allFinite());
        // 0x7bff = 65504 (largest finite half), 0x7c00 = +inf, 0xfe00 = NaN; bf16 0x7f7f finite, 0xff80 -inf,
        // 0x7fc0 NaN.
        assertTrue(shorts(DType.F16, 0x3c00, 0x7bff, 0xfbff).allFinite());
        assertFalse(shorts(DType.F16, 0x3c00, 0x7c00).allFinite());
        assertFalse(shorts(DType.F16, 0xfe00).allFinite());
        assertTrue(shorts(DType.BF16, 0x3f80, 0x7f7f).allFinite());
        assertFalse(shorts(DType.BF16, 0xff80).allFinite());
        assertFalse(shorts(DType.BF16, 0x3f80, 0x7fc0).allFinite());
        assertTrue(HostTensor.ofLongs(new long[] {2}, Long.MIN_VALUE, Long.MAX_VALUE).allFinite());
    }
}
