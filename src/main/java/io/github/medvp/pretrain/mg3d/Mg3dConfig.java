package io.github.medvp.pretrain.mg3d;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.data.transform.HounsfieldWindow;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.transform.Transform;
import io.github.medvp.nn.bert.BertConfig;
import io.github.medvp.nn.swin.SwinPreset;
import io.github.medvp.nn.swin.Swin3d;

/**
 * What fixes an MG-3D model's shape and input, stored in every checkpoint header (under {@code "mg3d"}) so a
 * checkpoint rebuilds its model without other settings.
 *
 * @param preset vision preset ({@link SwinPreset}): {@code tiny}, {@code b} or {@code l}
 * @param text the BERT sizes
 * @param textTrainable whether the text encoder trains
 * @param mimFusion MIM's fusion
 * @param cml CML's contrast
 * @param doubleProjection pass 3's second projection (reference code)
 * @param size the volume grid (X, Y, Z)
 * @param maxLength L, report tokens
 * @param volumes how volumes were preprocessed (the same preprocessing is applied downstream)
 */
public record Mg3dConfig(String preset, BertConfig text, boolean textTrainable, MimFusion mimFusion,
        CmlMode cml, boolean doubleProjection, int[] size, int maxLength, Preprocessing volumes) {

    /**
     * Volume preprocessing of a run.
     *
     * @param modality {@code ct} (HU window) or {@code mri} (percentile scaling)
     * @param spacing target spacing (X, Y, Z) in mm
     * @param window HU window {lower, upper} (CT)
     */
    public record Preprocessing(String modality, double[] spacing, double[] window) {

        /** MG-3D's CT preprocessing (0.75×0.75×1.5 mm, [−1000, 1000]). */
        public static final Preprocessing CT = new Preprocessing("ct", Pipelines.mg3dCtSpacing(),
                HounsfieldWindow.DEFAULT);

        /**
         * @param size the output grid
         * @return the pipeline ({@link Pipelines#mg3dCt} or {@link Pipelines#mg3dMri})
         */
        public Transform pipeline(int[] size) {
            return "mri".equals(modality) ? Pipelines.mg3dMri(spacing, size) : Pipelines.mg3dCt(spacing, window, size);
        }
    }

    /** @return the preprocessing of this run's volumes, to the run's grid */
    public Transform pipeline() {
        return volumes.pipeline(size);
    }

    /** @return the Swin configuration of the preset */
    public Swin3d.Builder vision() {
        for (SwinPreset p : SwinPreset.values()) {
            if (p.key().equals(preset)) {
                return p.encoder();
            }
        }
        throw new MedvpException("unknown MG-3D preset '" + preset + "': use tiny, b or l");
    }

    /** @return an unbuilt model of this configuration */
    public Mg3dModel.Builder model() {
        return Mg3dModel.builder().setVision(vision()).setText(text).optTextTrainable(textTrainable)
                .optMimFusion(mimFusion).optCml(cml).optDoubleProjection(doubleProjection);
    }

    /** @return the configuration as JSON */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("preset", preset);
        JsonObject t = new JsonObject();
        t.addProperty("vocab_size", text.vocabSize());
        t.addProperty("hidden_size", text.hiddenSize());
        t.addProperty("num_hidden_layers", text.layers());
        t.addProperty("num_attention_heads", text.heads());
        t.addProperty("intermediate_size", text.intermediateSize());
        t.addProperty("max_position_embeddings", text.maxPositions());
        t.addProperty("type_vocab_size", text.typeVocabSize());
        t.addProperty("layer_norm_eps", text.layerNormEps());
        t.addProperty("hidden_dropout_prob", text.hiddenDropout());
        t.addProperty("attention_probs_dropout_prob", text.attentionDropout());
        o.add("text", t);
        o.addProperty("text_trainable", textTrainable);
        o.addProperty("mim_fusion", mimFusion.name().toLowerCase(java.util.Locale.ROOT));
        o.addProperty("cml", cml.key());
        o.addProperty("double_projection", doubleProjection);
        JsonArray s = new JsonArray();
        for (int v : size) {
            s.add(v);
        }
        o.add("size", s);
        o.addProperty("max_length", maxLength);
        o.addProperty("modality", volumes.modality());
        o.add("spacing", array(volumes.spacing()));
        o.add("window", array(volumes.window()));
        return o;
    }

    private static JsonArray array(double[] values) {
        JsonArray a = new JsonArray();
        for (double v : values) {
            a.add(v);
        }
        return a;
    }

    /**
     * @param o JSON of {@link #toJson()}
     * @param source file name for messages
     * @return the configuration
     * @throws MedvpException when a field is missing or wrong
     */
    public static Mg3dConfig fromJson(JsonObject o, String source) {
        try {
            JsonObject t = o.getAsJsonObject("text");
            BertConfig text = new BertConfig(t.get("vocab_size").getAsInt(), t.get("hidden_size").getAsInt(),
                    t.get("num_hidden_layers").getAsInt(), t.get("num_attention_heads").getAsInt(),
                    t.get("intermediate_size").getAsInt(), t.get("max_position_embeddings").getAsInt(),
                    t.get("type_vocab_size").getAsInt(), t.get("layer_norm_eps").getAsDouble(),
                    t.get("hidden_dropout_prob").getAsDouble(), t.get("attention_probs_dropout_prob").getAsDouble());
            JsonArray s = o.getAsJsonArray("size");
            return new Mg3dConfig(o.get("preset").getAsString(), text, o.get("text_trainable").getAsBoolean(),
                    mimFusion(o.get("mim_fusion").getAsString()), cml(o.get("cml").getAsString()),
                    o.get("double_projection").getAsBoolean(),
                    new int[] {s.get(0).getAsInt(), s.get(1).getAsInt(), s.get(2).getAsInt()},
                    o.get("max_length").getAsInt(), new Preprocessing(o.get("modality").getAsString(),
                            doubles(o.getAsJsonArray("spacing")), doubles(o.getAsJsonArray("window"))));
        } catch (RuntimeException e) {
            throw new MedvpException(source + " has no usable MG-3D model configuration (" + e.getMessage()
                    + "): use a checkpoint of mg3d-pretrain", e);
        }
    }

    private static double[] doubles(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsDouble();
        }
        return out;
    }

    /** @param name paper|code @return the setting */
    public static MimFusion mimFusion(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "paper" -> MimFusion.PAPER;
            case "code" -> MimFusion.CODE;
            default -> throw new MedvpException("mim_fusion must be paper or code, got '" + name + "'");
        };
    }

    /**
     * @param name joint|volume_report (or {@value CmlMode#OLD_VOLUME_REPORT}, the former name of volume_report, in
     *     headers written before the rename)
     * @return the setting
     */
    public static CmlMode cml(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case CmlMode.OLD_VOLUME_REPORT, "volume_report" -> CmlMode.VOLUME_REPORT;
            case "joint" -> CmlMode.JOINT;
            default -> throw new MedvpException("cml must be joint or volume_report, got '" + name + "'");
        };
    }
}
