package io.github.medvp.nn.fusion;

import io.github.medvp.nn.Layers;
import io.github.medvp.nn.Tokens;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The two-layer heads of MG-3D (the reference's {@code mg3d/models/prediction_heads.py} and {@code mg3d_module.py}):
 * {@code Linear(in → hidden) → [standardise] → GELU|ReLU → Linear(hidden → out) → [tanh]} on the last axis.
 * <ul>
 * <li>{@link #sentencePooler(int)} ({@code Sentence_Pooler}): 768 → 384, standardise, GELU, → 128, tanh;</li>
 * <li>{@link #sfr(int)} (the MLM head's {@code fc}): D → 128, standardise, GELU, → 8;</li>
 * <li>{@link #sentenceTarget(int)} ({@code uni_emd_sen}): 768 → 384, ReLU, → 8.</li>
 * </ul>
 * "Standardise" is the reference's {@code BatchNorm1d(affine=False)} on a (1, S, C) input, i.e. a per-row
 * standardisation ({@link Tokens#standardise}). The first two are BERT-initialised, {@code uni_emd_sen} keeps
 * PyTorch's defaults ({@code MG3DTransformerSS} never applies {@code init_weights} to it).
 */
public final class ProjectionMlp extends AbstractBlock {

    private final Linear first;
    private final Linear second;
    private final boolean standardise;
    private final boolean gelu;
    private final boolean tanh;
    private final int out;

    private ProjectionMlp(int in, int hidden, int out, boolean standardise, boolean gelu, boolean tanh,
            boolean bertInit) {
        this.standardise = standardise;
        this.gelu = gelu;
        this.tanh = tanh;
        this.out = out;
        first = addChildBlock("fc1", bertInit ? Tokens.bertLinear(hidden, true) : Layers.linear(in, hidden));
        second = addChildBlock("fc2", bertInit ? Tokens.bertLinear(out, true) : Layers.linear(hidden, out));
    }

    /** @param in input width (768) @return {@code Sentence_Pooler}: in → in/2 → 128 */
    public static ProjectionMlp sentencePooler(int in) {
        return new ProjectionMlp(in, in / 2, 128, true, true, true, true);
    }

    /** @param in input width (D) @return the SFR {@code fc}: in → 128 → 8 */
    public static ProjectionMlp sfr(int in) {
        return new ProjectionMlp(in, 128, 8, true, true, false, true);
    }

    /** @param in input width (768) @return {@code uni_emd_sen}: in → in/2 → 8 */
    public static ProjectionMlp sentenceTarget(int in) {
        return new ProjectionMlp(in, in / 2, 8, false, false, false, false);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray h = Layers.apply(first, ps, in.singletonOrThrow(), training, p);
        if (standardise) {
            h = Tokens.standardise(h);
        }
        h = gelu ? Activation.gelu(h) : Activation.relu(h);
        NDArray y = Layers.apply(second, ps, h, training, p);
        return new NDList(tanh ? y.tanh() : y);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        first.initialize(manager, dataType, inputShapes[0]);
        second.initialize(manager, dataType, Layers.outShape(first, inputShapes[0]));
    }
}
