package io.github.medvp.nn.bert;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.medvp.MedvpException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sizes of a BERT encoder, as Hugging Face's {@code BertConfig} ({@code config.json}) names them.
 *
 * @param vocabSize word-embedding rows ({@code vocab_size})
 * @param hiddenSize width H ({@code hidden_size}), a multiple of {@code heads}
 * @param layers transformer layers ({@code num_hidden_layers})
 * @param heads attention heads per layer ({@code num_attention_heads})
 * @param intermediateSize FFN width ({@code intermediate_size})
 * @param maxPositions position-embedding rows, the longest input ({@code max_position_embeddings})
 * @param typeVocabSize token-type rows ({@code type_vocab_size})
 * @param layerNormEps LayerNorm epsilon ({@code layer_norm_eps}, 1e-12 in BERT)
 * @param hiddenDropout dropout after embeddings, attention output and FFN ({@code hidden_dropout_prob})
 * @param attentionDropout dropout on attention probabilities ({@code attention_probs_dropout_prob})
 */
public record BertConfig(int vocabSize, int hiddenSize, int layers, int heads, int intermediateSize,
        int maxPositions, int typeVocabSize, double layerNormEps, double hiddenDropout, double attentionDropout) {

    /** Validates the sizes. */
    public BertConfig {
        if (vocabSize < 1 || hiddenSize < 1 || layers < 0 || heads < 1 || intermediateSize < 1 || maxPositions < 1
                || typeVocabSize < 1) {
            throw new IllegalArgumentException("BertConfig: sizes must be positive: " + this);
        }
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("BertConfig: hidden size " + hiddenSize + " is not a multiple of "
                    + heads + " heads");
        }
        if (hiddenDropout < 0 || hiddenDropout >= 1 || attentionDropout < 0 || attentionDropout >= 1) {
            throw new IllegalArgumentException("BertConfig: dropout rates must be in [0, 1)");
        }
    }

    /**
     * bert-base (and RadBERT, {@code StanfordAIMI/RadBERT}): hidden 768, 12 layers, 12 heads, FFN 3072, 512 positions,
     * 2 token types, eps 1e-12, dropout 0.1.
     *
     * @param vocabSize vocabulary size (28,996 for RadBERT)
     * @return the configuration
     */
    public static BertConfig base(int vocabSize) {
        return new BertConfig(vocabSize, 768, 12, 12, 3072, 512, 2, 1e-12, 0.1, 0.1);
    }

    /**
     * A small BERT trained from scratch for tests, demos and machines without a pretrained text model: hidden 128,
     * 2 layers, 2 heads, FFN 512, 512 positions, dropout 0.1.
     *
     * @param vocabSize vocabulary size
     * @return the configuration
     */
    public static BertConfig tiny(int vocabSize) {
        return new BertConfig(vocabSize, 128, 2, 2, 512, 512, 2, 1e-12, 0.1, 0.1);
    }

    /** @return the same sizes with both dropout rates zero (deterministic forwards, parity tests) */
    public BertConfig withoutDropout() {
        return new BertConfig(vocabSize, hiddenSize, layers, heads, intermediateSize, maxPositions, typeVocabSize,
                layerNormEps, 0, 0);
    }

    /** @param vocab a vocabulary size @return the same sizes with another vocabulary size */
    public BertConfig withVocabSize(int vocab) {
        return new BertConfig(vocab, hiddenSize, layers, heads, intermediateSize, maxPositions, typeVocabSize,
                layerNormEps, hiddenDropout, attentionDropout);
    }

    /**
     * Reads a Hugging Face {@code config.json}. Missing optional keys take BERT's defaults (512 positions, 2 token
     * types, eps 1e-12, dropout 0.1); {@code hidden_act} must be {@code gelu} (the exact GELU this encoder uses).
     *
     * @param file the {@code config.json}
     * @return the configuration
     * @throws IOException when the file cannot be read
     * @throws MedvpException naming the file and key when a key is missing or unsupported
     */
    public static BertConfig read(Path file) throws IOException {
        JsonObject o;
        try (Reader r = Files.newBufferedReader(file)) {
            JsonElement e = JsonParser.parseReader(r);
            if (!e.isJsonObject()) {
                throw new MedvpException(file + ": expected a JSON object (a Hugging Face BERT config.json)");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new MedvpException(file + ": not valid JSON (" + e.getMessage() + ")");
        }
        String act = o.has("hidden_act") ? o.get("hidden_act").getAsString() : "gelu";
        if (!act.equals("gelu")) {
            throw new MedvpException(file + ": hidden_act \"" + act + "\" is not supported, only \"gelu\"");
        }
        if (o.has("position_embedding_type") && !"absolute".equals(o.get("position_embedding_type").getAsString())) {
            throw new MedvpException(file + ": position_embedding_type must be \"absolute\"");
        }
        try {
            return new BertConfig(required(o, "vocab_size", file), required(o, "hidden_size", file),
                    required(o, "num_hidden_layers", file), required(o, "num_attention_heads", file),
                    required(o, "intermediate_size", file), optional(o, "max_position_embeddings", 512),
                    optional(o, "type_vocab_size", 2),
                    o.has("layer_norm_eps") ? o.get("layer_norm_eps").getAsDouble() : 1e-12,
                    o.has("hidden_dropout_prob") ? o.get("hidden_dropout_prob").getAsDouble() : 0.1,
                    o.has("attention_probs_dropout_prob") ? o.get("attention_probs_dropout_prob").getAsDouble()
                            : 0.1);
        } catch (IllegalArgumentException e) {
            throw new MedvpException(file + ": " + e.getMessage());
        }
    }

    /**
     * Writes this configuration as a Hugging Face {@code config.json} that {@link #read} reads back.
     *
     * @param file the destination
     * @throws IOException when it cannot be written
     */
    public void write(Path file) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("model_type", "bert");
        o.addProperty("vocab_size", vocabSize);
        o.addProperty("hidden_size", hiddenSize);
        o.addProperty("num_hidden_layers", layers);
        o.addProperty("num_attention_heads", heads);
        o.addProperty("intermediate_size", intermediateSize);
        o.addProperty("max_position_embeddings", maxPositions);
        o.addProperty("type_vocab_size", typeVocabSize);
        o.addProperty("layer_norm_eps", layerNormEps);
        o.addProperty("hidden_dropout_prob", hiddenDropout);
        o.addProperty("attention_probs_dropout_prob", attentionDropout);
        o.addProperty("hidden_act", "gelu");
        io.github.medvp.io.AtomicFiles.write(file, o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static int required(JsonObject o, String key, Path file) {
        if (!o.has(key) || !o.get(key).isJsonPrimitive()) {
            throw new MedvpException(file + ": missing \"" + key + "\" (is this a BERT config.json?)");
        }
        return o.get(key).getAsInt();
    }

    private static int optional(JsonObject o, String key, int fallback) {
        return o.has(key) ? o.get(key).getAsInt() : fallback;
    }
}
