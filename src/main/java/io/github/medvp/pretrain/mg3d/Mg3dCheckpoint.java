package io.github.medvp.pretrain.mg3d;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.data.text.ReportEncoder;
import io.github.medvp.data.text.WordPieceTokenizer;
import io.github.medvp.train.Checkpoint;
import io.github.medvp.train.Checkpoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An MG-3D pre-training checkpoint opened for downstream use: the model rebuilt from the header's {@code "mg3d"}
 * configuration with the checkpoint's weights, and the run's tokenizer from the vocabulary stored in the header
 * ({@code "vocab"}), so the file alone is enough.
 *
 * @param model the model (parameters on the manager's device)
 * @param config its configuration
 * @param encoder the report encoder of the run
 */
public record Mg3dCheckpoint(Mg3dModel model, Mg3dConfig config, ReportEncoder encoder) {

    /** Header key of the model configuration. */
    public static final String CONFIG_KEY = "mg3d";
    /** Header key of the vocabulary. */
    public static final String VOCAB_KEY = "vocab";

    /**
     * The header fields that make a checkpoint self-contained.
     *
     * @param config the model configuration
     * @param tokenizer the run's tokenizer
     * @return {@code {"mg3d": …, "vocab": […]}}
     */
    public static JsonObject header(Mg3dConfig config, WordPieceTokenizer tokenizer) {
        JsonObject h = new JsonObject();
        h.addProperty("method", "mg3d");
        h.add(CONFIG_KEY, config.toJson());
        JsonArray v = new JsonArray();
        tokenizer.vocabulary().forEach(v::add);
        h.add(VOCAB_KEY, v);
        return h;
    }

    /**
     * @param header a checkpoint header
     * @return whether it is an MG-3D checkpoint
     */
    public static boolean isMg3d(JsonObject header) {
        return header.has(CONFIG_KEY);
    }

    /**
     * @param file any model file
     * @return whether it is a MedVP safetensors checkpoint with an MG-3D configuration (false for other files)
     */
    public static boolean isMg3dFile(Path file) {
        try {
            String meta = io.github.medvp.io.Safetensors.read(file).metadata().get(Checkpoints.METADATA_KEY);
            return meta != null && isMg3d(com.google.gson.JsonParser.parseString(meta).getAsJsonObject());
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * @param file a checkpoint written by {@link Mg3dPretraining}
     * @param manager owner of the parameters
     * @return model, configuration and tokenizer
     * @throws MedvpException when the file is not an MG-3D checkpoint
     */
    public static Mg3dCheckpoint load(Path file, NDManager manager) {
        Checkpoint ck = Checkpoints.read(file);
        JsonObject h = ck.header();
        if (!isMg3d(h) || !h.has(VOCAB_KEY)) {
            throw new MedvpException(file + " is not an MG-3D checkpoint (no '" + CONFIG_KEY + "' configuration): use "
                    + "a checkpoint written by mg3d-pretrain");
        }
        Mg3dConfig config = Mg3dConfig.fromJson(h.getAsJsonObject(CONFIG_KEY), file.toString());
        List<String> vocab = new ArrayList<>();
        h.getAsJsonArray(VOCAB_KEY).forEach(e -> vocab.add(e.getAsString()));
        WordPieceTokenizer tokenizer = new WordPieceTokenizer(vocab, true, WordPieceTokenizer.MAX_WORD_CHARS,
                file.toString());
        Mg3dModel model = config.model().build();
        int[] s = config.size();
        model.initialize(manager, DataType.FLOAT32, new Shape(1, 1, s[0], s[1], s[2]),
                new Shape(1, config.maxLength()));
        Checkpoints.restore(ck, file, model.namedParameters(), null);
        return new Mg3dCheckpoint(model, config, new ReportEncoder(tokenizer, config.maxLength()));
    }
}
