/**
 * Evaluation: {@link io.github.medvp.tasks.metrics.Metrics} (Dice with BrainMVP's empty-ground-truth rule, MONAI's
 * percentile Hausdorff distance in millimetres on the exact anisotropic {@link
 * io.github.medvp.tasks.metrics.DistanceTransform}, accuracy, balanced accuracy, ROC AUC, confusion matrices), the
 * per-case and summary tables of {@link io.github.medvp.tasks.metrics.MetricsReport} (averaged as the reference: NaN-mean
 * over cases, then mean over regions), saved predictions against ground truth ({@link
 * io.github.medvp.tasks.metrics.Evaluation}) and paired comparisons of two models ({@link
 * io.github.medvp.tasks.metrics.PairedDifference}).
 */
package io.github.medvp.tasks.metrics;
