package io.github.medvp.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * The linear pre-training decoder of BrainMVP ({@code UniSegDecoder.forward} of the reference's
 * {@code models/Uniformer.py}): four k2/s2 transposed convolutions (no bias) w4 → w3 → w2 → w1 → w1 chained with no
 * normalisation or non-linearity, then a 1×1×1 convolution (with bias) to the output channels. It only uses the
 * encoder's last output, so each spatial axis grows 16 times; with the encoder's ×16 reduction the reconstruction has
 * the input's size.
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
        Device device = x.getDevice();
        // The whole decoder is linear (no norm, bias or non-linearity between the transposed convolutions), so it
        // is one map from each x4 voxel to a 16³ block of the output. Composing the (small) weights first and
        // applying them once gives the same function without the 48³ and 96³ hidden volumes of width w1 and their
        // depth-to-space copies (the largest activations of the step, and their gradients). Contracting from the
        // output side keeps every intermediate small: V has shape (C_in of the level, 8^levels · C_out).
        Parameter outWeight = out.getParameters().get("weight");
        Parameter outBias = out.getParameters().get("bias");
        NDArray w = ps.getValue(outWeight, device, training);
        long q = w.getShape().get(0);
        NDArray v = w.reshape(q, -1).transpose(); // (w1, q)
        for (int level = ups.size() - 1; level >= 0; level--) {
            ConvTranspose3dK2S2 up = ups.get(level);
            NDArray wt = ps.getValue(up.getWeight(), device, training); // (C_in, C_out, 2, 2, 2)
            long cin = wt.getShape().get(0);
            long cout = wt.getShape().get(1);
            // V'[c, (a, rest)] = Σ_o W[c, o, a] · V[o, rest]
            v = wt.reshape(cin, cout, 8).transpose(0, 2, 1).reshape(cin * 8, cout).matMul(v).reshape(cin, -1);
        }
        int levels = ups.size();
        long cin = v.getShape().get(0);
        long channels = v.getShape().get(1); // 8^levels · q, in the order (a_1 .. a_levels, q), a = (i, j, k)
        NDArray y = Conv3d.conv3d(x, v.transpose().reshape(channels, cin, 1, 1, 1)).singletonOrThrow();
        Shape s = x.getShape();
        long n = s.get(0);
        long[] split = new long[3 * levels + 5];
        split[0] = n;
        for (int i = 1; i <= 3 * levels; i++) {
            split[i] = 2;
        }
        split[3 * levels + 1] = q;
        split[3 * levels + 2] = s.get(2);
        split[3 * levels + 3] = s.get(3);
        split[3 * levels + 4] = s.get(4);
        // (n, [i_l, j_l, k_l] for l = 1..levels, q, X, Y, Z) -> (n, q, X, i_1..i_L, Y, j_1..j_L, Z, k_1..k_L):
        // output coordinate 2^L·x + 2^(L-1)·i_1 + … + i_L, as the chained depth-to-space steps give.
        int[] order = new int[split.length];
        int o = 0;
        order[o++] = 0;
        order[o++] = 3 * levels + 1;
        for (int axis = 0; axis < 3; axis++) {
            order[o++] = 3 * levels + 2 + axis;
            for (int l = 0; l < levels; l++) {
                order[o++] = 1 + 3 * l + axis;
            }
        }
        long scale = 1L << levels;
        NDArray rec = y.reshape(new Shape(split)).transpose(order)
                .reshape(n, q, scale * s.get(2), scale * s.get(3), scale * s.get(4));
        if (outBias != null) {
            rec = rec.add(ps.getValue(outBias, device, training).reshape(1, q, 1, 1, 1));
        }
        return new NDList(rec);
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
