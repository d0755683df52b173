/**
 * Downstream tasks: segmentation and classification fine-tuning and their evaluation.
 * <p>
 * Evaluation (this part):
 * <ul>
 * <li>{@link io.github.medvp.tasks.Metrics}: Dice with BrainMVP's empty-ground-truth rule, MONAI's percentile
 * Hausdorff distance in millimetres (on {@link io.github.medvp.tasks.DistanceTransform}, an exact anisotropic
 * Euclidean distance transform), accuracy, balanced accuracy, ROC AUC and confusion matrices;</li>
 * <li>{@link io.github.medvp.tasks.MetricsReport}: per-case and summary CSV files and a terminal table, averaged
 * as the reference does (NaN-mean over cases, then mean over regions);</li>
 * <li>{@link io.github.medvp.tasks.Evaluation}: saved predictions (NIfTI folder or classification CSV) against
 * ground truth, region meaning given by a {@link io.github.medvp.tasks.LabelSpec};</li>
 * <li>{@link io.github.medvp.tasks.SlidingWindow}: MONAI-compatible sliding-window inference of whole volumes
 * with bounded memory: windows placed by {@link io.github.medvp.tasks.WindowGrid}, weighted by
 * {@link io.github.medvp.tasks.Blending}, predicted by a {@link io.github.medvp.tasks.WindowPredictor};</li>
 * <li>{@link io.github.medvp.tasks.Postprocess}: from logits to masks and label maps.</li>
 * </ul>
 * Inference on a study:
 * <ul>
 * <li>{@link io.github.medvp.tasks.InferenceGeometry}: a study in any orientation and spacing to the model's grid
 * (normalisation, RAS, spacing, foreground crop) and the outputs back to the original grid and affine;</li>
 * <li>{@link io.github.medvp.tasks.MissingModalities} with {@link io.github.medvp.tasks.TemplateVolumes}: modalities
 * the study lacks filled with BrainMVP's learned templates, reporting which were filled.</li>
 * </ul>
 * A typical evaluation of one case:
 * <pre>{@code
 * SlidingWindow sw = SlidingWindow.builder().setPredictor(WindowPredictor.of(ps, encoder, decoder)).build();
 * float[][] logits = sw.run(manager, sample, progress);
 * boolean[][] pred = Postprocess.sigmoidMasks(logits, 0.5);
 * report.addSegmentation(sample.id(), pred, Postprocess.masks(sample.label()), sample.shape(),
 *         sample.geometry().spacing());
 * }</pre>
 * Volumes on the host are one {@code float[]} per channel with X fastest, as in
 * {@link io.github.medvp.data.Sample}.
 */
package io.github.medvp.tasks;
