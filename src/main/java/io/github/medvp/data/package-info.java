/**
 * Data for BrainMVP pre-training and fine-tuning: which studies there are, how a study becomes a training sample,
 * and how samples become batches.
 * <ul>
 * <li>{@link io.github.medvp.data.StudyManifest} of {@link io.github.medvp.data.Study} records, read from the
 * reference JSON lists, MONAI datalists or a folder, split and subset under a seed, and checked once from headers
 * by {@link io.github.medvp.data.ManifestValidator} ({@link io.github.medvp.data.ValidationReport}).</li>
 * <li>{@link io.github.medvp.data.Modality}: the eight modalities in template order;
 * {@link io.github.medvp.data.ModalityNames} maps file-name tokens and user aliases to them.</li>
 * <li>{@link io.github.medvp.data.Transform}s over a {@link io.github.medvp.data.Sample} (one float array per
 * channel, X fastest, plus geometry, modalities, label and metadata), composed with
 * {@link io.github.medvp.data.Compose}; {@link io.github.medvp.data.Pipelines} holds the spec's chains.</li>
 * <li>{@link io.github.medvp.data.BatchLoader}: worker threads, bounded queue, seeded and thread-independent
 * results, delivering {@link io.github.medvp.data.Batch}es as direct (B, C, X, Y, Z) float buffers.</li>
 * </ul>
 * Reading, reorientation and resampling are {@code io}'s; this package only arranges them.
 */
package io.github.medvp.data;
