package io.github.medvp.nn.bert;

import io.github.medvp.nn.ReferenceNames;
import io.github.medvp.nn.StateDictImport;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.github.medvp.MedvpException;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.TensorFiles;
import io.github.medvp.nn.StateDictImport.Layout;
import io.github.medvp.nn.StateDictImport.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face BERT checkpoints: parameter names, loading from a local model folder ({@code config.json} plus
 * {@code model.safetensors} or {@code pytorch_model.bin}, the latter through the restricted unpickler) and saving in
 * the same layout.
 * <p>
 * Names are HF's {@code BertForMaskedLM} names: {@code bert.embeddings.word_embeddings.weight},
 * {@code bert.encoder.layer.N.attention.self.query.weight}, …, {@code cls.predictions.transform.dense.weight},
 * {@code cls.predictions.bias}, {@code cls.predictions.decoder.weight}. On load the encoder keys are accepted with or
 * without the {@code bert.} prefix (a {@code BertModel} checkpoint has none), a leading {@code module.} is stripped,
 * and the old TensorFlow-converted {@code LayerNorm.gamma/beta} mean {@code weight/bias}. Keys this code has no use
 * for (pooler, next-sentence head, {@code position_ids}) are ignored; a missing key or a wrong shape fails the load
 * with one line naming the key, before any parameter changes.
 */
public final class HfBert {

    /** The config file of a model folder. */
    public static final String CONFIG = "config.json";
    /** Preferred weights file of a model folder. */
    public static final String SAFETENSORS = "model.safetensors";
    /** Legacy weights file of a model folder (a {@code torch.save} zip). */
    public static final String PYTORCH_BIN = "pytorch_model.bin";

    private static final String ENCODER_PREFIX = "bert.";
    private static final String DECODER_KEY = "cls.predictions.decoder.weight";
    private static final String WORD_KEY = "embeddings.word_embeddings.weight";

    /**
     * A loaded model.
     *
     * @param config the folder's configuration
     * @param encoder the encoder, initialised and loaded
     * @param head the MLM head (untied, decoder from the checkpoint) or null when not asked for
     */
    public record Model(BertConfig config, BertEncoder encoder, BertMlmHead head) {
    }

    private HfBert() {
    }

    /**
     * Encoder names without the {@code bert.} prefix: {@code embeddings.*}, {@code encoder.layer.N.*}.
     *
     * @param encoder an initialised encoder
     * @return targets by HF name
     */
    public static Map<String, Target> encoderNames(BertEncoder encoder) {
        Map<String, Target> t = new LinkedHashMap<>();
        BertEmbeddings e = encoder.getEmbeddings();
        ReferenceNames.put(t, "embeddings.word_embeddings.weight", e.word, Layout.AS_IS);
        ReferenceNames.put(t, "embeddings.position_embeddings.weight", e.position, Layout.AS_IS);
        ReferenceNames.put(t, "embeddings.token_type_embeddings.weight", e.tokenType, Layout.AS_IS);
        ReferenceNames.layerNorm(t, "embeddings.LayerNorm.", e.norm);
        List<BertLayer> layers = encoder.getLayers();
        for (int i = 0; i < layers.size(); i++) {
            String p = "encoder.layer." + i + ".";
            BertLayer l = layers.get(i);
            ReferenceNames.linear(t, p + "attention.self.query.", l.query);
            ReferenceNames.linear(t, p + "attention.self.key.", l.key);
            ReferenceNames.linear(t, p + "attention.self.value.", l.value);
            ReferenceNames.linear(t, p + "attention.output.dense.", l.attentionOut);
            ReferenceNames.layerNorm(t, p + "attention.output.LayerNorm.", l.attentionNorm);
            ReferenceNames.linear(t, p + "intermediate.dense.", l.intermediate);
            ReferenceNames.linear(t, p + "output.dense.", l.output);
            ReferenceNames.layerNorm(t, p + "output.LayerNorm.", l.outputNorm);
        }
        return t;
    }

    /**
     * MLM-head names: {@code cls.predictions.transform.dense.*}, {@code cls.predictions.transform.LayerNorm.*},
     * {@code cls.predictions.bias} and, for an untied head, {@code cls.predictions.decoder.weight}.
     *
     * @param head an initialised head
     * @return targets by HF name
     */
    public static Map<String, Target> headNames(BertMlmHead head) {
        Map<String, Target> t = new LinkedHashMap<>();
        ReferenceNames.linear(t, "cls.predictions.transform.dense.", head.dense);
        ReferenceNames.layerNorm(t, "cls.predictions.transform.LayerNorm.", head.norm);
        ReferenceNames.put(t, "cls.predictions.bias", head.bias, Layout.AS_IS);
        if (!head.isTied()) {
            ReferenceNames.put(t, DECODER_KEY, head.decoder, Layout.AS_IS);
        }
        return t;
    }

