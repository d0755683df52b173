package io.github.medvp.train;

import ai.djl.ndarray.NDArray;
import io.github.medvp.engine.Scalars;

/** The symmetric InfoNCE shared by BrainMVP and MG-3D (CLIP's loss on one device, where all-gather is the identity). */
public final class Contrastive {

    private Contrastive() {
    }

    /**
     * {@code L = ½ [CE(S, diag) + CE(Sᵀ, diag)]} with {@code S = a·bᵀ / τ}: row i of both sides belongs to sample i.
     *
     * @param a (N, D), already normalised as the method wants
     * @param b (N, D)
     * @param temperature τ
     * @return the loss (0-d)
     */
    public static NDArray symmetric(NDArray a, NDArray b, double temperature) {
        long n = a.getShape().get(0);
        NDArray logits = Scalars.div(a.matMul(b.transpose()), (float) temperature);
        NDArray eye = a.getManager().eye((int) n).toDevice(a.getDevice(), false).toType(logits.getDataType(), false);
        // Row-wise cross entropy picks diag(log_softmax(S, 1)); that of Sᵀ picks diag(log_softmax(S, 0)).
        NDArray rows = logits.logSoftmax(1).mul(eye).sum();
        NDArray cols = logits.logSoftmax(0).mul(eye).sum();
        return Scalars.div(rows.add(cols), (float) (-2.0 * n));
    }
}
