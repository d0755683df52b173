package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/** Factories for the DJL layers the reference uses, initialised as the reference initialises them (spec §2.3). */
final class Layers {

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
    static Conv3d pointwiseTorchDefault(int in, int out) {
        Conv3d conv = conv3d(out, 1, 1, 0, 1, true);
        Shape weight = new Shape(out, in, 1, 1, 1);
        conv.setInitializer(TorchInit.TORCH_DEFAULT_WEIGHT, Parameter.Type.WEIGHT);
        conv.setInitializer(TorchInit.torchDefaultBias(weight), Parameter.Type.BIAS);
        return conv;
    }

    /** A {@code Linear} (any leading axes) with PyTorch's default initialisation. */
    static Linear linear(int in, int out) {
        Linear linear = Linear.builder().setUnits(out).optBias(true).build();
        linear.setInitializer(TorchInit.TORCH_DEFAULT_WEIGHT, Parameter.Type.WEIGHT);
        linear.setInitializer(TorchInit.torchDefaultBias(new Shape(out, in)), Parameter.Type.BIAS);
        return linear;
    }

    /** {@code BatchNorm3d} with PyTorch's defaults: eps 1e-5, running = 0.9 running + 0.1 batch. */
    static BatchNorm batchNorm() {
        // DJL's momentum is the weight of the old running value, PyTorch's that of the batch statistic.
        return BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
    }

    /** Runs one child block on one array. */
    static NDArray apply(Block block, ParameterStore ps, NDArray x, boolean training, PairList<String, Object> p) {
        return block.forward(ps, new NDList(x), training, p).singletonOrThrow();
    }

    /** Output shape of one child block for one input shape. */
    static Shape outShape(Block block, Shape in) {
        return block.getOutputShapes(new Shape[] {in})[0];
    }
}
