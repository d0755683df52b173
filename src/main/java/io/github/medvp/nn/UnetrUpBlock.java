package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * MONAI's {@code UnetrUpBlock} with a residual block: {@code (x, skip) -> UnetResBlock(cat(transpConv(x), skip))},
 * where the transposed convolution (k2 s2, no bias) doubles every spatial axis and maps C_in to C_out, and the skip
 * has C_out channels at the doubled size.
 */
public final class UnetrUpBlock extends AbstractBlock {

    private final int outChannels;
    final ConvTranspose3dK2S2 transpConv;
    final UnetResBlock convBlock;

    /**
     * @param inChannels C_in of the coarse input
     * @param outChannels C_out, also the channels of the skip
     */
    public UnetrUpBlock(int inChannels, int outChannels) {
        this.outChannels = outChannels;
        transpConv = addChildBlock("transp_conv", new ConvTranspose3dK2S2(inChannels, outChannels, false));
        convBlock = addChildBlock("conv_block", new UnetResBlock(2 * outChannels, outChannels));
    }

    /**
     * The residual block's convolutions with PyTorch's default initialisation
     * ({@link UnetResBlock#withTorchDefaultInit}); the transposed convolution has it already.
     *
     * @return this
     */
    public UnetrUpBlock withTorchDefaultInit() {
        convBlock.withTorchDefaultInit();
        return this;
    }

    /**
     * Forward on {@code (x, skip)}.
     *
     * @return {@code (out)}
     */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        NDArray up = Layers.apply(transpConv, ps, inputs.get(0), training, p);
        return Layers.forward(convBlock, ps, new NDList(up.concat(inputs.get(1), 1)), training, p);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return transpConv.getOutputShapes(new Shape[] {inputShapes[0]});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        transpConv.initialize(manager, dataType, inputShapes[0]);
        Shape up = Layers.outShape(transpConv, inputShapes[0]);
        convBlock.initialize(manager, dataType,
                new Shape(up.get(0), 2L * outChannels, up.get(2), up.get(3), up.get(4)));
    }
}
