/**
 * Inference on whole studies, shared by segmentation, classification and feature extraction.
 * <ul>
 * <li>{@link io.github.medvp.tasks.inference.InferenceGeometry}: a study in any orientation and spacing to the
 * model's grid and the outputs back to the original grid and affine;</li>
 * <li>{@link io.github.medvp.tasks.inference.SlidingWindow}: MONAI-compatible sliding-window inference with bounded
 * memory: windows placed by {@link io.github.medvp.tasks.inference.WindowGrid}, weighted by {@link
 * io.github.medvp.tasks.inference.Blending}, predicted by a {@link io.github.medvp.tasks.inference.WindowPredictor};</li>
 * <li>{@link io.github.medvp.tasks.inference.MissingModalities}: modalities a study lacks filled ({@link
 * io.github.medvp.tasks.inference.ModalityFill}) with BrainMVP's templates ({@link
 * io.github.medvp.tasks.inference.TemplateVolumes}), the training mean or zeros.</li>
 * </ul>
 */
package io.github.medvp.tasks.inference;
