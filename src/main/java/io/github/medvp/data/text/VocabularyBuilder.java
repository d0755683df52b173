package io.github.medvp.data.text;

import ai.djl.modality.nlp.bert.BertFullTokenizer;
import ai.djl.modality.nlp.preprocess.TextProcessor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a WordPiece vocabulary from training reports when no pretrained one is given (the small text encoder
 * trained from scratch). Deterministic: the same texts give the same vocabulary in any order of equal counts.
 * <p>
 * Texts are split into words as the tokenizer does (lower-cased BERT basic tokenisation). The vocabulary is, in id
 * order: the special tokens {@code [PAD] [UNK] [CLS] [SEP] [MASK]} (ids 0-4); every character seen, both as a word
 * start and as a {@code ##} continuation, so that any word made of seen characters tokenises without {@code [UNK]};
 * whole words by frequency (up to {@value #WORD_SHARE_PERCENT}% of the remaining room); then word-start pieces
 * (3-8 characters) and {@code ##} endings (2-6 characters) by the frequency-weighted number of words they occur in,
 * so unseen words split into meaningful pieces; any room left takes further words. Ties break alphabetically.
 */
public final class VocabularyBuilder {

    /** Default vocabulary size for a text encoder trained from scratch. */
    public static final int DEFAULT_MAX_SIZE = 8192;

    /** Share of the room after specials and characters that whole words may take first. */
    static final int WORD_SHARE_PERCENT = 70;

    private final int maxSize;
    private final int minFrequency;
    private final List<TextProcessor> basic = BertFullTokenizer.getPreprocessors(true);

    /**
     * @param maxSize largest vocabulary size (specials and characters are always included, even beyond it)
     * @param minFrequency fewest occurrences for a word or piece to enter
     */
    public VocabularyBuilder(int maxSize, int minFrequency) {
        if (maxSize < WordPieceTokenizer.SPECIALS.size() || minFrequency < 1) {
            throw new IllegalArgumentException("VocabularyBuilder: max size " + maxSize + ", min frequency "
                    + minFrequency);
        }
        this.maxSize = maxSize;
        this.minFrequency = minFrequency;
    }

    /**
     * @param texts training texts (reports, sentences)
     * @return tokens by id
     */
    public List<String> build(Iterable<String> texts) {
        Map<String, Integer> words = new HashMap<>();
        Set<Integer> chars = new TreeSet<>();
        for (String text : texts) {
            for (String w : WordPieceTokenizer.basicWords(text == null ? "" : text, basic)) {
                words.merge(w, 1, Integer::sum);
                w.codePoints().forEach(chars::add);
            }
        }
        LinkedHashSet<String> vocab = new LinkedHashSet<>(WordPieceTokenizer.SPECIALS);
        for (int c : chars) {
            vocab.add(new String(Character.toChars(c)));
        }
        for (int c : chars) {
            vocab.add("##" + new String(Character.toChars(c)));
        }
        List<String> rankedWords = ranked(words);
        int room = Math.max(0, maxSize - vocab.size());
        int wordQuota = room * WORD_SHARE_PERCENT / 100;
        int next = addUpTo(vocab, rankedWords, 0, vocab.size() + wordQuota);
        Map<String, Integer> pieces = new HashMap<>();
        for (Map.Entry<String, Integer> e : words.entrySet()) {
            String w = e.getKey();
            if (vocab.contains(w)) {
                continue; // pieces serve words that are not whole tokens
            }
            for (int len = 3; len <= Math.min(8, w.length() - 1); len++) {
                pieces.merge(w.substring(0, len), e.getValue(), Integer::sum);
            }
            for (int len = 2; len <= Math.min(6, w.length() - 1); len++) {
                pieces.merge("##" + w.substring(w.length() - len), e.getValue(), Integer::sum);
            }
        }
        addUpTo(vocab, ranked(pieces), 0, maxSize);
        addUpTo(vocab, rankedWords, next, maxSize);
        return new ArrayList<>(vocab);
    }

    /**
     * @param texts training texts
     * @return a lower-casing tokenizer over {@link #build}'s vocabulary
     */
    public WordPieceTokenizer buildTokenizer(Iterable<String> texts) {
        return new WordPieceTokenizer(build(texts), true, WordPieceTokenizer.MAX_WORD_CHARS,
                "vocabulary built from the training reports");
    }

    /**
     * The tokenizer of a run: the given vocabulary if any, else one built from the training texts (size
     * {@value #DEFAULT_MAX_SIZE}, every word counted); either way saved as {@code vocab.txt} beside the checkpoint so
     * that the run's text encoder can be used later without the original vocabulary.
     *
     * @param vocabulary a vocab.txt, tokenizer.json or model folder, or null to build one
     * @param trainingTexts the training reports (used only when {@code vocabulary} is null)
     * @param saveTo where to write the vocab.txt (e.g. the run folder's {@code vocab.txt}), or null
     * @return the tokenizer
     * @throws IOException when reading or writing fails
     */
    public static WordPieceTokenizer loadOrBuild(Path vocabulary, Iterable<String> trainingTexts, Path saveTo)
            throws IOException {
        WordPieceTokenizer t = vocabulary != null ? WordPieceTokenizer.load(vocabulary, true)
                : new VocabularyBuilder(DEFAULT_MAX_SIZE, 1).buildTokenizer(trainingTexts);
        if (saveTo != null) {
            t.writeVocab(saveTo);
        }
        return t;
    }

    /** Keys with at least minFrequency counts, by count (descending) then alphabetically. */
    private List<String> ranked(Map<String, Integer> counts) {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() >= minFrequency) {
                entries.add(e);
            }
        }
        entries.sort(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).reversed()
                .thenComparing(Map.Entry::getKey));
        List<String> out = new ArrayList<>(entries.size());
        for (Map.Entry<String, Integer> e : entries) {
            out.add(e.getKey());
        }
        return out;
    }

    /** Adds candidates from index {@code from} until the vocabulary holds {@code limit}; returns the next index. */
    private static int addUpTo(LinkedHashSet<String> vocab, List<String> candidates, int from, int limit) {
        int i = from;
        while (i < candidates.size() && vocab.size() < limit) {
            vocab.add(candidates.get(i++));
        }
        return i;
    }
}
