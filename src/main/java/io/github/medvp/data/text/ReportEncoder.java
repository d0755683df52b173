package io.github.medvp.data.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a report (findings and impression text) into an {@link EncodedReport} as MG-3D's data module does
 * ({@code BaseDataset.get_text_sen} in the reference's {@code mg3d/datasets/base_dataset.py}): the findings' sentences
 * then the impression's (from {@link SentenceSplitter}, lower-cased), tokenised into {@code [CLS]} tokens
 * {@code [SEP]}, padded to L = {@value #MAX_LENGTH} and hard-cut there, with the sentence index of every token and
 * every sentence's own encoding.
 * <p>
 * A fix of the reference: its {@code get_text_sen} concatenates sentences with no separator, so the joint tokenisation
 * can differ from the per-sentence counts it indexes with; here the report is the sentences joined with a space, whose
 * tokenisation is exactly the concatenation of the sentences' tokens, so the sentence indices always line up. Sentences
 * without any token are dropped before numbering (SentGather would skip them anyway). When the report overflows L, the
 * last visible sentence's own encoding keeps only its tokens that fit (the reference cuts it to the words that fit;
 * tokens are the unit the index uses). The reference's {@code sent_level} re-split, which keeps one random piece of a
 * sentence that its regex would split further, is not reproduced: the splitter already yields single sentences, and
 * dropping pieces would lose report text.
 * <p>
 * Thread-safe.
 */
public final class ReportEncoder {

    /** MG-3D's {@code max_text_len}. */
    public static final int MAX_LENGTH = 250;

    private final WordPieceTokenizer tokenizer;
    private final SentenceSplitter splitter;
    private final int maxLength;

    /**
     * @param tokenizer the tokenizer
     * @param maxLength L, at least 3
     */
    public ReportEncoder(WordPieceTokenizer tokenizer, int maxLength) {
        this(tokenizer, maxLength, new SentenceSplitter());
    }

    /**
     * @param tokenizer the tokenizer
     * @param maxLength L, at least 3
     * @param splitter the sentence splitter (e.g. one that also splits at commas)
     */
    public ReportEncoder(WordPieceTokenizer tokenizer, int maxLength, SentenceSplitter splitter) {
        if (maxLength < 3) {
            throw new IllegalArgumentException("ReportEncoder: max length " + maxLength + " < 3");
        }
        this.tokenizer = tokenizer;
        this.splitter = splitter;
        this.maxLength = maxLength;
    }

    /** @param tokenizer the tokenizer @return an encoder with L = {@value #MAX_LENGTH} */
    public static ReportEncoder of(WordPieceTokenizer tokenizer) {
        return new ReportEncoder(tokenizer, MAX_LENGTH);
    }

    /** @return the tokenizer */
    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** @return L */
    public int maxLength() {
        return maxLength;
    }

    /**
     * @param findings the findings text (may be null)
     * @param impression the impression text (may be null)
     * @return the encoded report
     */
    public EncodedReport encode(String findings, String impression) {
        List<String> sentences = new ArrayList<>(splitter.split(findings));
        sentences.addAll(splitter.split(impression));
        return encodeSentences(sentences);
    }

    /**
     * @param record a volume-report pair
     * @return its report encoded
     */
    public EncodedReport encode(ReportRecord record) {
        return encode(record.findings(), record.impression());
    }

    /**
     * @param sentences already split sentences (used as given; lower-case them first if the vocabulary is cased)
     * @return the encoded report
     */
    public EncodedReport encodeSentences(List<String> sentences) {
        int[] ids = new int[maxLength];
        int[] mask = new int[maxLength];
        int[] index = new int[maxLength];
        boolean[] continuation = new boolean[maxLength];
        Arrays.fill(ids, tokenizer.padId());
        Arrays.fill(index, -1);
        ids[0] = tokenizer.clsId();
        int pos = 1;
        List<String> kept = new ArrayList<>();
        List<int[]> keptIds = new ArrayList<>();
        for (String sentence : sentences) {
            List<String> tokens = tokenizer.tokenize(sentence);
            if (tokens.isEmpty() || pos >= maxLength) {
                continue;
            }
            int k = kept.size() + 1;
            int visible = Math.min(tokens.size(), maxLength - pos);
            int[] own = new int[Math.min(visible, maxLength - 2) + 2];
            own[0] = tokenizer.clsId();
            for (int i = 0; i < visible; i++) {
                int id = tokenizer.id(tokens.get(i));
                ids[pos] = id;
                index[pos] = k;
                continuation[pos] = tokens.get(i).startsWith("##");
                if (i + 1 < own.length - 1) {
                    own[i + 1] = id;
                }
                pos++;
            }
            own[own.length - 1] = tokenizer.sepId();
            kept.add(sentence);
            keptIds.add(own);
        }
        if (pos < maxLength) {
            ids[pos++] = tokenizer.sepId();
        }
        Arrays.fill(mask, 0, pos, 1);
        return new EncodedReport(ids, mask, index, continuation, kept, keptIds, pos);
    }
}
