package io.github.medvp.nn.fusion;

import io.github.medvp.nn.Layers;
import io.github.medvp.nn.Tokens;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.medvp.engine.Scalars;

/**
 * MG-3D's {@code SentenceAttentionPool} (the reference's {@code mg3d/models/sentence_pool.py}), CLIP's attention pool
 * without positional embedding: the mean row is prepended and attends, with {@code heads} heads, over itself and every
 * row; the result is its output after the output projection. Inputs {@code (x (N, S, D)[, mask (N, S)])}, output (N,
 * D). The optional 0/1 mask keeps padded sentences out of the mean and out of the keys, which equals running the
 * reference on each sample's own sentences. PyTorch-default initialisation, as the reference.
 */
public final class AttentionPool extends AbstractBlock {

    private final int dim;
    private final int heads;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;

    /**
     * @param dim D
     * @param heads attention heads (8 in MG-3D); must divide D
     */
    public AttentionPool(int dim, int heads) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("AttentionPool: " + heads + " heads do not divide width " + dim);
        }
        this.dim = dim;
        this.heads = heads;
        q = addChildBlock("q_proj", Layers.linear(dim, dim));
        k = addChildBlock("k_proj", Layers.linear(dim, dim));
        v = addChildBlock("v_proj", Layers.linear(dim, dim));
        out = addChildBlock("c_proj", Layers.linear(dim, dim));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.get(0);
        NDArray mask = in.size() > 1 ? in.get(1) : null;
        long n = x.getShape().get(0);
        long s = x.getShape().get(1);
        int hd = dim / heads;
        NDArray mean = Tokens.maskedMean(x, mask).expandDims(1);
        NDArray seq = mean.concat(x, 1);
        NDArray query = Layers.apply(q, ps, mean, training, p).reshape(n, 1, heads, hd).transpose(0, 2, 1, 3);
        NDArray keys = Layers.apply(k, ps, seq, training, p).reshape(n, s + 1, heads, hd).transpose(0, 2, 3, 1);
        NDArray values = Layers.apply(v, ps, seq, training, p).reshape(n, s + 1, heads, hd).transpose(0, 2, 1, 3);
        // (N, h, 1, S+1) scores; PyTorch scales q by head_dim^-½ before the product.
        NDArray scores = Scalars.mul(query, (float) (1 / Math.sqrt(hd))).matMul(keys);
        if (mask != null) {
            NDArray valid = x.getManager().ones(new Shape(n, 1), mask.getDataType(), mask.getDevice())
                    .concat(mask, 1).reshape(n, 1, 1, s + 1);
            scores = scores.add(Scalars.mul(Scalars.sub(valid.toType(scores.getDataType(), false), 1f), 1e9f));
        }
        NDArray pooled = scores.softmax(3).matMul(values).reshape(n, dim);
        return new NDList(Layers.apply(out, ps, pooled, training, p));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Linear l : new Linear[] {q, k, v, out}) {
            l.initialize(manager, dataType, new Shape(1, dim));
        }
    }
}
