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
 * MG-3D's fusion layer ({@code MLMCrossMultiHeadAttention} and {@code MIMCrossMultiHeadAttention} of the reference's
 * {@code mg3d/models/local_attention.py}, Fig. 4 of the paper): single head, sigmoid instead of softmax, no residual,
 * norm, FFN. Each stream keeps <b>its own values</b>; the other modality only supplies one scalar gate per token:
 * <pre>
 * A'_i = mean_j σ(q1(A_i)·k2(B_j) / √D) · v1(A_i)
 * B'_j = mean_i σ(q2(B_j)·k1(A_i) / √D) · v2(B_j)
 * </pre>
 * Inputs {@code (A (N, n_a, D), B (N, n_b, D)[, maskA (N, n_a), maskB (N, n_b)])}; outputs {@code (A', B')}. The
 * optional 0/1 masks restrict the means to real rows, so a padded batch gives what the reference's per-sample loop
 * gives (the reference passes no mask for token streams, so callers pass none there). The six Linear(D, D) layers
 * keep PyTorch's default initialisation, as the reference ({@code MG3DTransformerSS} never applies its
 * {@code init_weights} to them).
 */
public final class CrossGate extends AbstractBlock {

    private final int dim;
    private final Linear q1;
    private final Linear k1;
    private final Linear v1;
    private final Linear q2;
    private final Linear k2;
    private final Linear v2;

    /** @param dim D, the width of both streams */
    public CrossGate(int dim) {
        this.dim = dim;
        q1 = addChildBlock("q1", Layers.linear(dim, dim));
        k1 = addChildBlock("k1", Layers.linear(dim, dim));
        v1 = addChildBlock("v1", Layers.linear(dim, dim));
        q2 = addChildBlock("q2", Layers.linear(dim, dim));
        k2 = addChildBlock("k2", Layers.linear(dim, dim));
        v2 = addChildBlock("v2", Layers.linear(dim, dim));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray a = in.get(0);
        NDArray b = in.get(1);
        NDArray maskA = in.size() > 2 ? in.get(2) : null;
        NDArray maskB = in.size() > 3 ? in.get(3) : null;
        float scale = (float) (1 / Math.sqrt(dim));
        NDArray gateA = Activation.sigmoid(Scalars.mul(Layers.apply(q1, ps, a, training, p)
                .matMul(Layers.apply(k2, ps, b, training, p).transpose(0, 2, 1)), scale));
        NDArray gateB = Activation.sigmoid(Scalars.mul(Layers.apply(q2, ps, b, training, p)
                .matMul(Layers.apply(k1, ps, a, training, p).transpose(0, 2, 1)), scale));
        NDArray outA = rowMean(gateA, maskB).mul(Layers.apply(v1, ps, a, training, p));
        NDArray outB = rowMean(gateB, maskA).mul(Layers.apply(v2, ps, b, training, p));
        return new NDList(outA, outB);
    }

    /** (N, n, m) gates → (N, n, 1) mean over the valid m. */
    private static NDArray rowMean(NDArray gates, NDArray mask) {
        if (mask == null) {
            return gates.mean(new int[] {2}, true);
        }
        NDArray m = mask.toType(gates.getDataType(), false).expandDims(1);
        return gates.mul(m).sum(new int[] {2}, true).div(Scalars.maximum(m.sum(new int[] {2}, true), 1f));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0], inputShapes[1]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Linear l : new Linear[] {q1, k1, v1}) {
            l.initialize(manager, dataType, inputShapes[0]);
        }
        for (Linear l : new Linear[] {q2, k2, v2}) {
            l.initialize(manager, dataType, inputShapes[1]);
        }
    }
}
