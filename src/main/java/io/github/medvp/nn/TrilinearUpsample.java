package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Trilinear upsampling with {@code align_corners=True} ({@code nn.Upsample(scale_factor=f, mode="trilinear",
 * align_corners=True)}), which DJL lacks. Trilinear interpolation is separable, so it is three matrix products with
 * 1D interpolation matrices, one per spatial axis; the matrices are built on the host from sizes only.
 */
public final class TrilinearUpsample extends AbstractBlock {

    private final int factor;

    /** @param factor integer scale factor of every spatial axis */
    public TrilinearUpsample(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("TrilinearUpsample: factor must be >= 1, got " + factor);
        }
        this.factor = factor;
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
        NDManager manager = x.getManager();
        Shape s = x.getShape();
        // Z: (…, Z) @ (Z, Z'); Y and X: move the axis last, multiply, move back.
        NDArray out = x.matMul(matrix(manager, s.get(4), size[2], x));
        out = out.transpose(0, 1, 2, 4, 3).matMul(matrix(manager, s.get(3), size[1], x)).transpose(0, 1, 2, 4, 3);
        out = out.transpose(0, 1, 3, 4, 2).matMul(matrix(manager, s.get(2), size[0], x)).transpose(0, 1, 4, 2, 3);
        return out;
    }

    /** (in, out) matrix M with {@code out[o] = Σ_i in[i] M[i, o]} for align_corners=True. */
    private static NDArray matrix(NDManager manager, long in, long out, NDArray like) {
        float[] m = new float[Math.toIntExact(in * out)];
        double scale = out > 1 ? (double) (in - 1) / (out - 1) : 0;
        for (int o = 0; o < out; o++) {
            double src = o * scale;
            int i0 = (int) Math.floor(src);
            int i1 = (int) Math.min(i0 + 1, in - 1);
            double w = src - i0;
            m[(int) (i0 * out + o)] += (float) (1 - w);
            m[(int) (i1 * out + o)] += (float) w;
        }
        return manager.create(m, new Shape(in, out)).toType(like.getDataType(), false).toDevice(like.getDevice(),
                false);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(upsample(inputs.singletonOrThrow(), factor));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1), factor * s.get(2), factor * s.get(3), factor * s.get(4))};
    }
}
