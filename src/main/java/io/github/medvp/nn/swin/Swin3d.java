package io.github.medvp.nn.swin;

import io.github.medvp.nn.Layers;
import io.github.medvp.nn.Presets;
import io.github.medvp.nn.VolumeEncoder;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * MG-3D's vision encoder: MONAI 0.9's 3D {@code SwinTransformer} ({@code SSLHead.swinViT} of the reference's
 * {@code mg3d/models/vision_encoders/ssl_head.py}).
 * <pre>
 * x0 = Conv3d(C_in → C, kernel = stride = patch)(pad(x))     no norm
 * stage s = 1..4:  blocks (shift 0, window/2, 0, …) then PatchMerging3d (C → 2C)
 * returns (x0, x1, x2, x3, x4), each through a non-affine LayerNorm over channels (eps 1e-5)
 * </pre>
 * <b>Axis order.</b> Input (N, C_in, D, H, W) and outputs (N, C_s, D_s, H_s, W_s) use the reference's axis
 * semantics, not the project's (X, Y, Z): window shrinking, the shrunk window's relative-position bias and the patch
 * merging order all differ between axes, so reference weights only give reference features when the axes come in
 * the reference's order. For MG-3D's CT volumes that is (D, H, W) = (superior–inferior, antero-posterior,
 * left–right), 128×96×128, i.e. an (N, C, X, Y, Z) volume transposed with {@code transpose(0, 1, 4, 3, 2)}
 * (flips, i.e. which end of an axis comes first, are the data pipeline's business: they change what pre-trained
 * weights see, not the computation).
 * <p>
 * Sizes that are not multiples of the patch are zero-padded at the end, as the reference's {@code PatchEmbed}
 * does; each stage then halves every axis (grids must stay all even or all odd, else the reference's merging fails:
 * use sizes divisible by 32). Window constants (shift masks, gather indices, bias indices) are built once per grid
 * size and device and kept with the parameters: the first forward on a new size costs more (≈0.6 s for stage 1 of
 * 128×96×128), and the stage-1 mask (windows·343² floats) takes 330 MB for that size.
 * <p>
 * Training works (no dropout or drop-path: MG-3D sets them to 0, so training and inference compute the same
 * function). Forward works inside an {@code NDScope}.
 */
public final class Swin3d extends AbstractBlock implements VolumeEncoder {

    private static final float EPS = 1e-5f;

    private final int embedDim;
    private final int[] depths;
    private final int[] heads;
    private final int window;
    private final int patch;
    private final int inChannels;
    private final Conv3d patchEmbed;
    private final List<List<SwinBlock3d>> stages = new ArrayList<>();
    private final List<PatchMerging3d> mergings = new ArrayList<>();

    private Swin3d(Builder b) {
        embedDim = b.embedDim;
        depths = b.depths.clone();
        heads = b.heads.clone();
        window = b.window;
        patch = b.patch;
        inChannels = b.inChannels;
        patchEmbed = addChildBlock("patch_embed", Layers.conv3dTorchDefault(inChannels, embedDim, patch, patch));
        // One cache for all blocks: blocks of a stage with the same shift share the (large) shifted-window mask.
        SwinWindows.Cache plans = new SwinWindows.Cache();
        for (int s = 0; s < depths.length; s++) {
            int dim = embedDim << s;
            List<SwinBlock3d> blocks = new ArrayList<>();
            for (int i = 0; i < depths[s]; i++) {
                blocks.add(addChildBlock("layers" + (s + 1) + "_block" + i,
                        new SwinBlock3d(dim, heads[s], window, i % 2 == 1, b.mlpRatio, plans)));
            }
            stages.add(Collections.unmodifiableList(blocks));
            mergings.add(addChildBlock("layers" + (s + 1) + "_downsample", new PatchMerging3d(dim)));
        }
    }

    /** @return a builder; {@link Builder#setEmbedDim(int)} is required (see {@link Presets} for MG-3D's sizes) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return channels of the patch embedding (stage s has C·2^(s−1) before merging) */
    public int getEmbedDim() {
        return embedDim;
    }

    /** @return blocks per stage */
    public int[] getDepths() {
        return depths.clone();
    }

    /** @return attention heads per stage */
    public int[] getHeads() {
        return heads.clone();
    }

    /** @return input channels */
    @Override
    public int getInChannels() {
        return inChannels;
    }

    /** @return the widths of x0..x4: C, 2C, 4C, 8C, 16C */
    @Override
    public int[] getFeatureWidths() {
        int[] w = new int[depths.length + 1];
        for (int s = 0; s < w.length; s++) {
            w[s] = embedDim << s;
        }
        return w;
    }

    /** @return the patch-embedding convolution ({@code patch_embed.proj}) */
    public Conv3d getPatchEmbed() {
        return patchEmbed;
    }

    @Override
    public Conv3d getStem() {
        return patchEmbed;
    }

    @Override
    public String getStemName() {
        return "patch_embed";
    }

    /**
     * @param stage 1..4
     * @return the blocks of that stage ({@code layers<stage>.0.blocks})
     */
    public List<SwinBlock3d> getBlocks(int stage) {
        return stages.get(stage - 1);
    }

