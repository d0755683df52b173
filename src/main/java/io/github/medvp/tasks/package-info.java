/**
 * Downstream tasks: segmentation and classification fine-tuning and their evaluation.
 * <p>
 * Fine-tuning:
 * <ul>
 * <li>{@link io.github.medvp.tasks.TaskModel}: the fine-tuned model and its checkpoint format (a
 * {@link io.github.medvp.tasks.TaskSpec} header: task, encoder (UniFormer or Swin, size, axis order), modalities,
 * {@link io.github.medvp.tasks.segmentation.LabelSpec} regions or classes with remapping, crop, normalisation,
 * templates), initialised by {@link io.github.medvp.tasks.EncoderInit} from BrainMVP, MG-3D or reference checkpoints
 * ({@link io.github.medvp.tasks.EncoderCheckpoint}), its encoder run through
 * {@link io.github.medvp.tasks.TaskEncoder};</li>
 * <li>{@link io.github.medvp.tasks.segmentation.SegmentationFineTuning} and {@link
 * io.github.medvp.tasks.classification.ClassificationFineTuning} on the shared {@link io.github.medvp.train.TrainLoop},
 * configured by {@link io.github.medvp.tasks.FineTuneSettings}, with {@link io.github.medvp.tasks.FineTuneLosses} and
 * {@link io.github.medvp.tasks.TemplateReplacement};</li>
 * <li>{@link io.github.medvp.tasks.segmentation.Segmentation} and {@link
 * io.github.medvp.tasks.classification.Classification}: inference with a fine-tuned model on files, folders, manifests
 * or in-memory volumes.</li>
 * </ul>
 * <pre>{@code
 * SegmentationFineTuning.Result r = SegmentationFineTuning.run(FineTuneSettings.builder().data(folder)
 *         .run(runDir).preset(UniFormerPreset.TINY).crop(32).labels(LabelSpec.binary()).init(brainMvpCheckpoint)
 *         .fraction(0.4).epochs(20).build(), progress);
 * try (Segmentation seg = new Segmentation(SegmentSettings.of(r.best(), "auto"))) {
 *     seg.run(studies, List.of(), "", outputFolder, progress);
 * }
 * }</pre>
 * Evaluation:
 * <ul>
 * <li>{@link io.github.medvp.tasks.metrics.Metrics}: Dice with BrainMVP's empty-ground-truth rule, MONAI's percentile
 * Hausdorff distance in millimetres (on {@link io.github.medvp.tasks.metrics.DistanceTransform}, an exact anisotropic
 * Euclidean distance transform), accuracy, balanced accuracy, ROC AUC and confusion matrices;</li>
 * <li>{@link io.github.medvp.tasks.metrics.MetricsReport}: per-case and summary CSV files and a terminal table,
 * averaged as the reference does (NaN-mean over cases, then mean over regions);</li>
 * <li>{@link io.github.medvp.tasks.metrics.Evaluation}: saved predictions (NIfTI folder or classification CSV) against
 * ground truth, region meaning given by a {@link io.github.medvp.tasks.segmentation.LabelSpec};</li>
 * <li>{@link io.github.medvp.tasks.inference.SlidingWindow}: MONAI-compatible sliding-window inference of whole volumes
 * with bounded memory: windows placed by {@link io.github.medvp.tasks.inference.WindowGrid}, weighted by
 * {@link io.github.medvp.tasks.inference.Blending}, predicted by a {@link
 * io.github.medvp.tasks.inference.WindowPredictor};</li>
 * <li>{@link io.github.medvp.tasks.segmentation.Postprocess}: from logits to masks and label maps.</li>
 * </ul>
 * Inference on a study:
 * <ul>
 * <li>{@link io.github.medvp.tasks.inference.InferenceGeometry}: a study in any orientation and spacing to the model's
 * grid (normalisation, RAS, spacing, foreground crop) and the outputs back to the original grid and affine;</li>
 * <li>{@link io.github.medvp.tasks.inference.MissingModalities} with {@link
 * io.github.medvp.tasks.inference.TemplateVolumes}: modalities the study lacks filled with BrainMVP's learned
 * templates, reporting which were filled.</li>
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
