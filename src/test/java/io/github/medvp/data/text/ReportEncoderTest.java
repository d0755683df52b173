package io.github.medvp.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Token ids, attention mask, sentence indices and per-sentence encodings against hand-written expectations. */
class ReportEncoderTest {

    private static final String FINDINGS = "The lungs are clear. Nodules, 3.5 cm.";
    private static final String IMPRESSION = "No pleural effusion.";

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void fullReportWithPadding() {
        ReportEncoder enc = new ReportEncoder(WordPieceTokenizerTest.tokenizer(), 25);
        EncodedReport r = enc.encode(FINDINGS, IMPRESSION);
        assertEquals(List.of("the lungs are clear.", "nodules, 3.5 cm.", "no pleural effusion."), r.sentences());
        EncodedReport viaRecord = enc.encode(new ReportRecord("x", Path.of("x.nii.gz"), FINDINGS, IMPRESSION,
                Map.of()));
        assertArrayEquals(r.ids(), viaRecord.ids());
        assertArrayEquals(new int[] {2, 5, 6, 7, 8, 9, 10, 18, 19, 7, 11, 15, 10, 16, 17, 10, 14, 12, 13, 10, 3,
            0, 0, 0, 0}, r.ids());
        assertArrayEquals(concat(filled(21, 1), filled(4, 0)), r.attentionMask());
        assertArrayEquals(concat(new int[] {-1}, filled(6, 1), filled(9, 2), filled(4, 3), filled(5, -1)),
                r.sentenceIndex());
        assertEquals(21, r.length());
        assertEquals(3, r.sentenceCount());
        assertArrayEquals(new int[] {2, 5, 6, 7, 8, 9, 10, 3}, r.sentenceIds().get(0));
        assertArrayEquals(new int[] {2, 18, 19, 7, 11, 15, 10, 16, 17, 10, 3}, r.sentenceIds().get(1));
        assertArrayEquals(new int[] {2, 14, 12, 13, 10, 3}, r.sentenceIds().get(2));
        // "##s" of "lungs", "##ule" and "##s" of "nodules" continue their words.
        boolean[] cont = new boolean[25];
        cont[3] = true;
        cont[8] = true;
        cont[9] = true;
        assertArrayEquals(cont, r.continuation());
    }

    @Test
    void overflowCutsLikeTheReference() {
        // L = 12: sentence 2 keeps 5 of its 9 tokens, sentence 3 is gone, [SEP] is cut off.
        EncodedReport r = new ReportEncoder(WordPieceTokenizerTest.tokenizer(), 12).encode(FINDINGS, IMPRESSION);
        assertArrayEquals(new int[] {2, 5, 6, 7, 8, 9, 10, 18, 19, 7, 11, 15}, r.ids());
        assertArrayEquals(filled(12, 1), r.attentionMask());
        assertArrayEquals(concat(new int[] {-1}, filled(6, 1), filled(5, 2)), r.sentenceIndex());
        assertEquals(2, r.sentenceCount());
        assertArrayEquals(new int[] {2, 18, 19, 7, 11, 15, 3}, r.sentenceIds().get(1));
        // L = 7: sentence 1 exactly fills the positions after [CLS]; nothing else, no [SEP].
        r = new ReportEncoder(WordPieceTokenizerTest.tokenizer(), 7).encode(FINDINGS, IMPRESSION);
        assertArrayEquals(new int[] {2, 5, 6, 7, 8, 9, 10}, r.ids());
        assertEquals(1, r.sentenceCount());
        // L = 8: [SEP]'s position goes to sentence 2's first token instead.
        r = new ReportEncoder(WordPieceTokenizerTest.tokenizer(), 8).encode(FINDINGS, IMPRESSION);
        assertArrayEquals(new int[] {2, 5, 6, 7, 8, 9, 10, 18}, r.ids());
        assertArrayEquals(new int[] {2, 18, 3}, r.sentenceIds().get(1));
    }

    @Test
    void jointTokenisationEqualsTheSentencesJoinedWithASpace() {
        WordPieceTokenizer t = WordPieceTokenizerTest.tokenizer();
        EncodedReport r = new ReportEncoder(t, 40).encode(FINDINGS, IMPRESSION);
        int[] joined = t.encode(String.join(" ", r.sentences()));
        assertArrayEquals(joined, Arrays.copyOfRange(r.ids(), 1, r.length() - 1));
    }

    @Test
    void emptyReport() {
        EncodedReport r = new ReportEncoder(WordPieceTokenizerTest.tokenizer(), 5).encode(null, " ");
        assertArrayEquals(new int[] {2, 3, 0, 0, 0}, r.ids());
        assertArrayEquals(new int[] {1, 1, 0, 0, 0}, r.attentionMask());
        assertArrayEquals(filled(5, -1), r.sentenceIndex());
        assertEquals(0, r.sentenceCount());
    }
}
