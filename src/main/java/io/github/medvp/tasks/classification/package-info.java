/**
 * Classification: a pooled head on a pre-trained encoder, fine-tuned ({@link
 * io.github.medvp.tasks.classification.ClassificationFineTuning}, class names and CSV labels in {@link
 * io.github.medvp.tasks.classification.ClassLabels}) and run on studies ({@link
 * io.github.medvp.tasks.classification.Classification}).
 */
package io.github.medvp.tasks.classification;
