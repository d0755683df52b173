package io.github.medvp.data.text;

import ai.djl.modality.nlp.DefaultVocabulary;
import ai.djl.modality.nlp.Vocabulary;
import ai.djl.modality.nlp.bert.BertFullTokenizer;
import ai.djl.modality.nlp.bert.WordpieceTokenizer;
import ai.djl.modality.nlp.preprocess.TextProcessor;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.medvp.MedvpException;
import io.github.medvp.io.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT WordPiece tokenizer (RadBERT's, which MG-3D's {@code MG3DTransformerSS} loads with {@code AutoTokenizer})
 * built from DJL's pieces: {@link BertFullTokenizer}'s basic preprocessing (clean control characters, split on
 * whitespace, lower-case, strip accents, split punctuation) then DJL's greedy longest-match {@link WordpieceTokenizer}
 * with {@code ##} continuations. A word longer than {@value #MAX_WORD_CHARS} characters becomes {@code [UNK]}, as in
 * Hugging Face's {@code BertTokenizer} (DJL's own {@code BertFullTokenizer} would allow 200).
 * <p>
 * The vocabulary comes from a {@code vocab.txt} (one token per line, id = line number, as HF), from the WordPiece
 * model of a Hugging Face {@code tokenizer.json} ({@code model.vocab}, {@code model.unk_token},
 * {@code model.max_input_chars_per_word}, and {@code normalizer.lowercase}), or from a token list
 * ({@link VocabularyBuilder}). The tokenizer.json is parsed here rather than through
 * {@code ai.djl.huggingface:tokenizers}: that artifact resolves and its bundled native library loads offline, but it
 * adds an 18.7 MB jar of per-platform Rust libraries to the update site for what, for a BERT WordPiece model, this
 * pure-Java path does identically. It must contain the special
 * tokens {@code [PAD] [UNK] [CLS] [SEP] [MASK]}.
 * <p>
 * Thread-safe after construction.
 */
public final class WordPieceTokenizer {

    /** Padding token. */
    public static final String PAD = "[PAD]";
    /** Unknown-word token. */
    public static final String UNK = "[UNK]";
    /** Sequence-start token. */
    public static final String CLS = "[CLS]";
    /** Separator / sequence-end token. */
    public static final String SEP = "[SEP]";
    /** MLM mask token. */
    public static final String MASK = "[MASK]";
    /** The special tokens, in the order {@link VocabularyBuilder} gives them ids 0-4. */
    public static final List<String> SPECIALS = List.of(PAD, UNK, CLS, SEP, MASK);
    /** Longest word WordPiece splits (HF's {@code max_input_chars_per_word}). */
    public static final int MAX_WORD_CHARS = 100;

    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final boolean lowerCase;
    private final List<TextProcessor> basic;
    private final WordpieceTokenizer wordpiece;
    private final int pad;
    private final int unk;
    private final int cls;
    private final int sep;
    private final int mask;

