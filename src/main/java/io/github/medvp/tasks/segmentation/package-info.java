/**
 * Segmentation: fine-tuning a UNETR decoder on a pre-trained encoder ({@link
 * io.github.medvp.tasks.segmentation.SegmentationFineTuning}, one step in {@link
 * io.github.medvp.tasks.segmentation.SegmentationStep}, sliding-window validation in {@link
 * io.github.medvp.tasks.segmentation.SegmentationValidation}), inference on files and folders ({@link
 * io.github.medvp.tasks.segmentation.Segmentation}), the label scheme ({@link
 * io.github.medvp.tasks.segmentation.LabelSpec}: BraTS regions, binary or per-label outputs) and the step from logits
 * to label maps ({@link io.github.medvp.tasks.segmentation.Postprocess}).
 */
package io.github.medvp.tasks.segmentation;
