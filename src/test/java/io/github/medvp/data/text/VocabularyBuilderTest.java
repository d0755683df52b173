package io.github.medvp.data.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyBuilderTest {

    private static final List<String> REPORTS = List.of(
            "The lungs are clear. No pleural effusion.",
            "Small pleural effusion on the right. Lungs clear.",
            "Consolidation in the right lower lobe. No effusion.",
            "Nodules in both lungs, the largest 3.5 cm. Consolidations absent.",
            "Bilateral pleural effusions. Cardiomegaly.");

    @Test
    void specialsFirstThenCharactersThenFrequentWords() {
        List<String> v = new VocabularyBuilder(200, 1).build(REPORTS);
        assertEquals(WordPieceTokenizer.SPECIALS, v.subList(0, 5));
        assertEquals(",", v.get(5)); // characters in code-point order: ',' (44), '.' (46), '3', '5', letters
        assertEquals(".", v.get(6));
        assertTrue(v.contains("##a") && v.contains("a") && v.contains("5"));
        int chars = (int) v.stream().filter(t -> t.length() == 1).count();
        // After the characters (each twice) comes the most frequent word: "the" (4 times; "." is a character).
        assertEquals("the", v.get(5 + 2 * chars));
        assertTrue(v.size() <= 200);
        assertEquals(v.size(), v.stream().distinct().count());
    }

    @Test
    void deterministicAndOrderIndependentForEqualCounts() {
        List<String> shuffled = new ArrayList<>(REPORTS);
        Collections.reverse(shuffled);
        VocabularyBuilder b = new VocabularyBuilder(120, 1);
        assertEquals(b.build(REPORTS), b.build(REPORTS));
        assertEquals(b.build(REPORTS), b.build(shuffled));
    }

    @Test
    void unseenWordsTokeniseIntoPiecesWithoutUnknowns() {
        WordPieceTokenizer t = new VocabularyBuilder(150, 1).buildTokenizer(REPORTS);
        List<String> tokens = t.tokenize("Consolidated effusions, lung cardiomegaly.");
        assertFalse(tokens.contains(WordPieceTokenizer.UNK), tokens.toString());
        assertEquals("consolidated effusions , lung cardiomegaly .",
                String.join(" ", tokens).replace(" ##", ""));
        // A known whole word stays one token.
        assertEquals(List.of("pleural"), t.tokenize("Pleural"));
        // Characters never seen are unknown.
        assertEquals(List.of(WordPieceTokenizer.UNK), t.tokenize("xyzzy"));
    }

    @Test
    void smallBudgetStillKeepsSpecialsAndCharacters() {
        List<String> v = new VocabularyBuilder(10, 1).build(REPORTS);
        assertEquals(WordPieceTokenizer.SPECIALS, v.subList(0, 5));
        assertTrue(v.contains("##z") || !String.join("", REPORTS).toLowerCase().contains("z"));
        assertTrue(v.stream().allMatch(s -> WordPieceTokenizer.SPECIALS.contains(s)
                || s.replace("##", "").length() == 1));
    }

    @Test
    void loadOrBuildSavesTheVocabularyItUses(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("vocab.txt");
        WordPieceTokenizer built = VocabularyBuilder.loadOrBuild(null, REPORTS, saved);
        assertEquals(built.vocabulary(), WordPieceTokenizer.load(saved, true).vocabulary());
        Path copy = dir.resolve("copy.txt");
        WordPieceTokenizer loaded = VocabularyBuilder.loadOrBuild(saved, List.of("ignored"), copy);
        assertEquals(built.vocabulary(), loaded.vocabulary());
        assertEquals(Files.readString(saved), Files.readString(copy));
    }
}
