package io.github.medvp.pretrain.mg3d;

/** The contrast of CML (pass 3 step 4). */
public enum CmlMode {
    /**
     * Volume vs report (default): the uni-modal volume embedding {@code i_uni} against the uni-modal report
     * embedding {@code t_uni}, each through its own ITC head. This is the paper's cross-modal alignment and the
     * embedding space zero-shot classification and retrieval score in.
     */
    GLOBAL,
    /**
     * The reference code: the fused joint embedding {@code [t_mm; i_mm]} against the uni-modal joint
     * embedding {@code [t_uni; i_uni]} through {@code itc_cross_head} (1536 → 768); it aligns each patient's
     * fused view with its separate views, not volumes with reports (downstream scores are then untrained).
     */
    JOINT
}
