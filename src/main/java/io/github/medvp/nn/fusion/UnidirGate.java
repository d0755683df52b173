package io.github.medvp.nn.fusion;

import io.github.medvp.nn.Layers;
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
import io.github.medvp.engine.Scalars;

/**
 * The one-way gate of MG-3D's disentangled aggregation ({@code Unidir_LocalCrossAttention(in1, in2)}, in
 * {@code mg3d/models/local_attention.py}): {@code out_k = σ(q(in2)·k(in1_k) / √D) · v(in1_k)} for every row k of
 * {@code in1}, with {@code in2} one vector per sample. Inputs {@code (in1 (N, S, D), in2 (N, D))}, output (N, S, D).
 * PyTorch-default initialisation.
 */
public final class UnidirGate extends AbstractBlock {

    private final int dim;
    private final Linear q;
    private final Linear k;
    private final Linear v;

    /** @param dim D */
    public UnidirGate(int dim) {
        this.dim = dim;
        q = addChildBlock("q", Layers.linear(dim, dim));
        k = addChildBlock("k", Layers.linear(dim, dim));
        v = addChildBlock("v", Layers.linear(dim, dim));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray rows = in.get(0);
        NDArray query = Layers.apply(q, ps, in.get(1), training, p).expandDims(1);
        NDArray keys = Layers.apply(k, ps, rows, training, p);
        NDArray gate = Activation.sigmoid(
                Scalars.mul(keys.mul(query).sum(new int[] {2}, true), (float) (1 / Math.sqrt(dim))));
        return new NDList(gate.mul(Layers.apply(v, ps, rows, training, p)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        q.initialize(manager, dataType, inputShapes[1]);
        k.initialize(manager, dataType, inputShapes[0]);
        v.initialize(manager, dataType, inputShapes[0]);
    }
}
