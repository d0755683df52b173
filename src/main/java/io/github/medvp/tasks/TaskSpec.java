package io.github.medvp.tasks;

import io.github.medvp.nn.EncoderAxes;
import io.github.medvp.nn.EncoderPreset;
import io.github.medvp.nn.UniFormerPreset;
import io.github.medvp.tasks.segmentation.LabelSpec;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.transform.HounsfieldWindow;
import io.github.medvp.data.transform.ModalityIntensity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything a fine-tuned model needs to be used on new data, stored in its checkpoint header: the task, the encoder
 * (family, preset and the axis order of its weights), the input modalities in channel order, what the outputs mean,
 * the crop (training crop and
 * sliding-window size), the intensity normalisation (with the CT window, so inference prepares a study exactly as
 * training did), and whether modality templates travel with the model.
 *
 * @param task segmentation or classification
 * @param encoder the encoder's family and size (header {@code encoder} and {@code preset}; a header without
 *     {@code encoder}, written before Swin encoders, is UniFormer's)
 * @param axes the axis order the encoder's weights expect (header {@code encoder_axes}, {@code xyz} when absent):
 *     {@code zyx} for an encoder pre-trained by MG-3D, see {@link EncoderAxes}
 * @param modalities input modalities, canonical, in channel order
 * @param labels segmentation outputs (null for classification)
 * @param classes class names, index = class (empty for segmentation)
 * @param crop training crop edge and sliding-window size (a multiple of 32)
 * @param templateGrid grid of the stored templates (X, Y, Z), or null without templates
 * @param huWindow the HU window {lower, upper} that CT channels are mapped to [0, 1] with (header {@code hu_window};
 *     MG-3D's [−1000, 1000] when absent, as in headers written before CT); recorded for every model so inference
 *     applies the training's rule ({@link #intensity()})
 */
public record TaskSpec(Task task, EncoderPreset encoder, EncoderAxes axes, List<Modality> modalities, LabelSpec labels,
        List<String> classes, int crop, int[] templateGrid, double[] huWindow) {

    /** The header value of {@code method} for fine-tuned models. */
    public static final String METHOD = "finetune";

    /** The kinds of task. */
    public enum Task {
        SEGMENTATION, CLASSIFICATION
    }

    /** Checks and copies. */
    public TaskSpec {
        modalities = List.copyOf(modalities);
        classes = List.copyOf(classes);
        templateGrid = templateGrid == null ? null : templateGrid.clone();
        huWindow = huWindow == null ? HounsfieldWindow.DEFAULT.clone() : huWindow.clone();
        if (huWindow.length != 2 || !(huWindow[0] < huWindow[1]) || !Double.isFinite(huWindow[0])
                || !Double.isFinite(huWindow[1])) {
            throw new MedvpException("hu_window must be two finite numbers lower,upper with lower below upper, got "
                    + Arrays.toString(huWindow));
        }
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
            throw new MedvpException("crop must be a positive multiple of 32 (four stride-2 stages, five for Swin), got "
                    + crop);
        }
        java.util.Objects.requireNonNull(encoder, "encoder");
        java.util.Objects.requireNonNull(axes, "axes");
        if (templateGrid != null && encoder.family() != EncoderPreset.Family.UNIFORMER) {
            throw new MedvpException("modality templates come from BrainMVP pre-training; a " + encoder
                    + " model has none");
        }
        if (templateGrid != null && !modalities.stream().allMatch(Modality::hasTemplate)) {
            throw new MedvpException("modality templates exist only for " + Modality.TEMPLATED + "; a model with "
                    + modalities + " has none");
        }
    }

    /**
     * A spec with MG-3D's default CT window.
     *
     * @param task segmentation or classification
     * @param encoder the encoder's family and size
     * @param axes the axis order of its weights
     * @param modalities input modalities in channel order
     * @param labels segmentation outputs (null for classification)
     * @param classes class names (empty for segmentation)
     * @param crop training crop and window edge
     * @param templateGrid template grid, or null
     */
    public TaskSpec(Task task, EncoderPreset encoder, EncoderAxes axes, List<Modality> modalities, LabelSpec labels,
            List<String> classes, int crop, int[] templateGrid) {
        this(task, encoder, axes, modalities, labels, classes, crop, templateGrid, null);
    }

    /**
     * A spec of a UniFormer model, as before Swin encoders.
     *
     * @param task segmentation or classification
     * @param preset UniFormer preset ({@code tiny} or {@code small})
     * @param modalities input modalities in channel order
     * @param labels segmentation outputs (null for classification)
     * @param classes class names (empty for segmentation)
     * @param crop training crop and window edge
     * @param templateGrid template grid, or null
     */
    public TaskSpec(Task task, String preset, List<Modality> modalities, LabelSpec labels, List<String> classes,
            int crop, int[] templateGrid) {
        this(task, EncoderPreset.of(UniFormerPreset.of(preset, "preset")), EncoderAxes.XYZ, modalities, labels,
                classes, crop, templateGrid);
    }

    /** @return the encoder's size within its family ({@code small}, {@code b}), the header's {@code preset} */
    public String preset() {
        return encoder.size();
    }

    /**
     * @param encoder another encoder
     * @param axes its axis order
     * @return this spec with that encoder
     */
    public TaskSpec withEncoder(EncoderPreset encoder, EncoderAxes axes) {
        return new TaskSpec(task, encoder, axes, modalities, labels, classes, crop, templateGrid, huWindow);
    }

    /**
     * @param window the HU window {lower, upper} of CT channels
     * @return this spec with that window
     */
    public TaskSpec withHuWindow(double[] window) {
        return new TaskSpec(task, encoder, axes, modalities, labels, classes, crop, templateGrid, window);
    }

    /** @return the intensity rule of this model's inputs, the same in training and inference */
    public ModalityIntensity intensity() {
        return new ModalityIntensity(huWindow);
    }

    @Override
    public double[] huWindow() {
        return huWindow.clone();
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
        return new TaskSpec(task, encoder, axes, modalities, labels, classes, crop, grid, huWindow);
    }

    /** @return the header fields */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("method", METHOD);
        o.addProperty("task", task.name().toLowerCase(java.util.Locale.ROOT));
        o.addProperty("encoder", encoder.family().key());
        o.addProperty("preset", encoder.size());
        o.addProperty("encoder_axes", axes.key());
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
        o.addProperty("normalisation", intensity().describe(modalities));
        JsonArray w = new JsonArray();
        Arrays.stream(huWindow).forEach(w::add);
        o.add("hu_window", w);
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
            EncoderPreset encoder = EncoderPreset.of(h.has("encoder") ? h.get("encoder").getAsString() : null,
                    h.get("preset").getAsString(), source);
            EncoderAxes axes = h.has("encoder_axes") ? EncoderAxes.of(h.get("encoder_axes").getAsString(), source)
                    : EncoderAxes.XYZ;
            double[] window = null;
            if (h.has("hu_window")) {
                JsonArray w = h.getAsJsonArray("hu_window");
                window = new double[w.size()];
                for (int i = 0; i < window.length; i++) {
                    window[i] = w.get(i).getAsDouble();
                }
                if (window.length != 2 || !(window[0] < window[1])) {
                    throw new MedvpException(source + " has a damaged fine-tuning header (hu_window "
                            + Arrays.toString(window) + "; two numbers lower,upper with lower below upper)");
                }
            }
            return new TaskSpec(task, encoder, axes, mods, labels, classes, h.get("crop").getAsInt(), grid, window);
        } catch (RuntimeException e) {
            if (e instanceof MedvpException m) {
                throw m;
            }
            throw new MedvpException(source + " has a damaged fine-tuning header (" + e + ")", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskSpec t && t.task == task && t.encoder == encoder && t.axes == axes
                && t.modalities.equals(modalities)
                && java.util.Objects.equals(t.labels, labels) && t.classes.equals(classes) && t.crop == crop
                && Arrays.equals(t.templateGrid, templateGrid) && Arrays.equals(t.huWindow, huWindow);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(task, encoder, axes, modalities, classes, crop);
    }
}
