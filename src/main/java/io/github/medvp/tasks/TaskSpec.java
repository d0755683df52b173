package io.github.medvp.tasks;

import io.github.medvp.nn.UniFormerPreset;
import io.github.medvp.tasks.segmentation.LabelSpec;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything a fine-tuned model needs to be used on new data, stored in its checkpoint header: the task, the encoder
 * (family and preset), the input modalities in channel order, what the outputs mean, the crop (training crop and
 * sliding-window size), the intensity normalisation, and whether modality templates travel with the model.
 *
 * @param task segmentation or classification
 * @param preset encoder preset ({@code tiny} or {@code small})
 * @param modalities input modalities, canonical, in channel order
 * @param labels segmentation outputs (null for classification)
 * @param classes class names, index = class (empty for segmentation)
 * @param crop training crop edge and sliding-window size (a multiple of 32)
 * @param templateGrid grid of the stored templates (X, Y, Z), or null without templates
 */
public record TaskSpec(Task task, String preset, List<Modality> modalities, LabelSpec labels, List<String> classes,
        int crop, int[] templateGrid) {

    /** The header value of {@code method} for fine-tuned models. */
    public static final String METHOD = "finetune";
    /** The encoder family; the only one so far. */
    public static final String ENCODER = "uniformer";
    /** The intensity and grid preparation both training and inference apply (BrainMVP's {@code custom_transform}). */
    public static final String NORMALISATION = "per-channel 5-95 percentile scaling without clipping, RAS, 1 mm";

    /** The kinds of task. */
    public enum Task {
        SEGMENTATION, CLASSIFICATION
    }

    /** Checks and copies. */
    public TaskSpec {
        modalities = List.copyOf(modalities);
        classes = List.copyOf(classes);
        templateGrid = templateGrid == null ? null : templateGrid.clone();
        if (modalities.isEmpty() || modalities.stream().distinct().count() != modalities.size()) {
            throw new MedvpException("modalities must be one or more distinct modalities, got " + modalities);
        }
        if (task == Task.SEGMENTATION && labels == null) {
            throw new MedvpException("a segmentation model needs a label description (labels=...)");
        }
        if (task == Task.CLASSIFICATION && classes.size() < 2) {
            throw new MedvpException("a classification model needs at least two classes, got " + classes);
        }
        if (crop < 32 || crop % 32 != 0) {
            throw new MedvpException("crop must be a positive multiple of 32 (four stride-2 stages), got " + crop);
        }
        UniFormerPreset.of(preset, "preset");
    }

    /** @return the network's output channels */
    public int outChannels() {
        return task == Task.SEGMENTATION ? labels.outChannels() : classes.size();
    }

    /** @return the input channels */
    public int inChannels() {
        return modalities.size();
    }

    /** @return whether templates of the input modalities are stored with the model */
    public boolean hasTemplates() {
        return templateGrid != null;
    }

    /** @return this spec with templates on {@code grid} (or none with null) */
    public TaskSpec withTemplateGrid(int[] grid) {
        return new TaskSpec(task, preset, modalities, labels, classes, crop, grid);
    }

    /** @return the header fields */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("method", METHOD);
        o.addProperty("task", task.name().toLowerCase(java.util.Locale.ROOT));
        o.addProperty("encoder", ENCODER);
        o.addProperty("preset", preset);
        JsonArray m = new JsonArray();
        modalities.forEach(x -> m.add(x.token()));
        o.add("modalities", m);
        if (labels != null) {
            o.add("labels", labels.toJson());
        }
        JsonArray c = new JsonArray();
        classes.forEach(c::add);
        o.add("classes", c);
        o.addProperty("out_channels", outChannels());
        o.addProperty("crop", crop);
        o.addProperty("normalisation", NORMALISATION);
        o.addProperty("templates", hasTemplates());
        if (templateGrid != null) {
            JsonArray g = new JsonArray();
            Arrays.stream(templateGrid).forEach(g::add);
            o.add("template_grid", g);
        }
        return o;
    }

    /**
     * @param h a checkpoint header
     * @param source the file, for messages
     * @return the spec
     * @throws MedvpException when the header is not that of a fine-tuned model
     */
    public static TaskSpec fromJson(JsonObject h, String source) {
        if (!h.has("method") || !METHOD.equals(h.get("method").getAsString()) || !h.has("task")) {
            throw new MedvpException(source + " is not a fine-tuned MedVP model (method "
                    + (h.has("method") ? h.get("method").getAsString() : "missing")
                    + "); fine-tune one with finetune-seg or finetune-cls first");
        }
        try {
            Task task = Task.valueOf(h.get("task").getAsString().toUpperCase(java.util.Locale.ROOT));
            List<Modality> mods = new ArrayList<>();
            h.getAsJsonArray("modalities").forEach(e -> mods.add(Modality.valueOf(e.getAsString()
                    .toUpperCase(java.util.Locale.ROOT))));
            List<String> classes = new ArrayList<>();
            if (h.has("classes")) {
                h.getAsJsonArray("classes").forEach(e -> classes.add(e.getAsString()));
            }
            int[] grid = null;
            if (h.has("template_grid") && h.get("templates").getAsBoolean()) {
                JsonArray g = h.getAsJsonArray("template_grid");
                grid = new int[] {g.get(0).getAsInt(), g.get(1).getAsInt(), g.get(2).getAsInt()};
            }
            LabelSpec labels = h.has("labels") ? LabelSpec.fromJson(h.getAsJsonObject("labels")) : null;
            return new TaskSpec(task, h.get("preset").getAsString(), mods, labels, classes, h.get("crop").getAsInt(),
                    grid);
        } catch (RuntimeException e) {
            if (e instanceof MedvpException m) {
                throw m;
            }
            throw new MedvpException(source + " has a damaged fine-tuning header (" + e + ")", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskSpec t && t.task == task && t.preset.equals(preset) && t.modalities.equals(modalities)
                && java.util.Objects.equals(t.labels, labels) && t.classes.equals(classes) && t.crop == crop
                && Arrays.equals(t.templateGrid, templateGrid);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(task, preset, modalities, classes, crop);
    }
}
