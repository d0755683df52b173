/**
 * Data for BrainMVP and MG-3D pre-training and fine-tuning: which studies there are, how a study becomes a training
 * sample, and how samples become batches.
 * <ul>
 * <li>{@link io.github.medvp.data.manifest.StudyManifest} of {@link io.github.medvp.data.manifest.Study} records, read from the
 * reference JSON lists, MONAI datalists or a folder, split and subset under a seed, and checked once from headers
 * by {@link io.github.medvp.data.manifest.ManifestValidator} ({@link io.github.medvp.data.manifest.ValidationReport}).</li>
 * <li>{@link io.github.medvp.data.manifest.Modality}: the eight modalities in template order;
 * {@link io.github.medvp.data.manifest.ModalityNames} maps file-name tokens and user aliases to them.</li>
 * <li>{@link io.github.medvp.data.transform.Transform}s over a {@link io.github.medvp.data.Sample} (one float array per
 * channel, X fastest, plus geometry, modalities, label and metadata), composed with
 * {@link io.github.medvp.data.transform.Compose}; {@link io.github.medvp.data.Pipelines} holds the spec's chains.</li>
 * <li>{@link io.github.medvp.data.BatchLoader}: worker threads, bounded queue, seeded and thread-independent
 * results, delivering {@link io.github.medvp.data.Batch}es as direct (B, C, X, Y, Z) float buffers.</li>
 * <li>MG-3D's text side: {@link io.github.medvp.data.text.ReportDataset} of {@link io.github.medvp.data.text.ReportRecord}
 * volume-report pairs (CSV/JSON, CT-RATE columns); {@link io.github.medvp.data.text.SentenceSplitter};
 * {@link io.github.medvp.data.text.WordPieceTokenizer} (DJL's BERT WordPiece from vocab.txt or tokenizer.json) or one
 * built by {@link io.github.medvp.data.text.VocabularyBuilder}; {@link io.github.medvp.data.text.ReportEncoder} to
 * {@link io.github.medvp.data.text.EncodedReport} (ids, attention mask, sentence indices, per-sentence encodings);
 * {@link io.github.medvp.data.text.WholeWordMasking} for MLM; {@link io.github.medvp.data.text.TextBatch} collation.</li>
 * </ul>
 * Reading, reorientation and resampling are {@code io}'s; this package only arranges them.
 */
package io.github.medvp.data;
