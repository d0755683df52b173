package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Patch embedding: a cubic {@code Conv3d} (with bias) followed by a LayerNorm over the channel axis, as the
 * reference {@code PatchEmbed}. Used with kernel 2 / stride 2 for the four encoder stages and with kernel 3 /
 * stride 1 / padding 1 for the segmentation decoder's {@code proj1}.
 * <p>
 * Input and output are (N, C, X, Y, Z).
 */
public final class PatchEmbed3d extends AbstractBlock {

    private final int embedDim;
    private final Conv3d proj;
    private final LayerNorm norm;

    private PatchEmbed3d(Builder builder) {
        embedDim = builder.embedDim;
        proj = addChildBlock("proj",
                Layers.conv3d(builder.embedDim, builder.kernel, builder.stride, builder.padding, 1, true));
        // Channels-last, so axis 4 is the channel axis of (N, X, Y, Z, C).
        norm = addChildBlock("norm", LayerNorm.builder().axis(4).optEpsilon(builder.epsilon).build());
    }

    /** @return a builder; {@link Builder#setEmbedDim(int)} is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the convolution ({@code proj} in the reference) */
    public Conv3d getProj() {
        return proj;
    }

    /** @return the channel LayerNorm ({@code norm} in the reference) */
    public LayerNorm getNorm() {
        return norm;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = Layers.apply(proj, ps, inputs.singletonOrThrow(), training, params);
        NDArray channelsLast = x.transpose(0, 2, 3, 4, 1);
        NDArray normed = Layers.apply(norm, ps, channelsLast, training, params);
        return new NDList(normed.transpose(0, 4, 1, 2, 3));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return proj.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        proj.initialize(manager, dataType, inputShapes);
        Shape out = Layers.outShape(proj, inputShapes[0]);
        norm.initialize(manager, dataType, new Shape(out.get(0), out.get(2), out.get(3), out.get(4), embedDim));
    }

    /** Builder for {@link PatchEmbed3d}. */
    public static final class Builder {
        private int embedDim = -1;
        private int kernel = 2;
        private int stride = 2;
        private int padding;
        private float epsilon = 1e-5f;

        private Builder() {
        }

        /** @param embedDim output channels (required) @return this */
        public Builder setEmbedDim(int embedDim) {
            this.embedDim = embedDim;
            return this;
        }

        /** @param kernel cubic kernel size, default 2 @return this */
        public Builder optKernel(int kernel) {
            this.kernel = kernel;
            return this;
        }

        /** @param stride stride, default 2 @return this */
        public Builder optStride(int stride) {
            this.stride = stride;
            return this;
        }

        /** @param padding padding, default 0 @return this */
        public Builder optPadding(int padding) {
            this.padding = padding;
            return this;
        }

        /** @param epsilon LayerNorm epsilon, default 1e-5 (PyTorch's default, as the reference) @return this */
        public Builder optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /** @return the block */
        public PatchEmbed3d build() {
            if (embedDim <= 0) {
                throw new IllegalArgumentException("PatchEmbed3d: setEmbedDim(>0) is required");
            }
            return new PatchEmbed3d(this);
        }
    }
}
