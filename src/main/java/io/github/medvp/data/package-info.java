/**
 * Data for BrainMVP and MG-3D pre-training and fine-tuning: which studies there are, how a study becomes a training
 * sample, and how samples become batches.
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
 * <li>MG-3D's text side: {@link io.github.medvp.data.ReportDataset} of {@link io.github.medvp.data.ReportRecord}
 * volume-report pairs (CSV/JSON, CT-RATE columns); {@link io.github.medvp.data.SentenceSplitter};
 * {@link io.github.medvp.data.WordPieceTokenizer} (DJL's BERT WordPiece from vocab.txt or tokenizer.json) or one
 * built by {@link io.github.medvp.data.VocabularyBuilder}; {@link io.github.medvp.data.ReportEncoder} to
 * {@link io.github.medvp.data.EncodedReport} (ids, attention mask, sentence indices, per-sentence encodings);
 * {@link io.github.medvp.data.WholeWordMasking} for MLM; {@link io.github.medvp.data.TextBatch} collation.</li>
 * </ul>
 * Reading, reorientation and resampling are {@code io}'s; this package only arranges them.
 */
package io.github.medvp.data;
