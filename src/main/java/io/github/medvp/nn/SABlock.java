package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.medvp.engine.Scalars;

/**
 * UniFormer's global block ({@code SABlock} of BrainMVP's {@code models/uniformer_blocks.py}), on (N, d, X, Y, Z):
 * <pre>
 * x = x + posEmbed(x)                                  depthwise 3³
 * t = tokens(x)                                        (N, X·Y·Z, d)
 * t = t + proj(MHSA(norm1(t)))                         LN eps 1e-6, qkv Linear d→3d with bias
 * t = t + fc2(GELU(fc1(norm2(t))))
 * </pre>
 * Attention is {@code softmax(q kᵀ / sqrt(headDim)) v}, composed from NDArray ops (no fused kernel). It is
 * equivariant under any permutation of the tokens, so the token order (X, Y, Z here, Z, X, Y in the reference) does
 * not change the result. Parameters: {@code 12d² + 41d} for MLP ratio 4.
 */
public final class SABlock extends AbstractBlock {

    private final int dim;
    private final int heads;
    final Conv3d posEmbed;
    final LayerNorm norm1;
    final Linear qkv;
    final Linear proj;
    final LayerNorm norm2;
    final Linear fc1;
    final Linear fc2;

    /**
     * @param dim channels d, a multiple of {@code headDim}
     * @param headDim channels per attention head (64 in UniFormer-S)
     * @param mlpRatio hidden width of the MLP relative to d (4 in the reference)
     */
    public SABlock(int dim, int headDim, int mlpRatio) {
        if (dim % headDim != 0) {
            throw new IllegalArgumentException("SABlock: width " + dim + " is not a multiple of head dim " + headDim);
        }
        this.dim = dim;
        this.heads = dim / headDim;
        posEmbed = addChildBlock("pos_embed", Layers.conv3d(dim, 3, 1, 1, dim, true));
        norm1 = addChildBlock("norm1", LayerNorm.builder().axis(2).optEpsilon(1e-6f).build());
        qkv = addChildBlock("qkv", Layers.linear(dim, 3 * dim));
        proj = addChildBlock("proj", Layers.linear(dim, dim));
        norm2 = addChildBlock("norm2", LayerNorm.builder().axis(2).optEpsilon(1e-6f).build());
        fc1 = addChildBlock("fc1", Layers.linear(dim, dim * mlpRatio));
        fc2 = addChildBlock("fc2", Layers.linear(dim * mlpRatio, dim));
    }

    /** @return the number of attention heads */
    public int getHeads() {
        return heads;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        x = x.add(Layers.apply(posEmbed, ps, x, training, p));
        Shape shape = x.getShape();
        long n = shape.get(0);
        NDArray t = x.reshape(n, dim, -1).transpose(0, 2, 1);
        t = t.add(Layers.apply(proj, ps, attention(Layers.apply(norm1, ps, t, training, p), ps, training, p),
                training, p));
        NDArray h = Activation.gelu(Layers.apply(fc1, ps, Layers.apply(norm2, ps, t, training, p), training, p));
        t = t.add(Layers.apply(fc2, ps, h, training, p));
        return new NDList(t.transpose(0, 2, 1).reshape(shape));
    }

    private NDArray attention(NDArray t, ParameterStore ps, boolean training, PairList<String, Object> p) {
        long n = t.getShape().get(0);
        long tokens = t.getShape().get(1);
        long headDim = dim / heads;
        // (N, L, 3d) -> (3, N, heads, L, headDim), the reference's split of the fused projection.
        NDArray qkvT = Layers.apply(qkv, ps, t, training, p)
                .reshape(n, tokens, 3, heads, headDim).transpose(2, 0, 3, 1, 4);
        NDArray q = qkvT.get(0);
        NDArray k = qkvT.get(1);
        NDArray v = qkvT.get(2);
        NDArray weights = Scalars.mul(q.matMul(k.transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(headDim)).softmax(-1);
        return weights.matMul(v).transpose(0, 2, 1, 3).reshape(n, tokens, dim);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        Shape tokens = new Shape(shape.get(0), shape.slice(2).size(), dim);
        posEmbed.initialize(manager, dataType, shape);
        norm1.initialize(manager, dataType, tokens);
        qkv.initialize(manager, dataType, tokens);
        proj.initialize(manager, dataType, tokens);
        norm2.initialize(manager, dataType, tokens);
        fc1.initialize(manager, dataType, tokens);
        fc2.initialize(manager, dataType, Layers.outShape(fc1, tokens));
    }
}
