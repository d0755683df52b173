package io.github.medvp.pretrain.mg3d;

/**
 * The contrast of CML (pass 3 of the reference's {@code compute_local_itc}).
 * <p>
 * What each variant aligns, for a batch of patients b with uni-modal embeddings {@code t_uni} (report, attention pool
 * of its sentence features) and {@code i_uni} (volume, {@code Swin_Pooler} of its tokens) and fused embeddings
 * {@code t_mm}, {@code i_mm} (the same pools after the two CrossGate layers):
 * <ul>
 * <li>{@link #JOINT}, the reference code: {@code [t_mm; i_mm]} against {@code [t_uni; i_uni]}. Each side holds the
 * report <i>and</i> the volume, so it matches a patient's fused view with its separate views; it never compares a
 * volume with a report.</li>
 * <li>{@link #VOLUME_REPORT}: {@code i_uni} against {@code t_uni}, the CLIP-style volume-report contrast that
 * zero-shot classification and retrieval need (their embeddings are these two).</li>
 * </ul>
 * The paper describes CML as a "cross-modal global alignment" making a patient's volume and report features represent
 * the same content; docs/deviations-mg3d.md says what is known of it and why the default is the code's.
 */
public enum CmlMode {
    /**
     * The reference code (default): the fused joint embedding {@code [t_mm; i_mm]} against the uni-modal joint
     * embedding {@code [t_uni; i_uni]} through the two towers of {@code itc_cross_head} (1536 → 768 each). Such a
     * model has no volume or report embedding for zero-shot classification or retrieval.
     */
    JOINT,
    /**
     * Volume against report: {@code i_uni} against {@code t_uni}, each through its own head ({@code itc_image_head},
     * {@code itc_text_head}); the embedding space zero-shot classification and retrieval score in. Called
     * {@code global} before.
     */
    VOLUME_REPORT;

    /** The former name of {@link #VOLUME_REPORT}, still read from old checkpoint headers. */
    public static final String OLD_VOLUME_REPORT = "global";

    /** @return the name as users, settings and checkpoint headers write it */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
