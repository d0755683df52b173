package io.github.medvp.nn.fusion;

import io.github.medvp.nn.Layers;
import io.github.medvp.nn.Tokens;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * The projection of MG-3D's contrastive losses (CLIP-style {@code ITCHead}, {@code ITCHead_Single} of the reference's
 * {@code mg3d/models/prediction_heads.py}): {@code LayerNorm → Linear(no bias) → L2 normalise}. Input (N, in), output
 * (N, out) unit rows. BERT-initialised (LayerNorm 1, 0; weight N(0, 0.02)).
 */
public final class ItcHead extends AbstractBlock {

    private final LayerNorm norm;
    private final Linear proj;
    private final int out;

    /** @param out output width (768) */
    public ItcHead(int out) {
        this.out = out;
        norm = addChildBlock("norm", LayerNorm.builder().axis(1).optEpsilon(1e-5f).build());
        norm.setInitializer(Initializer.ONES, Parameter.Type.GAMMA);
        norm.setInitializer(Initializer.ZEROS, Parameter.Type.BETA);
        proj = addChildBlock("proj", Tokens.bertLinear(out, false));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray h = Layers.apply(proj, ps, Layers.apply(norm, ps, in.singletonOrThrow(), training, p), training, p);
        return new NDList(h.normalize(2, 1, 1e-12));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), out)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        norm.initialize(manager, dataType, inputShapes[0]);
        proj.initialize(manager, dataType, inputShapes[0]);
    }
}
