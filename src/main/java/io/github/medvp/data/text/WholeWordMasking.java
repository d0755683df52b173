package io.github.medvp.data.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Whole-word masking for MLM, Hugging Face's {@code DataCollatorForWholeWordMask} as MG-3D's
 * {@code BaseDataset.collate} uses it ({@code mlm_collator}):
 * <ol>
 * <li>Candidates are whole words: a {@code ##} piece joins the word before it; {@code [CLS]} and {@code [SEP]} are
 * never candidates, but every padding position is a candidate of its own.</li>
 * <li>The candidates are shuffled and taken in turn while the chosen positions stay within the budget
 * round(p·L) (p = 0.15, L = 250 → 38; half to even as Python's {@code round}); a word that would exceed it is
 * skipped.</li>
 * <li>Chosen padding is dropped, so about p of the <em>real</em> tokens are chosen in expectation, each word entirely
 * or not at all.</li>
 * <li>Each chosen token becomes {@code [MASK]} with probability 0.8, else a uniformly random id of the vocabulary with
 * probability 0.5, else stays; its label is the original id, every other label {@value #IGNORE}.</li>
 * </ol>
 * Deterministic for a given {@link Random} state. Thread-safe (no state beyond the configuration).
 */
public final class WholeWordMasking {

    /** Label of positions that are not predicted (PyTorch's cross-entropy {@code ignore_index}). */
    public static final int IGNORE = -100;
    /** MG-3D's {@code mlm_probability}. */
    public static final double PROBABILITY = 0.15;

    /**
     * One corrupted report.
     *
     * @param inputIds the ids with chosen tokens replaced (length L)
     * @param labels the original id at chosen positions, {@link #IGNORE} elsewhere
     */
    public record Masked(int[] inputIds, int[] labels) {
    }

    private final double probability;
    private final int vocabSize;
    private final int maskId;
    private final int clsId;
    private final int sepId;
    private final int padId;

    /**
     * @param tokenizer the tokenizer (special ids and vocabulary size)
     * @param probability the masking rate p, in (0, 1)
     */
    public WholeWordMasking(WordPieceTokenizer tokenizer, double probability) {
        if (!(probability > 0 && probability < 1)) {
            throw new IllegalArgumentException("WholeWordMasking: probability " + probability + " not in (0, 1)");
        }
        this.probability = probability;
        vocabSize = tokenizer.size();
        maskId = tokenizer.maskId();
        clsId = tokenizer.clsId();
        sepId = tokenizer.sepId();
        padId = tokenizer.padId();
    }

    /**
     * @param report an encoded report
     * @param random the random source (advanced)
     * @return the corrupted ids and the labels
     */
    public Masked mask(EncodedReport report, Random random) {
        int[] ids = report.ids();
        int n = ids.length;
        List<List<Integer>> words = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (ids[i] == clsId || ids[i] == sepId) {
                continue;
            }
            if (!words.isEmpty() && report.continuation()[i]) {
                words.get(words.size() - 1).add(i);
            } else {
                List<Integer> w = new ArrayList<>(2);
                w.add(i);
                words.add(w);
            }
        }
        Collections.shuffle(words, random);
        int budget = Math.max(1, (int) Math.rint(n * probability));
        boolean[] chosen = new boolean[n];
        int covered = 0;
        for (List<Integer> w : words) {
            if (covered >= budget) {
                break;
            }
            if (covered + w.size() > budget) {
                continue;
            }
            for (int i : w) {
                chosen[i] = true;
            }
            covered += w.size();
        }
        int[] input = ids.clone();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            // Padding that was drawn counts towards the budget but is never predicted.
            if (!chosen[i] || ids[i] == padId) {
                labels[i] = IGNORE;
                continue;
            }
            labels[i] = ids[i];
            if (random.nextDouble() < 0.8) {
                input[i] = maskId;
            } else if (random.nextDouble() < 0.5) {
                input[i] = random.nextInt(vocabSize);
            }
        }
        return new Masked(input, labels);
    }
}
