package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The 3D UniFormer encoder of BrainMVP ({@code uniformer_small} of the reference's {@code models/uniformer_blocks.py}):
 * four stages, each a k2/s2 {@link PatchEmbed3d} followed by {@link CBlock}s (stages 1, 2) or {@link SABlock}s (stages
 * 3, 4), and a BatchNorm on the stage-4 output.
 * <p>
 * Works natively on (N, C, X, Y, Z): the reference permutes its input to (N, C, Z, X, Y), but every kernel is cubic
 * and attention and the norms are equivariant under permutations of space, so the only difference is the axis order
 * of convolution kernels, which {@link StateDictImport} converts at import. Forward: {@code (x)} →
 * {@code (x1, x2, x3, x4)} with x4 after the final BatchNorm, or {@code (x0 = x, x1, .., x4)} when
 * {@link Builder#optReturnInput(boolean)} is set. Each stage halves every spatial axis.
 */
public final class UniFormer3d extends AbstractBlock implements VolumeEncoder {

    private final int[] depths;
    private final int[] widths;
    private final int headDim;
    private final int inChannels;
    private final boolean returnInput;
    private final List<PatchEmbed3d> patchEmbeds = new ArrayList<>();
    private final List<List<Block>> stages = new ArrayList<>();
    private final BatchNorm norm;

    private UniFormer3d(Builder b) {
        depths = b.depths.clone();
        widths = b.widths.clone();
        headDim = b.headDim;
        inChannels = b.inChannels;
        returnInput = b.returnInput;
        for (int s = 0; s < 4; s++) {
            patchEmbeds.add(addChildBlock("patch_embed" + (s + 1),
                    PatchEmbed3d.builder().setEmbedDim(widths[s]).build()));
            List<Block> blocks = new ArrayList<>();
            for (int i = 0; i < depths[s]; i++) {
                Block block = s < 2 ? new CBlock(widths[s], b.mlpRatio) : new SABlock(widths[s], headDim, b.mlpRatio);
                blocks.add(addChildBlock("blocks" + (s + 1) + "_" + i, block));
            }
            stages.add(Collections.unmodifiableList(blocks));
        }
        norm = addChildBlock("norm", Layers.batchNorm());
    }

    /** @return a builder; depths and widths are required (see {@link Presets} for the reference sizes) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return blocks per stage */
    public int[] getDepths() {
        return depths.clone();
    }

    /** @return channels per stage */
    public int[] getWidths() {
        return widths.clone();
    }

    /** @return channels per attention head */
    public int getHeadDim() {
        return headDim;
    }

    /** @return input channels (modalities) */
    @Override
    public int getInChannels() {
        return inChannels;
    }

    /** @return the stage widths (x1..x4), preceded by the input channels when the input is returned as x0 */
    @Override
    public int[] getFeatureWidths() {
        if (!returnInput) {
            return widths.clone();
        }
        return new int[] {inChannels, widths[0], widths[1], widths[2], widths[3]};
    }

    @Override
    public Conv3d getStem() {
        return patchEmbeds.get(0).getProj();
    }

    @Override
    public String getStemName() {
        return "patch_embed1";
    }

    /**
     * @param stage 1..4
     * @return the patch embedding of that stage
     */
    public PatchEmbed3d getPatchEmbed(int stage) {
        return patchEmbeds.get(stage - 1);
    }

    /**
     * @param stage 1..4
     * @return the blocks of that stage ({@link CBlock} for 1-2, {@link SABlock} for 3-4)
     */
    public List<Block> getBlocks(int stage) {
        return stages.get(stage - 1);
    }

    /** @return the BatchNorm applied to the stage-4 output ({@code norm} in the reference) */
    public BatchNorm getNorm() {
        return norm;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        if (x.getShape().dimension() != 5 || x.getShape().get(1) != inChannels) {
            throw new IllegalArgumentException("UniFormer3d expects (N, " + inChannels + ", X, Y, Z), got "
                    + x.getShape());
        }
        NDList out = new NDList(5);
        if (returnInput) {
            out.add(x);
        }
        for (int s = 0; s < 4; s++) {
            x = Layers.apply(patchEmbeds.get(s), ps, x, training, p);
            for (Block block : stages.get(s)) {
                x = Layers.apply(block, ps, x, training, p);
            }
            out.add(s == 3 ? Layers.apply(norm, ps, x, training, p) : x);
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        List<Shape> out = new ArrayList<>();
        Shape shape = inputShapes[0];
        if (returnInput) {
            out.add(shape);
        }
        for (PatchEmbed3d embed : patchEmbeds) {
            shape = Layers.outShape(embed, shape);
            out.add(shape);
        }
        return out.toArray(new Shape[0]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        for (int s = 0; s < 4; s++) {
            patchEmbeds.get(s).initialize(manager, dataType, shape);
            shape = Layers.outShape(patchEmbeds.get(s), shape);
            for (Block block : stages.get(s)) {
                block.initialize(manager, dataType, shape);
            }
        }
        norm.initialize(manager, dataType, shape);
    }

    /** Builder for {@link UniFormer3d}. */
    public static final class Builder {
        private int[] depths;
        private int[] widths;
        private int headDim = 64;
        private int inChannels = 1;
        private int mlpRatio = 4;
        private boolean returnInput;

        Builder() {
        }

        /** @param depths blocks in each of the 4 stages (required) @return this */
        public Builder setDepths(int... depths) {
            this.depths = depths.clone();
            return this;
        }

        /** @param widths channels of each of the 4 stages (required) @return this */
        public Builder setWidths(int... widths) {
            this.widths = widths.clone();
            return this;
        }

        /** @param headDim channels per attention head, default 64 @return this */
        public Builder optHeadDim(int headDim) {
            this.headDim = headDim;
            return this;
        }

        /** @param inChannels input channels (modalities), default 1 @return this */
        public Builder optInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /** @param mlpRatio MLP hidden width relative to the stage width, default 4 @return this */
        public Builder optMlpRatio(int mlpRatio) {
            this.mlpRatio = mlpRatio;
            return this;
        }

        /** @param returnInput also return the input as x0 (the segmentation decoder needs it) @return this */
        public Builder optReturnInput(boolean returnInput) {
            this.returnInput = returnInput;
            return this;
        }

        /** @return the encoder */
        public UniFormer3d build() {
            if (depths == null || depths.length != 4 || widths == null || widths.length != 4) {
                throw new IllegalArgumentException("UniFormer3d: setDepths and setWidths need 4 values each");
            }
            for (int s = 2; s < 4; s++) {
                if (widths[s] % headDim != 0) {
                    throw new IllegalArgumentException("UniFormer3d: width " + widths[s]
                            + " is not a multiple of head dim " + headDim);
                }
            }
            if (inChannels < 1 || mlpRatio < 1) {
                throw new IllegalArgumentException("UniFormer3d: in channels and MLP ratio must be >= 1");
            }
            return new UniFormer3d(this);
        }
    }
}
