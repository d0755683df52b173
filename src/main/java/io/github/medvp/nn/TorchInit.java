package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * The weight initialisations of the reference implementation (PyTorch): the {@code _init_weights} of BrainMVP's
 * {@code UniFormer} and {@code UniSegDecoder}, and PyTorch's layer defaults.
 * <p>
 * PyTorch computes fan-in as {@code shape[1] * prod(kernel)} and fan-out as {@code shape[0] * prod(kernel)}
 * regardless of groups or of the transposed-convolution weight layout; these initialisers do the same so that
 * weight statistics match the reference exactly.
 */
public final class TorchInit {

    /** {@code kaiming_normal_(mode="fan_out", nonlinearity="relu")}: N(0, 2 / fan_out). */
    public static final Initializer KAIMING_NORMAL_FAN_OUT = (manager, shape, dataType) -> {
        double std = Math.sqrt(2.0 / fanOut(shape));
        return manager.randomNormal(0f, (float) std, shape, dataType);
    };

    /**
     * PyTorch's default weight initialisation of {@code Linear}, {@code ConvNd} and {@code ConvTransposeNd}
     * ({@code kaiming_uniform_(a=sqrt(5))}), which reduces to U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
     */
    public static final Initializer TORCH_DEFAULT_WEIGHT = (manager, shape, dataType) ->
            uniform(manager, shape, dataType, 1.0 / Math.sqrt(fanIn(shape)));

    private TorchInit() {
    }

    /**
     * PyTorch's default bias initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), where fan_in belongs to the
     * layer's weight (a bias alone does not know it).
     *
     * @param weightShape the shape of the layer's weight
     * @return the initialiser for the bias
     */
    public static Initializer torchDefaultBias(Shape weightShape) {
        double bound = 1.0 / Math.sqrt(fanIn(weightShape));
        return (manager, shape, dataType) -> uniform(manager, shape, dataType, bound);
    }

    /**
     * Fan-in as PyTorch computes it: {@code shape[1] * prod(shape[2:])}.
     *
     * @param shape a weight shape with at least two axes
     * @return the fan-in
     */
    public static long fanIn(Shape shape) {
        return shape.get(1) * receptiveField(shape);
    }

    /**
     * Fan-out as PyTorch computes it: {@code shape[0] * prod(shape[2:])}.
     *
     * @param shape a weight shape with at least two axes
     * @return the fan-out
     */
    public static long fanOut(Shape shape) {
        return shape.get(0) * receptiveField(shape);
    }

    private static long receptiveField(Shape shape) {
        if (shape.dimension() < 2) {
            throw new IllegalArgumentException("fan-in/out needs a weight with >= 2 axes, got " + shape);
        }
        return shape.dimension() == 2 ? 1 : shape.slice(2).size();
    }

    private static NDArray uniform(NDManager manager, Shape shape, DataType dataType, double bound) {
        return manager.randomUniform((float) -bound, (float) bound, shape, dataType);
    }
}
