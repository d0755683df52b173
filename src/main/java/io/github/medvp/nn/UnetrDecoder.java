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

/**
 * The segmentation decoder of BrainMVP (the reference's {@code Downstream/model/Uni_unet.py}: {@code UniSegDecoder}
 * with {@code segmentation=True} plus the deep-supervision heads of {@code UniUnet}):
 * <pre>
 * d5 = decoder5(x4, x3); d4 = decoder4(d5, x2); d3 = decoder3(d4, x1)
 * d2 = decoder2(d3, proj1(x0))                         proj1: 3³ conv C_in → w1 + channel LayerNorm
 * main = out(d2)                                       1³ conv with bias
 * ms0 = up×4(ms_out0(d4)), ms1 = up×2(ms_out1(d3))     training only, trilinear, align_corners=True
 * </pre>
 * Forward: {@code (x0, x1, x2, x3, x4)} (the encoder output with x0) → {@code (ms0, ms1, main)} in training with deep
 * supervision, otherwise {@code (main)}.
 */
public final class UnetrDecoder extends AbstractBlock {

    private final int outChannels;
    final UnetrUpBlock decoder5;
    final UnetrUpBlock decoder4;
    final UnetrUpBlock decoder3;
    final UnetrUpBlock decoder2;
    final PatchEmbed3d proj1;
    final Conv3d out;
    final Conv3d msOut0;
    final Conv3d msOut1;

    private UnetrDecoder(Builder b) {
        int[] w = b.widths;
        outChannels = b.outChannels;
        decoder5 = addChildBlock("decoder5", new UnetrUpBlock(w[3], w[2]));
        decoder4 = addChildBlock("decoder4", new UnetrUpBlock(w[2], w[1]));
        decoder3 = addChildBlock("decoder3", new UnetrUpBlock(w[1], w[0]));
        decoder2 = addChildBlock("decoder2", new UnetrUpBlock(w[0], w[0]));
        proj1 = addChildBlock("proj1",
                PatchEmbed3d.builder().setEmbedDim(w[0]).optKernel(3).optStride(1).optPadding(1).build());
        out = addChildBlock("out", Layers.conv3d(b.outChannels, 1, 1, 0, 1, true));
        if (b.deepSupervision) {
            msOut0 = addChildBlock("ms_out0", Layers.pointwiseTorchDefault(w[1], b.outChannels));
            msOut1 = addChildBlock("ms_out1", Layers.pointwiseTorchDefault(w[0], b.outChannels));
        } else {
            msOut0 = null;
            msOut1 = null;
        }
    }

    /** @return a builder; {@link Builder#setOutChannels(int)} is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return whether the deep-supervision heads exist */
    public boolean hasDeepSupervision() {
        return msOut0 != null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        if (in.size() != 5) {
            throw new IllegalArgumentException("UnetrDecoder expects (x0, x1, x2, x3, x4), got " + in.size());
        }
        NDArray d5 = up(decoder5, ps, in.get(4), in.get(3), training, p);
        NDArray d4 = up(decoder4, ps, d5, in.get(2), training, p);
        NDArray d3 = up(decoder3, ps, d4, in.get(1), training, p);
        NDArray d2 = up(decoder2, ps, d3, Layers.apply(proj1, ps, in.get(0), training, p), training, p);
        NDArray main = Layers.apply(out, ps, d2, training, p);
        if (!training || msOut0 == null) {
            return new NDList(main);
        }
        NDArray ms0 = TrilinearUpsample.upsample(Layers.apply(msOut0, ps, d4, training, p), 4);
        NDArray ms1 = TrilinearUpsample.upsample(Layers.apply(msOut1, ps, d3, training, p), 2);
        return new NDList(ms0, ms1, main);
    }

    private static NDArray up(UnetrUpBlock block, ParameterStore ps, NDArray x, NDArray skip, boolean training,
            PairList<String, Object> p) {
        return Layers.forward(block, ps, new NDList(x, skip), training, p).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x0 = inputShapes[0];
        // The evaluation output; in training with deep supervision ms0 and ms1 precede it, with the same shape.
        return new Shape[] {new Shape(x0.get(0), outChannels, x0.get(2), x0.get(3), x0.get(4))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... s) {
        decoder5.initialize(manager, dataType, s[4], s[3]);
        Shape d5 = Layers.outShape(decoder5, s[4]);
        decoder4.initialize(manager, dataType, d5, s[2]);
        Shape d4 = Layers.outShape(decoder4, d5);
        decoder3.initialize(manager, dataType, d4, s[1]);
        Shape d3 = Layers.outShape(decoder3, d4);
        proj1.initialize(manager, dataType, s[0]);
        decoder2.initialize(manager, dataType, d3, Layers.outShape(proj1, s[0]));
        out.initialize(manager, dataType, Layers.outShape(decoder2, d3));
        if (msOut0 != null) {
            msOut0.initialize(manager, dataType, d4);
            msOut1.initialize(manager, dataType, d3);
        }
    }

    /** Builder for {@link UnetrDecoder}. */
    public static final class Builder {
        private int[] widths = {64, 128, 320, 512};
        private int outChannels = -1;
        private boolean deepSupervision = true;

        private Builder() {
        }

        /** @param outChannels segmentation channels (required) @return this */
        public Builder setOutChannels(int outChannels) {
            this.outChannels = outChannels;
            return this;
        }

        /** @param widths the encoder's 4 stage widths, default 64-128-320-512 @return this */
        public Builder optWidths(int... widths) {
            this.widths = widths.clone();
            return this;
        }

        /** @param deepSupervision build the two deep-supervision heads, default true @return this */
        public Builder optDeepSupervision(boolean deepSupervision) {
            this.deepSupervision = deepSupervision;
            return this;
        }

        /** @return the decoder */
        public UnetrDecoder build() {
            if (widths.length != 4 || outChannels < 1) {
                throw new IllegalArgumentException("UnetrDecoder: 4 widths and setOutChannels(>= 1) needed");
            }
            return new UnetrDecoder(this);
        }
    }
}
