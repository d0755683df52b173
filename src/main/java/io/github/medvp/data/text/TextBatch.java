package io.github.medvp.data.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import io.github.medvp.engine.HostArrays;

/**
 * Encoded reports collated into fixed-length host arrays (int64, row-major), MG-3D's text batch
 * ({@code BaseDataset.collate} in the reference's {@code mg3d/datasets/base_dataset.py}):
 * <ul>
 * <li>{@code text_ids}, {@code text_masks} (attention mask 1/0), {@code sentence_index} (−1 or 1..S):
 * (B, L);</li>
 * <li>{@code text_ids_mlm}, {@code text_labels_mlm} ({@link WholeWordMasking#IGNORE} where not predicted): (B, L),
 * present only when masked reports were given;</li>
 * <li>{@code sen_txt_ids}, {@code sen_txt_masks}: (B, S, Ls), each sample's per-sentence encodings
 * ({@code [CLS]} … {@code [SEP]}) padded with {@code [PAD]} / 0 to the batch's largest sentence count S and
 * encoding length Ls (S ≥ 1, Ls ≥ 2 so no axis is empty); rows past a sample's sentence count are all padding;</li>
 * <li>{@link #sentenceCounts()}: S_b per sample.</li>
 * </ul>
 * Immutable; built once per batch on the loader's side, moved to the device with {@link #toNDList}.
 */
public final class TextBatch {

    private final int batch;
    private final int length;
    private final int sentences;
    private final int sentenceLength;
    private final long[] ids;
    private final long[] attentionMask;
    private final long[] sentenceIndex;
    private final long[] mlmIds;
    private final long[] mlmLabels;
    private final long[] sentenceIds;
    private final long[] sentenceMask;
    private final int[] sentenceCounts;

    private TextBatch(List<EncodedReport> reports, List<WholeWordMasking.Masked> masked, int padId) {
        batch = reports.size();
        if (batch == 0) {
            throw new IllegalArgumentException("TextBatch: no reports");
        }
        length = reports.get(0).maxLength();
        int s = 1;
        int ls = 2;
        for (EncodedReport r : reports) {
            if (r.maxLength() != length) {
                throw new IllegalArgumentException("TextBatch: reports of lengths " + length + " and "
                        + r.maxLength());
            }
            s = Math.max(s, r.sentenceCount());
            for (int[] e : r.sentenceIds()) {
                ls = Math.max(ls, e.length);
            }
        }
        sentences = s;
        sentenceLength = ls;
        ids = new long[batch * length];
        attentionMask = new long[batch * length];
        sentenceIndex = new long[batch * length];
        mlmIds = masked == null ? null : new long[batch * length];
        mlmLabels = masked == null ? null : new long[batch * length];
        sentenceIds = new long[batch * s * ls];
        sentenceMask = new long[batch * s * ls];
        sentenceCounts = new int[batch];
        Arrays.fill(sentenceIds, padId);
        for (int b = 0; b < batch; b++) {
            EncodedReport r = reports.get(b);
            copy(r.ids(), ids, b * length);
            copy(r.attentionMask(), attentionMask, b * length);
            copy(r.sentenceIndex(), sentenceIndex, b * length);
            if (masked != null) {
                copy(masked.get(b).inputIds(), mlmIds, b * length);
                copy(masked.get(b).labels(), mlmLabels, b * length);
            }
            sentenceCounts[b] = r.sentenceCount();
            for (int k = 0; k < r.sentenceCount(); k++) {
                int[] e = r.sentenceIds().get(k);
                int at = (b * s + k) * ls;
                copy(e, sentenceIds, at);
                Arrays.fill(sentenceMask, at, at + e.length, 1);
            }
        }
    }

    private TextBatch(TextBatch all, int from, int n) {
        batch = n;
        length = all.length;
        sentences = all.sentences;
        sentenceLength = all.sentenceLength;
        int perRow = length;
        int perSentences = sentences * sentenceLength;
        ids = Arrays.copyOfRange(all.ids, from * perRow, (from + n) * perRow);
        attentionMask = Arrays.copyOfRange(all.attentionMask, from * perRow, (from + n) * perRow);
        sentenceIndex = Arrays.copyOfRange(all.sentenceIndex, from * perRow, (from + n) * perRow);
        mlmIds = all.mlmIds == null ? null : Arrays.copyOfRange(all.mlmIds, from * perRow, (from + n) * perRow);
        mlmLabels = all.mlmLabels == null ? null
                : Arrays.copyOfRange(all.mlmLabels, from * perRow, (from + n) * perRow);
        sentenceIds = Arrays.copyOfRange(all.sentenceIds, from * perSentences, (from + n) * perSentences);
        sentenceMask = Arrays.copyOfRange(all.sentenceMask, from * perSentences, (from + n) * perSentences);
        sentenceCounts = Arrays.copyOfRange(all.sentenceCounts, from, from + n);
    }

