package io.github.medvp.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.MedvpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenisation against a small hand-checked vocabulary. */
class WordPieceTokenizerTest {

    /** Ids are the line numbers. */
    static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", // 0-4
            "the", "lung", "##s", "are", "clear", ".", ",", "pleural", "effusion", "no", // 5-14
            "3", "5", "cm", "nod", "##ule", ":", "cafe"); // 15-21

    static WordPieceTokenizer tokenizer() {
        return new WordPieceTokenizer(VOCAB, true, WordPieceTokenizer.MAX_WORD_CHARS, "test vocabulary");
    }

    @Test
    void handCheckedIds() {
        WordPieceTokenizer t = tokenizer();
        // Lower-casing, a ## continuation, the final full stop split off.
        assertArrayEquals(new int[] {5, 6, 7, 8, 9, 10}, t.encode("The lungs are clear."));
        assertEquals(List.of("the", "lung", "##s", "are", "clear", "."), t.tokenize("The lungs are clear."));
        // Two continuations, a comma, a decimal split on its point (as BERT does).
        assertArrayEquals(new int[] {18, 19, 7, 11, 15, 10, 16, 17, 10}, t.encode("Nodules, 3.5 cm."));
        // Unknown word, colon, extra whitespace and a tab.
        assertArrayEquals(new int[] {14, 12, 13, 20, 1}, t.encode("  No pleural\teffusion: xyz "));
        // Accents are stripped when lower-casing.
        assertArrayEquals(new int[] {21}, t.encode("CAFÉ"));
        // A word whose tail has no piece is one [UNK], not "lung" + [UNK].
        assertArrayEquals(new int[] {1}, t.encode("lungsx"));
        assertArrayEquals(new int[0], t.encode("   "));
        // Over-long words are [UNK].
        assertArrayEquals(new int[] {1}, t.encode("a".repeat(WordPieceTokenizer.MAX_WORD_CHARS + 1)));
        assertEquals(List.of("nodules", ",", "3", ".", "5", "cm", "."), t.words("Nodules, 3.5 cm."));
    }

    @Test
    void specialIdsAndCasedMode() {
        WordPieceTokenizer t = tokenizer();
        assertEquals(0, t.padId());
        assertEquals(1, t.unkId());
        assertEquals(2, t.clsId());
        assertEquals(3, t.sepId());
        assertEquals(4, t.maskId());
        assertEquals(22, t.size());
        WordPieceTokenizer cased = new WordPieceTokenizer(VOCAB, false, 100, "cased");
        assertArrayEquals(new int[] {1, 6, 7}, cased.encode("The lungs"));
    }

    @Test
    void vocabTxtAndTokenizerJsonAgree(@TempDir Path dir) throws Exception {
        Path txt = dir.resolve("vocab.txt");
        Files.writeString(txt, String.join("\n", VOCAB) + "\n");
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < VOCAB.size(); i++) {
            vocab.append(i == 0 ? "" : ",").append('"').append(VOCAB.get(i)).append("\":").append(i);
        }
        Path json = dir.resolve("tokenizer.json");
        Files.writeString(json, "{\"normalizer\":{\"type\":\"BertNormalizer\",\"lowercase\":true},"
                + "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",\"continuing_subword_prefix\":\"##\","
                + "\"max_input_chars_per_word\":100,\"vocab\":{" + vocab + "}}}");
        String text = "The lungs are clear. Nodules, 3.5 cm. No effusion: xyz";
        int[] expected = tokenizer().encode(text);
        assertArrayEquals(expected, WordPieceTokenizer.load(txt, true).encode(text));
        assertArrayEquals(expected, WordPieceTokenizer.load(json, false).encode(text));
        assertArrayEquals(expected, WordPieceTokenizer.load(dir, true).encode(text));
        // Round trip through writeVocab.
        Path copy = dir.resolve("copy.txt");
        tokenizer().writeVocab(copy);
        assertEquals(VOCAB, WordPieceTokenizer.fromVocabTxt(copy, true).vocabulary());
    }

    @Test
    void badVocabulariesNameTheFile(@TempDir Path dir) throws Exception {
        Path txt = dir.resolve("vocab.txt");
        Files.writeString(txt, "[PAD]\n[UNK]\n[CLS]\nthe\n");
        MedvpException e = assertThrows(MedvpException.class, () -> WordPieceTokenizer.load(txt, true));
        assertTrue(e.getMessage().contains("vocab.txt") && e.getMessage().contains("[SEP]"), e.getMessage());
        Path json = dir.resolve("tokenizer.json");
        Files.writeString(json, "{\"model\":{\"type\":\"BPE\",\"vocab\":{}}}");
        e = assertThrows(MedvpException.class, () -> WordPieceTokenizer.load(json, true));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("WordPiece"),
                e.getMessage());
        e = assertThrows(MedvpException.class, () -> WordPieceTokenizer.load(dir.resolve("none"), true));
        assertTrue(e.getMessage().contains("none"), e.getMessage());
    }
}