    /**
     * @param vocabulary tokens by id
     * @param lowerCase whether to lower-case and strip accents (BERT uncased; RadBERT)
     * @param maxWordChars longest word WordPiece splits, longer ones become [UNK]
     * @param source the file or description named in error messages
     * @throws MedvpException naming {@code source} when a special token is missing
     */
    public WordPieceTokenizer(List<String> vocabulary, boolean lowerCase, int maxWordChars, String source) {
        tokens = List.copyOf(vocabulary);
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            m.put(tokens.get(i), i); // a duplicate line maps to its last id, as HF's load_vocab
        }
        ids = m;
        this.lowerCase = lowerCase;
        for (String s : SPECIALS) {
            if (!ids.containsKey(s)) {
                throw new MedvpException(source + ": the vocabulary has no " + s + " token; give a BERT vocabulary");
            }
        }
        pad = ids.get(PAD);
        unk = ids.get(UNK);
        cls = ids.get(CLS);
        sep = ids.get(SEP);
        mask = ids.get(MASK);
        basic = BertFullTokenizer.getPreprocessors(lowerCase);
        Vocabulary djlVocab = new DefaultVocabulary(tokens);
        wordpiece = new WordpieceTokenizer(djlVocab, UNK, maxWordChars);
    }

    /**
     * Reads {@code vocab.txt} or {@code tokenizer.json} (by name), or a folder holding one of them (vocab.txt first).
     *
     * @param path a vocab.txt, a tokenizer.json or a Hugging Face model folder
     * @param lowerCase for vocab.txt: whether to lower-case (tokenizer.json says it itself)
     * @return the tokenizer
     * @throws IOException when the file cannot be read
     * @throws MedvpException naming the path when it is none of these or is malformed
     */
    public static WordPieceTokenizer load(Path path, boolean lowerCase) throws IOException {
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve("vocab.txt"))) {
                return fromVocabTxt(path.resolve("vocab.txt"), lowerCase);
            }
            if (Files.isRegularFile(path.resolve("tokenizer.json"))) {
                return fromTokenizerJson(path.resolve("tokenizer.json"));
            }
            throw new MedvpException(path + ": no vocab.txt or tokenizer.json in the folder");
        }
        if (!Files.isRegularFile(path)) {
            throw new MedvpException(path + ": vocabulary file not found");
        }
        return path.getFileName().toString().endsWith(".json") ? fromTokenizerJson(path)
                : fromVocabTxt(path, lowerCase);
    }

    /**
     * @param file a BERT {@code vocab.txt}
     * @param lowerCase whether to lower-case and strip accents
     * @return the tokenizer
     * @throws IOException when the file cannot be read
     */
    public static WordPieceTokenizer fromVocabTxt(Path file, boolean lowerCase) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lines.add(line.strip());
        }
        // A trailing newline is not an empty token.
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return new WordPieceTokenizer(lines, lowerCase, MAX_WORD_CHARS, file.toString());
    }

    /**
     * @param file a Hugging Face {@code tokenizer.json} with a WordPiece model
     * @return the tokenizer
     * @throws IOException when the file cannot be read
     * @throws MedvpException naming the file when it holds no WordPiece vocabulary
     */
    public static WordPieceTokenizer fromTokenizerJson(Path file) throws IOException {
        JsonObject root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonElement e = JsonParser.parseReader(r);
            if (!e.isJsonObject()) {
                throw new MedvpException(file + ": expected a JSON object (a Hugging Face tokenizer.json)");
            }
            root = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new MedvpException(file + ": not valid JSON (" + e.getMessage() + ")");
        }
        JsonObject model = root.has("model") && root.get("model").isJsonObject() ? root.getAsJsonObject("model")
                : null;
        if (model == null || !model.has("vocab") || !model.get("vocab").isJsonObject()
                || model.has("type") && !"WordPiece".equals(model.get("type").getAsString())) {
            throw new MedvpException(file + ": not a WordPiece tokenizer.json (needs model.type \"WordPiece\" and "
                    + "model.vocab)");
        }
        JsonObject vocab = model.getAsJsonObject("vocab");
        String[] byId = new String[vocab.size()];
        for (Map.Entry<String, JsonElement> e : vocab.entrySet()) {
            int id = e.getValue().getAsInt();
            if (id < 0 || id >= byId.length || byId[id] != null) {
                throw new MedvpException(file + ": model.vocab ids are not 0.." + (byId.length - 1)
                        + " without gaps (token \"" + e.getKey() + "\")");
            }
            byId[id] = e.getKey();
        }
        if (model.has("unk_token") && !UNK.equals(model.get("unk_token").getAsString())) {
            throw new MedvpException(file + ": unk_token must be " + UNK);
        }
        if (model.has("continuing_subword_prefix")
                && !"##".equals(model.get("continuing_subword_prefix").getAsString())) {
            throw new MedvpException(file + ": continuing_subword_prefix must be ##");
        }
        int maxChars = model.has("max_input_chars_per_word") ? model.get("max_input_chars_per_word").getAsInt()
                : MAX_WORD_CHARS;
        boolean lower = true;
        if (root.has("normalizer") && root.get("normalizer").isJsonObject()) {
            JsonObject n = root.getAsJsonObject("normalizer");
            lower = !n.has("lowercase") || n.get("lowercase").getAsBoolean();
        }
        List<String> list = new ArrayList<>();
        Collections.addAll(list, byId);
        return new WordPieceTokenizer(list, lower, maxChars, file.toString());
    }

    /**
     * Splits text into WordPiece tokens (no special tokens added).
     *
     * @param text any text
     * @return tokens, unknown words as {@code [UNK]}
     */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        for (String w : words(text)) {
            out.addAll(wordpiece.preprocess(List.of(w)));
        }
        return out;
    }

    /**
     * The basic (pre-WordPiece) words of a text: what whole-word masking and {@link VocabularyBuilder} count.
     *
     * @param text any text
     * @return the words
     */
    public List<String> words(String text) {
        return basicWords(text, basic);
    }

    static List<String> basicWords(String text, List<TextProcessor> processors) {
        List<String> words = List.of(text);
        for (TextProcessor p : processors) {
            words = p.preprocess(words);
        }
        List<String> out = new ArrayList<>(words.size());
        for (String w : words) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * @param text any text
     * @return the ids of {@link #tokenize}
     */
    public int[] encode(String text) {
        List<String> t = tokenize(text);
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = id(t.get(i));
        }
        return out;
    }

    /** @param token a token @return its id, or the [UNK] id */
    public int id(String token) {
        Integer i = ids.get(token);
        return i == null ? unk : i;
    }

    /** @param id an id in [0, size) @return its token */
    public String token(int id) {
        return tokens.get(id);
    }

    /** @return the vocabulary size */
    public int size() {
        return tokens.size();
    }

    /** @return tokens by id */
    public List<String> vocabulary() {
        return tokens;
    }

    /** @return whether text is lower-cased and accent-stripped */
    public boolean isLowerCase() {
        return lowerCase;
    }

    /** @return the [PAD] id */
    public int padId() {
        return pad;
    }

    /** @return the [UNK] id */
    public int unkId() {
        return unk;
    }

    /** @return the [CLS] id */
    public int clsId() {
        return cls;
    }

    /** @return the [SEP] id */
    public int sepId() {
        return sep;
    }

    /** @return the [MASK] id */
    public int maskId() {
        return mask;
    }

    /** @param id a token id @return whether it is [PAD], [CLS], [SEP] (the tokens MLM never chooses) */
    public boolean isSpecial(int id) {
        return id == pad || id == cls || id == sep;
    }

    /**
     * Writes the vocabulary as {@code vocab.txt} (one token per line), atomically.
     *
     * @param file the destination
     * @throws IOException when it cannot be written
     */
    public void writeVocab(Path file) throws IOException {
        AtomicFiles.write(file, (String.join("\n", tokens) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
