package io.github.medvp.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WholeWordMaskingTest {

    private static final WordPieceTokenizer TOKENIZER = WordPieceTokenizerTest.tokenizer();
    private static final WholeWordMasking WWM = new WholeWordMasking(TOKENIZER, WholeWordMasking.PROBABILITY);

    /** A report of {@code repeats} × "the lungs are nodules clear ." (1 + 2 + 1 + 3 + 1 + 1 tokens). */
    private static EncodedReport report(int maxLength, int repeats) {
        return new ReportEncoder(TOKENIZER, maxLength).encodeSentences(
                Collections.nCopies(repeats, "the lungs are nodules clear ."));
    }

    private static int chosen(WholeWordMasking.Masked m) {
        return (int) Arrays.stream(m.labels()).filter(l -> l != WholeWordMasking.IGNORE).count();
    }

    @Test
    void wholeWordsAreChosenTogetherAndSpecialTokensNever() {
        EncodedReport r = report(250, 12);
        for (int seed = 0; seed < 200; seed++) {
            WholeWordMasking.Masked m = WWM.mask(r, new Random(seed));
            int[] ids = r.ids();
            for (int i = 0; i < ids.length; i++) {
                boolean isChosen = m.labels()[i] != WholeWordMasking.IGNORE;
                if (isChosen) {
                    assertEquals(ids[i], m.labels()[i], "label is the original id");
                    assertFalse(TOKENIZER.isSpecial(ids[i]), "special token chosen at " + i);
                } else {
                    assertEquals(ids[i], m.inputIds()[i], "unchosen position changed at " + i);
                }
                if (r.continuation()[i]) {
                    assertEquals(m.labels()[i - 1] != WholeWordMasking.IGNORE, isChosen, "word split at " + i);
                }
            }
        }
    }

    @Test
    void budgetIsRoundedHalfToEvenOverAllPositions() {
        // One-token words filling all positions: exactly round(0.15 L) are chosen; L = 30 → 4.5 → 4, L = 10 → 2.
        for (int[] c : new int[][] {{30, 4}, {10, 2}, {250, 38}}) {
            EncodedReport r = new ReportEncoder(TOKENIZER, c[0]).encodeSentences(
                    Collections.nCopies(c[0], "the"));
            for (int seed = 0; seed < 20; seed++) {
                assertEquals(c[1], chosen(WWM.mask(r, new Random(seed))), "L = " + c[0]);
            }
        }
    }

    @Test
    void paddingTakesItsShareOfTheBudgetSoAboutFifteenPercentOfRealTokensAreChosen() {
        EncodedReport r = report(250, 10); // 90 real tokens in 70 words, 158 padding positions
        assertEquals(92, r.length());
        double total = 0;
        int runs = 2000;
        Random random = new Random(1);
        for (int i = 0; i < runs; i++) {
            total += chosen(WWM.mask(r, random));
        }
        double perReal = total / runs / 90;
        assertTrue(Math.abs(perReal - 0.15) < 0.02, "fraction of real tokens chosen " + perReal);
    }

    @Test
    void eightyTenTenReplacement() {
        EncodedReport r = new ReportEncoder(TOKENIZER, 250).encodeSentences(Collections.nCopies(250, "clear"));
        int masked = 0;
        int same = 0;
        int other = 0;
        Random random = new Random(2);
        for (int i = 0; i < 400; i++) {
            WholeWordMasking.Masked m = WWM.mask(r, random);
            for (int p = 0; p < 250; p++) {
                if (m.labels()[p] == WholeWordMasking.IGNORE) {
                    continue;
                }
                int in = m.inputIds()[p];
                assertTrue(in >= 0 && in < TOKENIZER.size());
                if (in == TOKENIZER.maskId()) {
                    masked++;
                } else if (in == 9) {
                    same++;
                } else {
                    other++;
                }
            }
        }
        double n = masked + same + other;
        // Random ids hit [MASK] or "clear" itself 1/22 of the time each.
        assertEquals(0.8 + 0.1 / 22, masked / n, 0.01);
        assertEquals(0.1 + 0.1 / 22, same / n, 0.01);
        assertEquals(0.1 * 20 / 22, other / n, 0.01);
    }

    @Test
    void seededAndDeterministic() {
        EncodedReport r = report(250, 12);
        WholeWordMasking.Masked a = WWM.mask(r, new Random(5));
        WholeWordMasking.Masked b = WWM.mask(r, new Random(5));
        WholeWordMasking.Masked c = WWM.mask(r, new Random(6));
        assertArrayEquals(a.inputIds(), b.inputIds());
        assertArrayEquals(a.labels(), b.labels());
        assertFalse(Arrays.equals(a.labels(), c.labels()));
        WholeWordMasking.Masked d = new WholeWordMasking(TOKENIZER, 0.15).mask(r, new Random(5));
        assertArrayEquals(a.labels(), d.labels());
    }
}
