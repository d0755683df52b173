package io.github.medvp.data.text;

import java.util.List;

/**
 * One report tokenised as MG-3D's batch holds it ({@code BaseDataset.get_text_sen} and {@code collate} in the
 * reference's {@code mg3d/datasets/base_dataset.py}), all arrays of the fixed length L (250 in MG-3D).
 *
 * @param ids {@code [CLS]} + the sentences' tokens + {@code [SEP]}, padded with {@code [PAD]} and hard-cut to L
 *     (a cut drops {@code [SEP]}, as the reference does)
 * @param attentionMask 1 for {@code [CLS]}, tokens and {@code [SEP]}, 0 for padding
 * @param sentenceIndex −1 everywhere except the tokens of sentence k (1-based), which hold k; {@code [CLS]},
 *     {@code [SEP]} and padding stay −1
 * @param continuation true for a {@code ##} word piece (it belongs to the previous word; whole-word masking)
 * @param sentences the sentences with at least one token inside the L positions, in order (sentence k is
 *     {@code sentences.get(k - 1)})
 * @param sentenceIds per sentence k: {@code [CLS]} + its tokens that fit in the report + {@code [SEP]}, the separate
 *     tokenisation the SSM references use
 * @param length positions holding real tokens ({@code [CLS]} to {@code [SEP]} inclusive, at most L)
 */
public record EncodedReport(int[] ids, int[] attentionMask, int[] sentenceIndex, boolean[] continuation,
        List<String> sentences, List<int[]> sentenceIds, int length) {

    /** Checks the lengths agree. */
    public EncodedReport {
        int n = ids.length;
        if (attentionMask.length != n || sentenceIndex.length != n || continuation.length != n
                || sentences.size() != sentenceIds.size() || length < 0 || length > n) {
            throw new IllegalArgumentException("EncodedReport: inconsistent lengths");
        }
        sentences = List.copyOf(sentences);
        sentenceIds = List.copyOf(sentenceIds);
    }

    /** @return L, the fixed length */
    public int maxLength() {
        return ids.length;
    }

    /** @return the number of sentences, max(sentenceIndex) */
    public int sentenceCount() {
        return sentences.size();
    }
}
