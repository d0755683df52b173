package io.github.medvp.nn.bert;

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

/**
 * MG-3D's poolers (the reference's {@code mg3d/models/prediction_heads.py}), each ending in
 * {@code tanh(Linear(D, D)(·))}, BERT-initialised:
 * <ul>
 * <li>{@link #tokens(int)} ({@code Swin_Pooler}): a learned Linear(N → 1) over the N image tokens, input (B, N, D);
 * </li>
 * <li>{@link #mean(int)} ({@code Swin_Att_Pooler}): the mean over the rows, input {@code (x (B, S, D)[, mask (B, S)])}
 * (the reference's unused attention pool inside it is left out).</li>
 * </ul>
 * Output (B, D).
 */
public final class Pooler extends AbstractBlock {

    private final Linear tokenWeights;
    private final Linear dense;
    private final int dim;

    private Pooler(int dim, boolean tokens) {
        this.dim = dim;
        tokenWeights = tokens ? addChildBlock("token_pool", Tokens.bertLinear(1, true)) : null;
        dense = addChildBlock("dense", Tokens.bertLinear(dim, true));
    }

    /**
     * @param dim D
     * @return a pooler with a learned weight per image token (the token count comes from the initialisation shape)
     */
    public static Pooler tokens(int dim) {
        return new Pooler(dim, true);
    }

    /**
     * @param dim D
     * @return a mean pooler
     */
    public static Pooler mean(int dim) {
        return new Pooler(dim, false);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.get(0);
        NDArray pooled;
        if (tokenWeights != null) {
            pooled = Layers.apply(tokenWeights, ps, x.transpose(0, 2, 1), training, p).squeeze(2);
        } else {
            pooled = Tokens.maskedMean(x, in.size() > 1 ? in.get(1) : null);
        }
        return new NDList(Layers.apply(dense, ps, pooled, training, p).tanh());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(2))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        if (tokenWeights != null) {
            tokenWeights.initialize(manager, dataType, new Shape(x.get(0), x.get(2), x.get(1)));
        }
        dense.initialize(manager, dataType, new Shape(x.get(0), dim));
    }
}
