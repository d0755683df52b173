package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * MONAI's {@code UnetResBlock} as the reference configures it (kernel 3, stride 1, instance norm, LeakyReLU 0.01):
 * <pre>
 * y = IN(conv2(lrelu(IN(conv1(x)))))                   3³ convolutions without bias
 * r = IN(conv3(x)) if C_in != C_out else x             1³ convolution without bias
 * out = lrelu(y + r)
 * </pre>
 */
public final class UnetResBlock extends AbstractBlock {

    static final float NORM_EPSILON = 1e-5f;
    static final float LEAKY_SLOPE = 0.01f;

    final Conv3d conv1;
    final Conv3d conv2;
    final Conv3d conv3;

    /**
     * @param inChannels C_in
     * @param outChannels C_out
     */
    public UnetResBlock(int inChannels, int outChannels) {
        conv1 = addChildBlock("conv1", Layers.conv3d(outChannels, 3, 1, 1, 1, false));
        conv2 = addChildBlock("conv2", Layers.conv3d(outChannels, 3, 1, 1, 1, false));
        conv3 = inChannels != outChannels
                ? addChildBlock("conv3", Layers.conv3d(outChannels, 1, 1, 0, 1, false)) : null;
    }

    /**
     * Switches the convolutions to PyTorch's default initialisation, which MONAI's networks keep (the reference
     * BrainMVP re-initialises its decoders Kaiming-normal; MONAI's {@code SwinUNETR} does not). Call before
     * initialisation.
     *
     * @return this
     */
    public UnetResBlock withTorchDefaultInit() {
        for (Conv3d conv : new Conv3d[] {conv1, conv2, conv3}) {
            if (conv != null) {
                conv.setInitializer(TorchInit.TORCH_DEFAULT_WEIGHT, Parameter.Type.WEIGHT);
            }
        }
        return this;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        // At the finest level every temporary here is a full-resolution volume: scoping each step frees the conv
        // outputs and the norm's temporaries as soon as they are consumed instead of at the end of the block.
        NDArray y1 = Layers.scoped(() -> Activation.leakyRelu(
                InstanceNorm3d.instanceNorm(Layers.apply(conv1, ps, x, training, p), NORM_EPSILON), LEAKY_SLOPE));
        NDArray y = Layers.scoped(() -> InstanceNorm3d.instanceNorm(Layers.apply(conv2, ps, y1, training, p),
                NORM_EPSILON));
        NDScope.unregister(y1);
        y1.close();
        NDArray residual = conv3 == null ? x : Layers.scoped(() -> InstanceNorm3d.instanceNorm(
                Layers.apply(conv3, ps, x, training, p), NORM_EPSILON));
        return new NDList(Activation.leakyRelu(y.add(residual), LEAKY_SLOPE));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv1.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv1.initialize(manager, dataType, inputShapes);
        conv2.initialize(manager, dataType, conv1.getOutputShapes(inputShapes));
        if (conv3 != null) {
            conv3.initialize(manager, dataType, inputShapes);
        }
    }
}
