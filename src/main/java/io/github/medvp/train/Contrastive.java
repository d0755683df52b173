package io.github.medvp.train;

import ai.djl.ndarray.NDArray;
import io.github.medvp.engine.Replica;
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

    /**
     * {@link #symmetric} over the global batch of a data-parallel pass: every replica's rows gathered
     * ({@link Replica#gather}, gradients flowing back to each replica), so every sample has the other replicas'
     * samples as negatives too, as MG-3D's reference all-gathers its ITC features ({@code mg3d/models/objectives.py}).
     * Every replica computes the same global loss, and {@link DataParallel} averages the replicas' losses, so the
     * term equals that of one device given the whole batch. On one device it is {@link #symmetric}.
     *
     * @param a this replica's (N, D)
     * @param b this replica's (N, D)
     * @param temperature τ
     * @return the loss over the global batch (0-d)
     */
    public static NDArray gathered(NDArray a, NDArray b, double temperature) {
        return symmetric(Replica.gather(a), Replica.gather(b), temperature);
    }
}
