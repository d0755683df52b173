/**
 * MG-3D's text side: volume-report pairs ({@link io.github.medvp.data.text.ReportDataset} of {@link
 * io.github.medvp.data.text.ReportRecord}, CSV or JSON with CT-RATE's columns), sentences ({@link
 * io.github.medvp.data.text.SentenceSplitter}), BERT WordPiece tokens ({@link
 * io.github.medvp.data.text.WordPieceTokenizer}, or a vocabulary built by {@link
 * io.github.medvp.data.text.VocabularyBuilder}), encoded reports ({@link io.github.medvp.data.text.EncodedReport}),
 * whole-word masking for MLM ({@link io.github.medvp.data.text.WholeWordMasking}) and their collation ({@link
 * io.github.medvp.data.text.TextBatch}).
 */
package io.github.medvp.data.text;
