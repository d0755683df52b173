package io.github.medvp.tasks;

import io.github.medvp.nn.EncoderPreset;
import io.github.medvp.nn.UniFormerPreset;
import io.github.medvp.nn.VolumeEncoder;
import io.github.medvp.nn.swin.SwinUnetrDecoder;
import io.github.medvp.tasks.classification.ClassificationHead;
import io.github.medvp.tasks.inference.MissingModalities;
import io.github.medvp.tasks.inference.ModalityFill;
import io.github.medvp.tasks.inference.SlidingWindow;
import io.github.medvp.tasks.inference.TemplateStack;
import io.github.medvp.tasks.inference.TemplateVolumes;
import io.github.medvp.tasks.inference.WindowPredictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.io.HostTensor;
import io.github.medvp.nn.HostInitialisation;
import io.github.medvp.nn.UnetrDecoder;
import io.github.medvp.nn.UniFormer3d;
import io.github.medvp.train.Checkpoint;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.NamedParameters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * A fine-tuned model: an encoder ({@link VolumeEncoder}: BrainMVP's {@link UniFormer3d} or MG-3D's Swin, run
 * through {@link TaskEncoder} in the axis order its weights expect), a task head and optionally the modality templates
 * of its inputs, described by a {@link TaskSpec}. Every tensor outside the encoder is (N, C, X, Y, Z).
 * <ul>
 * <li>segmentation: the head gets the input followed by the encoder's feature maps. UniFormer + {@link UnetrDecoder}
 * with deep supervision: forward in training gives {@code (ms0, ms1, main)}, in inference {@code (main)}; Swin +
 * {@link SwinUnetrDecoder} (MONAI's SwinUNETR, feature size = the Swin's embedding width): {@code (main)}; logits
 * (N, K, X, Y, Z);</li>
 * <li>classification: encoder + {@link ClassificationHead} on x4; logits (N, K).</li>
 * </ul>
 * Swin models carry no modality templates (those come from BrainMVP pre-training).
 * <b>Checkpoint format</b> (a {@link Checkpoints} safetensors file, so training checkpoints {@code last}/{@code best}
 * of a run are models too): header = {@link TaskSpec#toJson()} ({@code method = finetune}, task, encoder, preset,
 * modalities in channel order, labels or classes, out_channels, crop, normalisation, templates, template_grid) plus
 * what training adds ({@value ModalityMeans#HEADER}: the training means {@link ModalityFill#MEAN} fills with);
 * tensors {@code model.encoder.*}, {@code model.head.*} and, with templates,
 * {@code model.templates.templates} (C, GX, GY, GZ) normalised to [0, 1], channel i = the template of modality i.
 * {@link #load} rebuilds the model from the header and checks every tensor's presence and shape, failing with a
 * one-line message naming the file and the tensor.
 */
public final class TaskModel {

    /** Prefix of the encoder's tensors in {@link NamedParameters} (after the checkpoint's {@code model.}). */
    public static final String ENCODER = "encoder.";
    /** Prefix of the head's tensors. */
    public static final String HEAD = "head.";
    /** Prefix of the templates' tensor. */
    public static final String TEMPLATES = "templates.";

    private final TaskSpec spec;
    private final TaskEncoder encoder;
    private final Block head;
    private final TemplateStack templates;
    private ModalityMeans means;

    private TaskModel(TaskSpec spec, TaskEncoder encoder, Block head, TemplateStack templates) {
        this.spec = spec;
        this.encoder = encoder;
        this.head = head;
        this.templates = templates;
    }

    /**
     * The UniFormer configuration of a preset.
     *
     * @param preset {@code tiny} or {@code small}
     * @return a builder (input channels still to set)
     */
    public static UniFormer3d.Builder encoderPreset(String preset) {
        return UniFormerPreset.of(preset, "preset").encoder();
    }

    /**
     * A freshly initialised model (encoder and head as the reference initialises them, templates zero).
     *
     * @param spec what to build
     * @param manager owner of the parameters (its device is where the model runs)
     * @return the model
     */
    public static TaskModel create(TaskSpec spec, NDManager manager) {
        VolumeEncoder block = spec.encoder().build(spec.inChannels());
        TaskEncoder encoder = new TaskEncoder(block, spec.encoder(), spec.axes());
        Shape in = new Shape(1, spec.inChannels(), spec.crop(), spec.crop(), spec.crop());
        HostInitialisation.initialize(block, manager, DataType.FLOAT32, in);
        Shape[] features = encoder.featureShapes(in);
        boolean segmentation = spec.task() == TaskSpec.Task.SEGMENTATION;
        Block head;
        if (!segmentation) {
            head = new ClassificationHead(spec.outChannels());
        } else if (spec.encoder().family() == EncoderPreset.Family.UNIFORMER) {
            head = UnetrDecoder.builder().setOutChannels(spec.outChannels()).optWidths(block.getFeatureWidths())
                    .build();
        } else {
            head = SwinUnetrDecoder.builder().setOutChannels(spec.outChannels())
                    .setFeatureSize(block.getFeatureWidths()[0]).optInChannels(spec.inChannels()).build();
        }
        HostInitialisation.initialize(head, manager, DataType.FLOAT32, segmentation ? withInput(in, features)
                : features);
        TemplateStack t = null;
        if (spec.hasTemplates()) {
            t = new TemplateStack(spec.inChannels(), spec.templateGrid());
            HostInitialisation.initialize(t, manager, DataType.FLOAT32, new Shape(1));
        }
        return new TaskModel(spec, encoder, head, t);
    }

    /**
     * Reads a fine-tuned model (a file written by {@link #save} or a run's {@code best}/{@code last} checkpoint).
     *
     * @param file the checkpoint
     * @param manager owner of the parameters
     * @return the model with the file's weights
     * @throws MedvpException when the file is not a fine-tuned model or a tensor is missing or mis-shaped
     */
    public static TaskModel load(Path file, NDManager manager) {
        Checkpoint ck = Checkpoints.read(file);
        TaskSpec spec = TaskSpec.fromJson(ck.header(), file.toString());
        TaskModel model = create(spec, manager);
        model.parameters().load(ck.tensors(), Checkpoint.MODEL, Checkpoint.EXTRA, file.toString());
        model.means = ModalityMeans.fromHeader(ck.header());
        return model;
    }

    /**
     * Writes the model (no optimiser state) atomically.
     *
     * @param file the checkpoint to write
     * @param extra fields added to the header (e.g. the validation score), may be null
     * @throws IOException when it cannot be written
     */
    public void save(Path file, JsonObject extra) throws IOException {
        JsonObject h = header();
        if (extra != null) {
            extra.entrySet().forEach(e -> h.add(e.getKey(), e.getValue()));
        }
        if (!h.has("step")) {
            h.addProperty("step", 0);
        }
        Checkpoints.write(file, Checkpoints.capture(h, parameters(), null));
    }

    /** @return the header fields describing the model ({@link TaskSpec#toJson()}) and its training means */
    public JsonObject header() {
        JsonObject h = spec.toJson();
        if (means != null) {
            h.add(ModalityMeans.HEADER, means.toJson());
        }
        return h;
    }

    /** @return the training means of the modalities, or null for a model fine-tuned before they were stored */
    public ModalityMeans means() {
        return means;
    }

    /** @param means the training means, measured on the run's training studies before its first checkpoint */
    public void setMeans(ModalityMeans means) {
        this.means = means;
    }

    /**
     * What this model fills missing modalities with.
     *
     * @param choice the {@code fill} setting, or null for the default (templates where the model has them, else the
     *     training means)
     * @return the filling for {@link MissingModalities#complete}
     * @throws MedvpException for {@code templates} on a Swin model, which never has them
     */
    public MissingModalities.Filling filling(ModalityFill choice) {
        if (choice == ModalityFill.TEMPLATES && spec.encoder().family() != EncoderPreset.Family.UNIFORMER) {
            throw new MedvpException(ModalityFill.SETTING + "=templates: a " + spec.encoder() + " model has no "
                    + "modality templates (they come from BrainMVP pre-training); use " + ModalityFill.SETTING
                    + "=mean (its training means), zeros or auto");
        }
        return new MissingModalities.Filling(choice, hasTemplates() ? TemplateVolumes.of(this) : null, means);
    }

    /** @return what the model is */
    public TaskSpec spec() {
        return spec;
    }

    private static Shape[] withInput(Shape in, Shape[] features) {
        Shape[] s = new Shape[features.length + 1];
        s[0] = in;
        System.arraycopy(features, 0, s, 1, features.length);
        return s;
    }

    /** @return the encoder block */
    public VolumeEncoder encoder() {
        return encoder.block();
    }

    /** @return the encoder with its preset and axis order */
    public TaskEncoder taskEncoder() {
        return encoder;
    }

    /** @return the head ({@link UnetrDecoder}, {@link SwinUnetrDecoder} or {@link ClassificationHead}) */
    public Block head() {
        return head;
    }

    /**
     * @return how many logits a training-mode forward gives: 3 for a decoder with deep supervision
     *     {@code (ms0, ms1, main)}, else 1
     */
    public int trainingOutputs() {
        return head instanceof UnetrDecoder d && d.hasDeepSupervision() ? 3 : 1;
    }

    /**
     * The named tensors to train and checkpoint: {@code encoder.*}, {@code head.*}, and the (never trained)
     * {@code templates.templates}.
     *
     * @return the parameters
     */
    public NamedParameters parameters() {
        NamedParameters.Builder b = NamedParameters.builder().addBlock(ENCODER, encoder.block()).addBlock(HEAD, head);
        if (templates != null) {
            b.addBlock(TEMPLATES, templates);
        }
        return b.build();
    }

    /**
     * Freezes encoder tensors: they get no gradient, so no optimiser moves them and autograd records nothing for a
     * wholly frozen encoder. BatchNorm running statistics are not parameters and still follow the data in training
     * mode (the statistics a checkpoint's stem produced change anyway when its input channels do). Call before
     * {@link #parameters()} is taken for the optimiser.
     *
     * @param which the tensors to freeze, by their {@link #parameters()} name (with the {@link #ENCODER} prefix)
     * @return how many tensors were frozen
     */
    public int freezeEncoder(Predicate<String> which) {
        int n = 0;
        for (var p : encoder.block().getParameters()) {
            if (p.getValue().requiresGradient() && which.test(ENCODER + p.getKey())) {
                p.getValue().freeze(true);
                n++;
            }
        }
        return n;
    }

    /**
     * What one forward pass gives.
     *
     * @param logits segmentation: {@code (ms0, ms1, main)} in training with deep supervision, {@code (main)}
     *     otherwise; classification: {@code (logits)}
     * @param features the deepest encoder feature map x4 (N, C4, X/16, Y/16, Z/16)
     */
    public record Outputs(NDList logits, NDArray features) {

        /** @return the main (full-resolution or class) logits */
        public NDArray main() {
            return logits.get(logits.size() - 1);
        }
    }

    /**
     * Runs encoder and head.
     *
     * @param ps the parameter store
     * @param x (N, C, X, Y, Z), C = the model's modalities, X, Y, Z multiples of 32
     * @param training training mode (BatchNorm batch statistics, deep-supervision outputs)
     * @return the outputs
     */
    public Outputs forward(ParameterStore ps, NDArray x, boolean training) {
        NDList features = encoder.features(ps, x, training);
        NDList logits = head.forward(ps, headInput(x, features), training);
        return new Outputs(logits, features.get(features.size() - 1));
    }

    /** A segmentation decoder takes the input before the feature maps (its full-resolution skip). */
    private NDList headInput(NDArray x, NDList features) {
        if (spec.task() != TaskSpec.Task.SEGMENTATION) {
            return features;
        }
        NDList in = new NDList(features.size() + 1);
        in.add(x);
        in.addAll(features);
        return in;
    }

    /**
     * The segmentation network as {@link SlidingWindow} calls it (inference mode, main logits).
     *
     * @param ps the parameter store
     * @return the predictor
     */
    public WindowPredictor predictor(ParameterStore ps) {
        if (spec.task() != TaskSpec.Task.SEGMENTATION) {
            throw new MedvpException("a " + spec.task() + " model does not predict windows");
        }
        return WindowPredictor.ofStages(x -> headInput(x.singletonOrThrow(),
                encoder.features(ps, x.singletonOrThrow(), false)), x -> head.forward(ps, x, false));
    }

    /** @return whether templates travel with the model */
    public boolean hasTemplates() {
        return templates != null;
    }

    /**
     * @return the templates (C, GX, GY, GZ) in [0, 1], channel i = modality i of the spec (the array itself, not a
     *     copy)
     * @throws MedvpException when the model has none
     */
    public NDArray templates() {
        if (templates == null) {
            throw new MedvpException("this model has no modality templates: it was not fine-tuned from a BrainMVP "
                    + "checkpoint with templates" + (spec.encoder().family() == EncoderPreset.Family.SWIN
                            ? " (a Swin model never has them)" : ""));
        }
        return templates.parameter().getArray();
    }

    /**
     * The template of one input modality on the host.
     *
     * @param modality one of the model's modalities
     * @return (GX, GY, GZ) values in [0, 1]
     */
    public HostTensor template(Modality modality) {
        int c = spec.modalities().indexOf(modality);
        if (c < 0) {
            throw new MedvpException("the model takes " + spec.modalities() + ", not " + modality);
        }
        return HostArrays.toHost(templates().get(c));
    }

    /**
     * Replaces the templates (values copied).
     *
     * @param normalised (C, GX, GY, GZ) in channel order, already in [0, 1]
     */
    public void setTemplates(HostTensor normalised) {
        HostArrays.copyInto(templates(), normalised, TEMPLATES + "templates");
    }
}
