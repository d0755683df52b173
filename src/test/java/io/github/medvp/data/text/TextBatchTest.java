package io.github.medvp.data.text;

import io.github.medvp.data.Sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextBatchTest {

    @Test
    void collatesToFixedShapes() {
        WordPieceTokenizer t = WordPieceTokenizerTest.tokenizer();
        ReportEncoder enc = new ReportEncoder(t, 10);
        EncodedReport a = enc.encode("The lungs are clear.", "No effusion.");
        EncodedReport b = enc.encode("", "Clear.");
        WholeWordMasking wwm = new WholeWordMasking(t, 0.15);
        List<WholeWordMasking.Masked> masked = List.of(wwm.mask(a, new Random(1)), wwm.mask(b, new Random(2)));
        TextBatch batch = TextBatch.collate(List.of(a, b), masked, t);
        assertEquals(2, batch.maxSentences());
        assertEquals(8, batch.sentenceLength()); // [CLS] the lung ##s are clear . [SEP]
        assertArrayEquals(new int[] {2, 1}, batch.sentenceCounts());
        assertArrayEquals(new long[] {2, 5, 6, 7, 8, 9, 10, 14, 13, 10, 2, 9, 10, 3, 0, 0, 0, 0, 0, 0}, batch.ids());
        assertArrayEquals(new long[] {-1, 1, 1, 1, 1, 1, 1, 2, 2, 2, -1, 1, 1, -1, -1, -1, -1, -1, -1, -1},
                batch.sentenceIndex());
        // Sample 1: one sentence [CLS] clear . [SEP], then padding rows.
        long[] s = batch.sentenceIds();
        assertArrayEquals(new long[] {2, 9, 10, 3, 0, 0, 0, 0}, Arrays.copyOfRange(s, 16, 24));
        assertArrayEquals(new long[8], Arrays.copyOfRange(s, 24, 32));
        assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0, 0, 0},
                Arrays.copyOfRange(batch.sentenceMask(), 16, 24));
        try (NDManager m = NDManager.newBaseManager()) {
            NDList list = batch.toNDList(m);
            assertEquals(7, list.size());
            assertEquals(new Shape(2, 10), list.get(0).getShape());
            assertEquals(new Shape(2, 2, 8), list.get(3).getShape());
            assertEquals(DataType.INT64, list.get(0).getDataType());
            assertEquals("text_labels_mlm", list.get(6).getName());
            assertArrayEquals(batch.mlmLabels(), list.get(6).toLongArray());
        }
        TextBatch plain = TextBatch.collate(List.of(a), null, t);
        assertFalse(plain.hasMlm());
        assertNull(plain.mlmIds());
    }
}
