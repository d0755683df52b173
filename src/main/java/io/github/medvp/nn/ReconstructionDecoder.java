package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * The linear pre-training decoder of BrainMVP (spec §2.2): four k2/s2 transposed convolutions (no bias)
 * w4 → w3 → w2 → w1 → w1 chained with no normalisation or non-linearity, then a 1×1×1 convolution (with bias) to
 * the output channels. It only uses the encoder's last output, so each spatial axis grows 16 times; with the
 * encoder's ×16 reduction the reconstruction has the input's size.
 * <p>
 * Forward: {@code (…, x4)} (e.g. the whole encoder output) → {@code (reconstruction)}. With the default widths it
 * has 1,736,769 parameters (the reference's decoder also builds residual blocks and {@code proj1} that pre-training
 * never uses; they are not built here).
 */
public final class ReconstructionDecoder extends AbstractBlock {

    final List<ConvTranspose3dK2S2> ups;
    final Conv3d out;

    private ReconstructionDecoder(Builder b) {
        int[] w = b.widths;
        ups = List.of(
                addChildBlock("decoder5", new ConvTranspose3dK2S2(w[3], w[2], false)),
                addChildBlock("decoder4", new ConvTranspose3dK2S2(w[2], w[1], false)),
                addChildBlock("decoder3", new ConvTranspose3dK2S2(w[1], w[0], false)),
                addChildBlock("decoder2", new ConvTranspose3dK2S2(w[0], w[0], false)));
        out = addChildBlock("out_1", Layers.conv3d(b.outChannels, 1, 1, 0, 1, true));
    }

    /** @return a builder; defaults: widths 64-128-320-512, one output channel */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        NDArray x = inputs.get(inputs.size() - 1);
        for (ConvTranspose3dK2S2 up : ups) {
            x = Layers.apply(up, ps, x, training, p);
        }
        return new NDList(Layers.apply(out, ps, x, training, p));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape shape = inputShapes[inputShapes.length - 1];
        for (ConvTranspose3dK2S2 up : ups) {
            shape = Layers.outShape(up, shape);
        }
        return new Shape[] {Layers.outShape(out, shape)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[inputShapes.length - 1];
        for (ConvTranspose3dK2S2 up : ups) {
            up.initialize(manager, dataType, shape);
            shape = Layers.outShape(up, shape);
        }
        out.initialize(manager, dataType, shape);
    }

    /** Builder for {@link ReconstructionDecoder}. */
    public static final class Builder {
        private int[] widths = {64, 128, 320, 512};
        private int outChannels = 1;

        private Builder() {
        }

        /** @param widths the encoder's 4 stage widths, default 64-128-320-512 @return this */
        public Builder optWidths(int... widths) {
            this.widths = widths.clone();
            return this;
        }

        /** @param outChannels reconstructed channels, default 1 @return this */
        public Builder optOutChannels(int outChannels) {
            this.outChannels = outChannels;
            return this;
        }

        /** @return the decoder */
        public ReconstructionDecoder build() {
            if (widths.length != 4 || outChannels < 1) {
                throw new IllegalArgumentException("ReconstructionDecoder: 4 widths and >= 1 output channel needed");
            }
            return new ReconstructionDecoder(this);
        }
    }
}
