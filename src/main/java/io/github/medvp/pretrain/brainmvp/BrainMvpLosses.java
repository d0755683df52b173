package io.github.medvp.pretrain.brainmvp;

import ai.djl.ndarray.NDArray;
import io.github.medvp.train.Contrastive;

/** The loss terms of BrainMVP ({@code RecModel.forward} in the reference's {@code models/Uniformer.py}) on the device. */
public final class BrainMvpLosses {

    /** ε of the feature normalisation ({@code F.normalize}). */
    public static final double NORM_EPS = 1e-12;

    private BrainMvpLosses() {
    }

    /**
     * @param prediction any shape
     * @param target same shape
     * @return the mean squared error over all elements (0-d)
     */
    public static NDArray mse(NDArray prediction, NDArray target) {
        return prediction.sub(target).square().mean();
    }

    /**
     * The symmetric InfoNCE of the reference ({@code Contrast_Loss} in {@code losses/loss.py}):
     * {@code S_ab = ⟨s_a/‖s_a‖, t_b/‖t_b‖⟩ / τ}, {@code L = ½ [CE(S, diag) + CE(Sᵀ, diag)]}, with the norm clamped
     * below by {@link #NORM_EPS}. No projection head and no stop-gradient on either side.
     *
     * @param student (N, D), the view-2 features
     * @param teacher (N, D), the view-1 features; row a of both belongs to sample a
     * @param temperature τ (1 in the reference)
     * @return the loss (0-d)
     */
    public static NDArray infoNce(NDArray student, NDArray teacher, double temperature) {
        return infoNce(student, teacher, temperature, false);
    }

    /**
     * @param student (N, D) this replica's
     * @param teacher (N, D) this replica's
     * @param temperature τ
     * @param global on several devices, over every replica's rows ({@link Contrastive#gathered}); else over this
     *     replica's only, as the reference's DDP computes it per GPU
     * @return the loss (0-d)
     */
    public static NDArray infoNce(NDArray student, NDArray teacher, double temperature, boolean global) {
        NDArray a = student.normalize(2, 1, NORM_EPS);
        NDArray b = teacher.normalize(2, 1, NORM_EPS);
        return global ? Contrastive.gathered(a, b, temperature) : Contrastive.symmetric(a, b, temperature);
    }
}