    /**
     * @param stage 1..4
     * @return the patch merging ending that stage ({@code layers<stage>.0.downsample})
     */
    public PatchMerging3d getMerging(int stage) {
        return mergings.get(stage - 1);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        if (x.getShape().dimension() != 5 || x.getShape().get(1) != inChannels) {
            throw new IllegalArgumentException("Swin3d expects (N, " + inChannels + ", D, H, W), got "
                    + x.getShape());
        }
        for (int axis = 2; axis < 5; axis++) {
            x = Layers.padEnd(x, axis, padding(x.getShape().get(axis)));
        }
        // Channels-last from here on, as the reference's stages; outputs go back to channels-first. Flattening copies
        // the permuted view into row-major order (DJL has no contiguous()); otherwise the residual additions keep
        // the channels-first memory layout and every token LayerNorm and Linear runs on strided data.
        NDArray t = Layers.apply(patchEmbed, ps, x, training, p).transpose(0, 2, 3, 4, 1);
        t = t.reshape(-1).reshape(t.getShape());
        NDList out = new NDList(depths.length + 1);
        out.add(channelNorm(t));
        for (int s = 0; s < depths.length; s++) {
            for (SwinBlock3d block : stages.get(s)) {
                t = Layers.apply(block, ps, t, training, p);
            }
            t = Layers.apply(mergings.get(s), ps, t, training, p);
            out.add(channelNorm(t));
        }
        return out;
    }

    /** {@code proj_out(x, normalize=True)}: {@code F.layer_norm} over channels without weight or bias. */
    private static NDArray channelNorm(NDArray channelsLast) {
        long c = channelsLast.getShape().get(4);
        NDManager m = channelsLast.getManager();
        // Scale 1 and shift 0 are exact, so the fused kernel gives F.layer_norm(x, [C]) bit for bit.
        NDArray ones = m.ones(new Shape(c), channelsLast.getDataType(), channelsLast.getDevice());
        NDArray zeros = m.zeros(new Shape(c), channelsLast.getDataType(), channelsLast.getDevice());
        return LayerNorm.layerNorm(channelsLast, new Shape(c), ones, zeros, EPS).get(0).transpose(0, 4, 1, 2, 3);
    }

    private long padding(long size) {
        return (patch - size % patch) % patch;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        Shape t = new Shape(in.get(0), (in.get(2) + padding(in.get(2))) / patch,
                (in.get(3) + padding(in.get(3))) / patch, (in.get(4) + padding(in.get(4))) / patch, embedDim);
        List<Shape> out = new ArrayList<>();
        out.add(channelsFirst(t));
        for (PatchMerging3d merging : mergings) {
            t = Layers.outShape(merging, t);
            out.add(channelsFirst(t));
        }
        return out.toArray(new Shape[0]);
    }

    private static Shape channelsFirst(Shape s) {
        return new Shape(s.get(0), s.get(4), s.get(1), s.get(2), s.get(3));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        patchEmbed.initialize(manager, dataType, new Shape(in.get(0), inChannels, patch, patch, patch));
        Shape[] shapes = getOutputShapes(inputShapes);
        for (int s = 0; s < depths.length; s++) {
            Shape t = shapes[s];
            Shape channelsLast = new Shape(t.get(0), t.get(2), t.get(3), t.get(4), t.get(1));
            for (SwinBlock3d block : stages.get(s)) {
                block.initialize(manager, dataType, channelsLast);
            }
            mergings.get(s).initialize(manager, dataType, channelsLast);
        }
    }

    /** Builder for {@link Swin3d}. */
    public static final class Builder {
        private int embedDim = -1;
        private int[] depths = {2, 2, 2, 2};
        private int[] heads = {3, 6, 12, 24};
        private int window = 7;
        private int patch = 2;
        private int inChannels = 1;
        private int mlpRatio = 4;

        Builder() {
        }

        /** @param embedDim channels of the patch embedding, C (48 for Swin-B, required) @return this */
        public Builder setEmbedDim(int embedDim) {
            this.embedDim = embedDim;
            return this;
        }

        /** @param depths blocks per stage, default 2-2-2-2 @return this */
        public Builder optDepths(int... depths) {
            this.depths = depths.clone();
            return this;
        }

        /** @param heads attention heads per stage, default 3-6-12-24 @return this */
        public Builder optHeads(int... heads) {
            this.heads = heads.clone();
            return this;
        }

        /** @param window cubic attention window, default 7 @return this */
        public Builder optWindow(int window) {
            this.window = window;
            return this;
        }

        /** @param patch patch-embedding kernel and stride, default 2 @return this */
        public Builder optPatch(int patch) {
            this.patch = patch;
            return this;
        }

        /** @param inChannels input channels, default 1 @return this */
        public Builder optInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /** @param mlpRatio MLP hidden width relative to the stage width, default 4 @return this */
        public Builder optMlpRatio(int mlpRatio) {
            this.mlpRatio = mlpRatio;
            return this;
        }

        /** @return the encoder */
        public Swin3d build() {
            if (embedDim <= 0) {
                throw new IllegalArgumentException("Swin3d: setEmbedDim(>0) is required");
            }
            if (depths.length != 4 || heads.length != 4) {
                throw new IllegalArgumentException("Swin3d: depths and heads need 4 values each");
            }
            for (int s = 0; s < 4; s++) {
                if (depths[s] < 1 || heads[s] < 1 || (embedDim << s) % heads[s] != 0) {
                    throw new IllegalArgumentException("Swin3d: stage " + (s + 1) + " width " + (embedDim << s)
                            + " is not a multiple of " + heads[s] + " heads (or depth < 1)");
                }
            }
            if (window < 1 || patch < 1 || inChannels < 1 || mlpRatio < 1) {
                throw new IllegalArgumentException("Swin3d: window, patch, in channels and MLP ratio must be >= 1");
            }
            return new Swin3d(this);
        }
    }
}
