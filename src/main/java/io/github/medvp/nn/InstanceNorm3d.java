package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.medvp.engine.Scalars;

/**
 * {@code InstanceNorm3d(affine=False, track_running_stats=False)}, which DJL lacks: every (sample, channel) volume
 * is normalised by its own mean and biased variance, in training and in evaluation alike.
 */
public final class InstanceNorm3d extends AbstractBlock {

    private final float epsilon;

    /** @param epsilon added to the variance (1e-5 in PyTorch and MONAI) */
    public InstanceNorm3d(float epsilon) {
        this.epsilon = epsilon;
    }

    /**
     * @param x (N, C, …)
     * @param epsilon added to the variance
     * @return x normalised per (N, C) over all remaining axes
     */
    public static NDArray instanceNorm(NDArray x, float epsilon) {
        Shape shape = x.getShape();
        // One reduction axis: the PyTorch engine's mean() reduces over a single axis only.
        NDArray flat = x.reshape(shape.get(0), shape.get(1), -1);
        NDArray centred = flat.sub(flat.mean(new int[] {2}, true));
        // The squares are a full-size temporary: freed as soon as their mean exists.
        NDArray variance = Layers.scoped(() -> centred.square().mean(new int[] {2}, true));
        return centred.div(Scalars.add(variance, epsilon).sqrt()).reshape(shape);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(instanceNorm(inputs.singletonOrThrow(), epsilon));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
