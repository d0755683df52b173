package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.medvp.engine.DeviceConstants;
import io.github.medvp.engine.HostArrays;
import java.util.List;

/**
 * Trilinear upsampling and resizing ({@code nn.Upsample(scale_factor=f, mode="trilinear", align_corners=…)},
 * {@code F.interpolate}), which DJL lacks; corners aligned unless asked otherwise. Trilinear interpolation is separable, so it is three matrix products with
 * 1D interpolation matrices, one per spatial axis; the matrices are built on the host from sizes only.
 */
public final class TrilinearUpsample extends AbstractBlock {

    private final int factor;
    private final boolean alignCorners;

    /** @param factor integer scale factor of every spatial axis (corners aligned) */
    public TrilinearUpsample(int factor) {
        this(factor, true);
    }

    /**
     * @param factor integer scale factor of every spatial axis
     * @param alignCorners PyTorch's {@code align_corners}
     */
    public TrilinearUpsample(int factor, boolean alignCorners) {
        if (factor < 1) {
            throw new IllegalArgumentException("TrilinearUpsample: factor must be >= 1, got " + factor);
        }
        this.factor = factor;
        this.alignCorners = alignCorners;
    }

    /**
     * @param x (N, C, X, Y, Z)
     * @param factor integer scale factor
     * @return (N, C, f·X, f·Y, f·Z), corners aligned
     */
    public static NDArray upsample(NDArray x, int factor) {
        Shape s = x.getShape();
        return resize(x, factor * s.get(2), factor * s.get(3), factor * s.get(4));
    }

    /**
     * @param x (N, C, X, Y, Z)
     * @param size output X', Y', Z'
     * @return x resampled trilinearly to the size, corners aligned
     */
    public static NDArray resize(NDArray x, long... size) {
        return resize(x, true, size);
    }

    /**
     * @param x (N, C, X, Y, Z)
     * @param alignCorners PyTorch's {@code align_corners}: true maps the corner voxels onto each other, false
     *     (MG-3D's decoder and volume resize) maps voxel centres with half-voxel offsets, clamping at the border
     * @param size output X', Y', Z'
     * @return x resampled trilinearly to the size
     */
    public static NDArray resize(NDArray x, boolean alignCorners, long... size) {
        NDManager manager = x.getManager();
        Shape s = x.getShape();
        // Z: (…, Z) @ (Z, Z'); Y and X: move the axis last, multiply, move back.
        NDArray out = x.matMul(matrix(manager, s.get(4), size[2], alignCorners, x));
        out = out.transpose(0, 1, 2, 4, 3).matMul(matrix(manager, s.get(3), size[1], alignCorners, x))
                .transpose(0, 1, 2, 4, 3);
        out = out.transpose(0, 1, 3, 4, 2).matMul(matrix(manager, s.get(2), size[0], alignCorners, x))
                .transpose(0, 1, 4, 2, 3);
        return out;
    }

    /**
     * The (in, out) matrix M with {@code out[o] = Σ_i in[i] M[i, o]} of 1D linear interpolation, as PyTorch's
     * {@code upsample_linear1d} computes source positions.
     *
     * @param in input length
     * @param out output length
     * @param alignCorners PyTorch's {@code align_corners}
     * @return row-major (in, out) weights
     */
    public static float[] weights(long in, long out, boolean alignCorners) {
        float[] m = new float[Math.toIntExact(in * out)];
        double scale = alignCorners ? (out > 1 ? (double) (in - 1) / (out - 1) : 0) : (double) in / out;
        for (int o = 0; o < out; o++) {
            // align_corners=False: src = (o + ½)·scale − ½, clamped at 0 (PyTorch's area_pixel_compute_source_index).
            double src = alignCorners ? o * scale : Math.max(0, (o + 0.5) * scale - 0.5);
            int i0 = (int) Math.min(Math.floor(src), in - 1);
            int i1 = (int) Math.min(i0 + 1, in - 1);
            double w = src - i0;
            m[(int) (i0 * out + o)] += (float) (1 - w);
            m[(int) (i1 * out + o)] += (float) w;
        }
        return m;
    }

    /** The matrix on the input's device in its type, made once per size (an upload per call waits for the GPU). */
    private static NDArray matrix(NDManager manager, long in, long out, boolean alignCorners, NDArray like) {
        return DeviceConstants.get(like.getDevice(), List.of("trilinear", in, out, alignCorners, like.getDataType()),
                m -> HostArrays.copyOf(m, weights(in, out, alignCorners), new Shape(in, out))
                        .toType(like.getDataType(), false));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        return new NDList(resize(x, alignCorners, factor * s.get(2), factor * s.get(3), factor * s.get(4)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1), factor * s.get(2), factor * s.get(3), factor * s.get(4))};
    }
}
