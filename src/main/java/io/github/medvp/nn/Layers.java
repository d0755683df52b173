package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.github.medvp.engine.Replica;
import java.util.function.Supplier;

/**
 * Factories for the DJL layers the references use, initialised as the references initialise them (BrainMVP's
 * {@code _init_weights} of {@code UniFormer} and {@code UniSegDecoder}; MG-3D's {@code init_weights}), and the scoped
 * child-block calls every model uses ({@link #forward}, {@link #apply}, {@link #scoped}).
 */
public final class Layers {

    private Layers() {
    }

    /**
     * A cubic {@code Conv3d} with Kaiming-normal (fan-out) weights and a zero bias, as {@code _init_weights} of the
     * reference does for every encoder and decoder convolution.
     */
    static Conv3d conv3d(int out, int kernel, int stride, int padding, int groups, boolean bias) {
        Conv3d conv = Conv3d.builder()
                .setFilters(out)
                .setKernelShape(new Shape(kernel, kernel, kernel))
                .optStride(new Shape(stride, stride, stride))
                .optPadding(new Shape(padding, padding, padding))
                .optGroups(groups)
                .optBias(bias)
                .build();
        conv.setInitializer(TorchInit.KAIMING_NORMAL_FAN_OUT, Parameter.Type.WEIGHT);
        conv.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        return conv;
    }

    /** A 1×1×1 convolution with PyTorch's default (uniform) initialisation, as the deep-supervision heads have. */
    public static Conv3d pointwiseTorchDefault(int in, int out) {
        return conv3dTorchDefault(in, out, 1, 1);
    }

    /**
     * A cubic {@code Conv3d} with bias, no padding and PyTorch's default (uniform) initialisation, as MONAI layers
     * without an explicit init have (the Swin patch embedding).
     */
    public static Conv3d conv3dTorchDefault(int in, int out, int kernel, int stride) {
        return conv3dTorchDefault(in, out, kernel, stride, 0);
    }

    /** As {@link #conv3dTorchDefault(int, int, int, int)} with zero padding on every side. */
    public static Conv3d conv3dTorchDefault(int in, int out, int kernel, int stride, int padding) {
        Conv3d conv = conv3d(out, kernel, stride, padding, 1, true);
        Shape weight = new Shape(out, in, kernel, kernel, kernel);
        conv.setInitializer(TorchInit.TORCH_DEFAULT_WEIGHT, Parameter.Type.WEIGHT);
        conv.setInitializer(TorchInit.torchDefaultBias(weight), Parameter.Type.BIAS);
        return conv;
    }

    /** A {@code Linear} (any leading axes) with bias and PyTorch's default initialisation. */
    public static Linear linear(int in, int out) {
        return linear(in, out, true);
    }

    /** A {@code Linear} (any leading axes) with PyTorch's default initialisation, with or without bias. */
    public static Linear linear(int in, int out, boolean bias) {
        Linear linear = Linear.builder().setUnits(out).optBias(bias).build();
        linear.setInitializer(TorchInit.TORCH_DEFAULT_WEIGHT, Parameter.Type.WEIGHT);
        if (bias) {
            linear.setInitializer(TorchInit.torchDefaultBias(new Shape(out, in)), Parameter.Type.BIAS);
        }
        return linear;
    }

    /** A LayerNorm over the last axis of an array with {@code rank} axes, with PyTorch's default eps 1e-5. */
    public static LayerNorm lastAxisLayerNorm(int rank) {
        return LayerNorm.builder().axis(rank - 1).optEpsilon(1e-5f).build();
    }

    /**
     * Zero-pads the end of one axis, as {@code F.pad} with a trailing pad does (zeros of the array's type, on its
     * device, so no host round trip).
     */
    public static NDArray padEnd(NDArray x, int axis, long amount) {
        if (amount == 0) {
            return x;
        }
        long[] shape = x.getShape().getShape();
        shape[axis] = amount;
        return x.concat(x.getManager().zeros(new Shape(shape), x.getDataType(), x.getDevice()), axis);
    }

    /** {@code BatchNorm3d} with PyTorch's defaults: eps 1e-5, running = 0.9 running + 0.1 batch. */
    static BatchNorm batchNorm() {
        // DJL's momentum is the weight of the old running value, PyTorch's that of the batch statistic.
        return BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
    }

    /** Runs one child block on one array, freeing its intermediates at once (see {@link #forward}). */
    public static NDArray apply(Block block, ParameterStore ps, NDArray x, boolean training,
            PairList<String, Object> p) {
        return forward(block, ps, new NDList(x), training, p).singletonOrThrow();
    }

    /**
     * Runs one child block in its own {@link NDScope}, so every array it creates except its outputs is released when
     * it returns instead of when the caller's scope closes: DJL otherwise keeps every intermediate of a whole forward
     * (and, in training, through the backward pass too) alive. Releasing a handle is safe with autograd, since
     * libtorch's graph holds its own references to the tensors it saved for the backward pass (and frees them as the
     * backward pass consumes them); only tensors nothing needs any more are freed. The outputs move to the caller's
     * scope, except arrays that are inputs (they belong to whoever created them). Blocks must not return a parameter
     * array itself (none does): it would be handed to the caller's scope and freed with it.
     * <p>
     * A BatchNorm in training mode inside a multi-replica pass ({@link Replica#current()}) normalises with the
     * statistics of every replica's rows ({@link SyncBatchNorm}); every BatchNorm of MedVP's models runs through here.
     */
    public static NDList forward(Block block, ParameterStore ps, NDList in, boolean training,
            PairList<String, Object> p) {
        NDList out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Replica replica = training && block instanceof BatchNorm ? Replica.current() : null;
            out = replica != null
                    ? new NDList(SyncBatchNorm.forward((BatchNorm) block, ps, in.singletonOrThrow(), replica))
                    : block.forward(ps, in, training, p);
            NDScope.unregister(out);
        }
        for (NDArray a : out) {
            if (!isOneOf(a, in)) {
                NDScope.register(a);
            }
        }
        return out;
    }

    /**
     * Computes one array in its own {@link NDScope}, freeing every other array the computation creates (for steps
     * inside a block whose temporaries are as large as its output; same reasoning as {@link #forward}).
     */
    public static NDArray scoped(Supplier<NDArray> computation) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            out = computation.get();
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    private static boolean isOneOf(NDArray a, NDList list) {
        for (NDArray b : list) {
            if (a == b) {
                return true;
            }
        }
        return false;
    }

    /** Output shape of one child block for one input shape. */
    public static Shape outShape(Block block, Shape in) {
        return block.getOutputShapes(new Shape[] {in})[0];
    }
}