    /**
     * Rows {@code from} to {@code from + n - 1}, padded as this whole batch is (the same sentence count and length),
     * so a replica of a data-parallel step sees its rows exactly as one device given the whole batch does.
     *
     * @param from the first row
     * @param n how many rows
     * @return the rows
     */
    public TextBatch rows(int from, int n) {
        if (from < 0 || n < 1 || from + n > batch) {
            throw new IllegalArgumentException("TextBatch: rows " + from + " to " + (from + n - 1) + " of " + batch);
        }
        return new TextBatch(this, from, n);
    }

    /**
     * @param reports the batch's encoded reports, all of one length L
     * @param masked their MLM corruptions in the same order, or null when no MLM is needed
     * @param tokenizer the tokenizer (the padding id)
     * @return the batch
     */
    public static TextBatch collate(List<EncodedReport> reports, List<WholeWordMasking.Masked> masked,
            WordPieceTokenizer tokenizer) {
        if (masked != null && masked.size() != reports.size()) {
            throw new IllegalArgumentException("TextBatch: " + reports.size() + " reports but " + masked.size()
                    + " masked");
        }
        return new TextBatch(reports, masked, tokenizer.padId());
    }

    private static void copy(int[] src, long[] dst, int at) {
        for (int i = 0; i < src.length; i++) {
            dst[at + i] = src[i];
        }
    }

    /** @return B */
    public int batchSize() {
        return batch;
    }

    /** @return L */
    public int maxLength() {
        return length;
    }

    /** @return S, the largest sentence count in the batch (at least 1) */
    public int maxSentences() {
        return sentences;
    }

    /** @return Ls, the longest per-sentence encoding in the batch (at least 2) */
    public int sentenceLength() {
        return sentenceLength;
    }

    /** @return whether MLM arrays are present */
    public boolean hasMlm() {
        return mlmIds != null;
    }

    /** @return (B, L) token ids; the array itself, do not modify */
    public long[] ids() {
        return ids;
    }

    /** @return (B, L) attention mask; the array itself */
    public long[] attentionMask() {
        return attentionMask;
    }

    /** @return (B, L) sentence indices; the array itself */
    public long[] sentenceIndex() {
        return sentenceIndex;
    }

    /** @return (B, L) corrupted ids, or null; the array itself */
    public long[] mlmIds() {
        return mlmIds;
    }

    /** @return (B, L) MLM labels, or null; the array itself */
    public long[] mlmLabels() {
        return mlmLabels;
    }

    /** @return (B, S, Ls) per-sentence ids; the array itself */
    public long[] sentenceIds() {
        return sentenceIds;
    }

    /** @return (B, S, Ls) per-sentence masks; the array itself */
    public long[] sentenceMask() {
        return sentenceMask;
    }

    /** @return S_b per sample (a copy) */
    public int[] sentenceCounts() {
        return sentenceCounts.clone();
    }

    /**
     * The batch as int64 arrays on {@code manager}'s device, named as the reference's batch keys: {@code text_ids},
     * {@code text_masks}, {@code sentence_index}, {@code sen_txt_ids}, {@code sen_txt_masks}, then, with MLM,
     * {@code text_ids_mlm}, {@code text_labels_mlm}.
     *
     * @param manager owner of the arrays
     * @return 5 or 7 arrays in that order
     */
    public NDList toNDList(NDManager manager) {
        Shape bl = new Shape(batch, length);
        Shape bsl = new Shape(batch, sentences, sentenceLength);
        NDList out = new NDList(named(manager, ids, bl, "text_ids"), named(manager, attentionMask, bl, "text_masks"),
                named(manager, sentenceIndex, bl, "sentence_index"), named(manager, sentenceIds, bsl, "sen_txt_ids"),
                named(manager, sentenceMask, bsl, "sen_txt_masks"));
        if (hasMlm()) {
            out.add(named(manager, mlmIds, bl, "text_ids_mlm"));
            out.add(named(manager, mlmLabels, bl, "text_labels_mlm"));
        }
        return out;
    }

    private static NDArray named(NDManager manager, long[] data, Shape shape, String name) {
        NDArray a = HostArrays.copyOf(manager, data, shape);
        a.setName(name);
        return a;
    }
}
