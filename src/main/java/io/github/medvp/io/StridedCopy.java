package io.github.medvp.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Gathers the elements of a strided view into a new contiguous (row-major) buffer. Shared by
 * {@link HostTensor#permute(int...)} and by rebuilding non-contiguous tensors from PyTorch storages.
 */
final class StridedCopy {
    private StridedCopy() {
    }

    /**
     * Row-major strides (in elements) of a contiguous array of the given shape.
     */
    static long[] contiguousStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /**
     * Copies the view {@code (offset, shape, strides)} of {@code src} (all in elements) into a new little-endian heap
     * buffer in row-major order. The caller has checked that every addressed element lies inside {@code src}.
     */
    static ByteBuffer copy(ByteBuffer src, int itemSize, long offset, long[] shape, long[] strides) {
        long numel = 1;
        for (long d : shape) {
            numel *= d;
        }
        byte[] out = new byte[Math.toIntExact(numel * itemSize)];
        if (numel > 0) {
            int rank = shape.length;
            // The innermost axis is copied as one run when its elements are adjacent, which is the common case.
            long inner = rank == 0 ? 1 : shape[rank - 1];
            long innerStride = rank == 0 ? 1 : strides[rank - 1];
            boolean runs = innerStride == 1;
            long[] index = new long[Math.max(rank - 1, 0)];
            int pos = 0;
            while (true) {
                long base = offset;
                for (int i = 0; i < index.length; i++) {
                    base += index[i] * strides[i];
                }
                if (runs) {
                    int len = (int) (inner * itemSize);
                    src.get((int) (base * itemSize), out, pos, len);
                    pos += len;
                } else {
                    for (long j = 0; j < inner; j++) {
                        src.get((int) ((base + j * innerStride) * itemSize), out, pos, itemSize);
                        pos += itemSize;
                    }
                }
                int axis = index.length - 1;
                while (axis >= 0 && ++index[axis] == shape[axis]) {
                    index[axis--] = 0;
                }
                if (axis < 0) {
                    break;
                }
            }
        }
        return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    }
}