    /**
     * Builds, initialises and loads a BERT from a local Hugging Face model folder.
     *
     * @param folder the folder with {@code config.json} and {@code model.safetensors} or {@code pytorch_model.bin}
     * @param manager owner of the parameters (and their device)
     * @param withHead whether to build and load the MLM head too (untied; its decoder defaults to the word
     *     embeddings when the checkpoint stores it only as a tied weight)
     * @return the model
     * @throws IOException when a file cannot be read
     * @throws MedvpException naming the folder, file or key when something is missing or does not fit
     */
    public static Model load(Path folder, NDManager manager, boolean withHead) throws IOException {
        Path configFile = folder.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new MedvpException(folder + ": no " + CONFIG + "; give a Hugging Face BERT model folder");
        }
        BertConfig config = BertConfig.read(configFile);
        BertEncoder encoder = new BertEncoder(config);
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
        BertMlmHead head = null;
        if (withHead) {
            head = BertMlmHead.untied(config.hiddenSize(), config.vocabSize(), config.layerNormEps());
            head.initialize(manager, DataType.FLOAT32, new Shape(1, 1, config.hiddenSize()));
        }
        loadWeights(weightsFile(folder), encoder, head);
        return new Model(config, encoder, head);
    }

    /**
     * The weights file of a model folder: {@code model.safetensors} if present, else {@code pytorch_model.bin}.
     *
     * @param folder a model folder
     * @return the file
     * @throws MedvpException naming the folder when it has neither
     */
    public static Path weightsFile(Path folder) {
        for (String name : new String[] {SAFETENSORS, PYTORCH_BIN}) {
            Path f = folder.resolve(name);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new MedvpException(folder + ": no " + SAFETENSORS + " or " + PYTORCH_BIN + " in the model folder");
    }

    /**
     * Loads HF-named weights into an initialised encoder and/or MLM head (e.g. RadBERT's {@code cls.predictions}
     * into MG-3D's own head, with {@code encoder} null).
     *
     * @param file a safetensors or {@code torch.save} state dict
     * @param encoder the encoder, or null to load the head only
     * @param head the MLM head, or null to load the encoder only
     * @throws IOException when the file cannot be read
     * @throws MedvpException naming the file and key when a key is missing or has the wrong shape
     */
    public static void loadWeights(Path file, BertEncoder encoder, BertMlmHead head) throws IOException {
        Map<String, HostTensor> raw = TensorFiles.readStateDict(file);
        Map<String, HostTensor> byName = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : raw.entrySet()) {
            byName.putIfAbsent(normalise(e.getKey()), e.getValue());
        }
        if (encoder == null && head == null) {
            throw new IllegalArgumentException("HfBert.loadWeights: nothing to load into");
        }
        Map<String, Target> targets = encoder == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(encoderNames(encoder));
        if (head != null) {
            targets.putAll(headNames(head));
            if (!head.isTied() && !byName.containsKey(DECODER_KEY) && byName.containsKey(WORD_KEY)) {
                byName.put(DECODER_KEY, byName.get(WORD_KEY)); // stored only once when tied in the checkpoint
            }
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Target> e : targets.entrySet()) {
            HostTensor t = byName.get(e.getKey());
            if (t == null) {
                missing.add(displayName(e.getKey()));
                continue;
            }
            Shape expected = e.getValue().parameter().getShape();
            Shape actual = new Shape(t.shape());
            if (!expected.equals(actual)) {
                throw new MedvpException(file + ": weight " + displayName(e.getKey()) + " has shape " + actual
                        + " but the config needs " + expected + "; the weights do not match config.json");
            }
        }
        if (!missing.isEmpty()) {
            throw new MedvpException(file + ": missing " + missing.size() + " BERT weight(s), first "
                    + missing.get(0) + "; is this a BERT checkpoint of the same size?");
        }
        Parameter any = targets.values().iterator().next().parameter();
        try (NDManager scratch = any.getArray().getManager().newSubManager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            for (String name : targets.keySet()) {
                arrays.put(name, HostArrays.toNDArray(scratch, byName.get(name)));
            }
            StateDictImport.builder().build().load(targets, arrays, file.toString());
        }
    }

    /**
     * Saves a model folder that {@link #load} reads: {@code config.json} and {@code model.safetensors} with
     * {@code bert.}-prefixed encoder names and, if a head is given, {@code cls.predictions.*}.
     *
     * @param folder the destination folder (created)
     * @param encoder the encoder
     * @param head the MLM head, or null
     * @throws IOException when writing fails
     */
    public static void save(Path folder, BertEncoder encoder, BertMlmHead head) throws IOException {
        Files.createDirectories(folder);
        encoder.getConfig().write(folder.resolve(CONFIG));
        Map<String, Target> targets = new LinkedHashMap<>(ReferenceNames.prefixed(ENCODER_PREFIX,
                encoderNames(encoder)));
        if (head != null) {
            targets.putAll(headNames(head));
        }
        Map<String, HostTensor> host = new LinkedHashMap<>();
        NDManager manager = encoder.getEmbeddings().getWordEmbeddings().getArray().getManager();
        try (NDManager scratch = manager.newSubManager()) {
            for (Map.Entry<String, NDArray> e : StateDictImport.export(targets, scratch).entrySet()) {
                host.put(e.getKey(), HostArrays.toHost(e.getValue()));
            }
        }
        TensorFiles.write(folder.resolve(SAFETENSORS), host, Map.of("format", "pt"));
    }

    /** A checkpoint key as {@link #encoderNames} / {@link #headNames} name it. */
    static String normalise(String key) {
        String k = key;
        while (k.startsWith("module.")) {
            k = k.substring("module.".length());
        }
        if (k.startsWith(ENCODER_PREFIX)) {
            k = k.substring(ENCODER_PREFIX.length());
        }
        if (k.endsWith("LayerNorm.gamma")) {
            k = k.substring(0, k.length() - "gamma".length()) + "weight";
        } else if (k.endsWith("LayerNorm.beta")) {
            k = k.substring(0, k.length() - "beta".length()) + "bias";
        }
        return k;
    }

    private static String displayName(String name) {
        return name.startsWith("cls.") ? name : ENCODER_PREFIX + name;
    }
}
