package io.github.medvp.tasks;

import io.github.medvp.tasks.classification.ClassificationFineTuning;
import io.github.medvp.tasks.segmentation.LabelSpec;
import io.github.medvp.tasks.segmentation.SegmentationFineTuning;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.manifest.StudyManifest;
import java.nio.file.Path;
import java.util.List;

/**
 * The settings of a fine-tuning run ({@link SegmentationFineTuning}, {@link ClassificationFineTuning}), with the
 * reference's defaults (spec §4.3): Adam with coupled L2 (lr 3e-4, weight decay 1e-4), cosine to 0 without warm-up,
 * batch 2, 300 epochs, validation every 5 epochs, seed 42, 96³ crops. Chained setters; {@link #data} (or
 * {@link #manifest}) and {@link #run} are required.
 */
public final class FineTuneSettings {

    Path data;
    StudyManifest manifest;
    String aliases = "";
    boolean skipBad;
    List<Modality> modalities;
    public LabelSpec labels = LabelSpec.brats();
    public List<String> classes = List.of();
    public Path classCsv;
    public double[] classWeights;
    public Path runDir;
    public boolean resume;
    public String preset = "small";
    Path init;
    public int epochs = 300;
    public int batchSize = 2;
    public int accumulation = 1;
    public double lr = 3e-4;
    double encoderLr = 1;
    boolean freezeEncoder;
    EncoderInit.FirstConv firstConv = EncoderInit.FirstConv.INFLATE;
    double weightDecay = 1e-4;
    boolean adamw;
    public double clip;
    public long seed = 42;
    public int crop = 96;
    public double labelCentred = 0;
    double fraction = 1;
    double validationFraction = 0.2;
    public int validateEvery = 5;
    double replaceProbability = 0.5;
    int replaceCount = 1;
    public double consistencyWeight = 0.1;
    boolean templates = true;
    public int workers;
    public String device = "auto";
    public int logEvery = 10;

    /** @param data a manifest .json or a folder of studies (see {@link StudyManifest#load}) @return this */
    public FineTuneSettings data(Path data) {
        this.data = data;
        return this;
    }

    /** @param manifest studies in memory instead of {@link #data} @return this */
    public FineTuneSettings manifest(StudyManifest manifest) {
        this.manifest = manifest;
        return this;
    }

    /** @param aliases extra modality names, e.g. {@code T1GD=t1c} @return this */
    public FineTuneSettings aliases(String aliases) {
        this.aliases = aliases == null ? "" : aliases;
        return this;
    }

    /** @param skipBad drop studies with problems (logged) instead of failing @return this */
    public FineTuneSettings skipBad(boolean skipBad) {
        this.skipBad = skipBad;
        return this;
    }

    /** @param modalities input channels in order; default the first training study's modalities @return this */
    public FineTuneSettings modalities(List<Modality> modalities) {
        this.modalities = modalities == null || modalities.isEmpty() ? null : List.copyOf(modalities);
        return this;
    }

    /**
     * @param names comma-separated modality names in channel order (aliases as set by {@link #aliases}); blank for
     *     the first training study's modalities
     * @return this
     * @throws MedvpException naming the setting {@code modalities} for an unknown name
     */
    public FineTuneSettings modalities(String names) {
        return modalities(parseModalities(names, aliases));
    }

    /**
     * @param names comma-separated modality names, blank for none
     * @param aliases extra names, e.g. {@code T1GD=t1c}
     * @return the canonical modalities in order (empty for blank)
     */
    public static List<Modality> parseModalities(String names, String aliases) {
        if (names == null || names.isBlank()) {
            return List.of();
        }
        ModalityNames table = ModalityNames.defaults().withAliases(aliases == null ? "" : aliases);
        List<Modality> out = new java.util.ArrayList<>();
        for (String n : names.split("\\s*,\\s*")) {
            out.add(table.require(n.trim(), "setting 'modalities'"));
        }
        return out;
    }

    /**
     * @param csv comma-separated numbers, blank for none
     * @param setting the setting's name, for the message
     * @return the numbers, or null for blank
     */
    public static double[] parseDoubles(String csv, String setting) {
        if (csv == null || csv.isBlank()) {
            return null;
        }
        String[] parts = csv.trim().split("\\s*,\\s*");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i]);
            } catch (NumberFormatException e) {
                throw new MedvpException("setting '" + setting + "': '" + parts[i] + "' is not a number");
            }
        }
        return out;
    }

    /** @param labels segmentation outputs, default {@link LabelSpec#brats()} @return this */
    public FineTuneSettings labels(LabelSpec labels) {
        this.labels = labels;
        return this;
    }

    /**
     * @param classes class names in index order (classification); empty to use the indices found in the data
     * @return this
     */
    public FineTuneSettings classes(List<String> classes) {
        this.classes = classes == null ? List.of() : List.copyOf(classes);
        return this;
    }

    /**
     * @param csv classification labels, lines {@code case,class} (name or index); null for the manifest's
     * @return this
     */
    public FineTuneSettings classCsv(Path csv) {
        this.classCsv = csv;
        return this;
    }

    /** @param weights cross-entropy weight per class, or null for equal weights @return this */
    public FineTuneSettings classWeights(double[] weights) {
        this.classWeights = weights == null || weights.length == 0 ? null : weights.clone();
        return this;
    }

    /** @param runDir the run folder @return this */
    public FineTuneSettings run(Path runDir) {
        this.runDir = runDir;
        return this;
    }

    /** @param resume continue the run in the folder @return this */
    public FineTuneSettings resume(boolean resume) {
        this.resume = resume;
        return this;
    }

    /** @param preset encoder preset, {@code small} (default) or {@code tiny} @return this */
    public FineTuneSettings preset(String preset) {
        this.preset = preset;
        return this;
    }

    /**
     * @param init a BrainMVP (MedVP or reference) or fine-tuned checkpoint to start the encoder from; null to train
     *     from scratch
     * @return this
     */
    public FineTuneSettings init(Path init) {
        this.init = init;
        return this;
    }

    /** @param epochs default 300 @return this */
    public FineTuneSettings epochs(int epochs) {
        this.epochs = epochs;
        return this;
    }

    /** @param batchSize studies per micro-batch, default 2 @param accumulation default 1 @return this */
    public FineTuneSettings batch(int batchSize, int accumulation) {
        this.batchSize = batchSize;
        this.accumulation = accumulation;
        return this;
    }

    /**
     * @param lr peak learning rate, default 3e-4
     * @param weightDecay default 1e-4
     * @param adamw decoupled decay (AdamW) instead of the reference's Adam with L2
     * @return this
     */
    public FineTuneSettings optimiser(double lr, double weightDecay, boolean adamw) {
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.adamw = adamw;
        return this;
    }

    /**
     * @param multiplier learning-rate factor of the encoder tensors copied from {@link #init} (1, the default and the
     *     reference, trains them at the same rate as the new parts; below 1 keeps them closer to the pre-trained
     *     weights); the re-initialised first convolution, the decoder or head, and a run without {@code init} always
     *     use the full rate
     * @return this
     */
    public FineTuneSettings encoderLr(double multiplier) {
        this.encoderLr = multiplier;
        return this;
    }

    /**
     * @param freeze train only the decoder or head on a fixed encoder (linear probing for classification), the usual
     *     test of what pre-trained features are worth: every encoder tensor stops training except a first convolution
     *     re-initialised by {@code first_conv=reinit}; without {@link #init} the encoder stays random (the baseline).
     *     BatchNorm statistics still follow the data. Default false (the reference fine-tunes everything)
     * @return this
     */
    public FineTuneSettings freezeEncoder(boolean freeze) {
        this.freezeEncoder = freeze;
        return this;
    }

    /**
     * @param choice what becomes of {@link #init}'s first convolution when its input channels differ from the
     *     model's (a BrainMVP checkpoint has 1): {@code INFLATE} (default) or {@code REINIT} (the reference, which
     *     so never transfers it: spec §6 item 13; see {@link EncoderInit.FirstConv})
     * @return this
     */
    public FineTuneSettings firstConv(EncoderInit.FirstConv choice) {
        this.firstConv = choice;
        return this;
    }

    /**
     * @param maxNorm global gradient-norm clipping before each update, 0 (default, as the reference) for none; with
     *     clipping a non-finite gradient also skips the update instead of writing NaN into the weights
     * @return this
     */
    public FineTuneSettings clip(double maxNorm) {
        this.clip = maxNorm;
        return this;
    }

    /** @param seed default 42 @return this */
    public FineTuneSettings seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** @param crop training crop and inference window edge, a multiple of 32, default 96 @return this */
    public FineTuneSettings crop(int crop) {
        this.crop = crop;
        return this;
    }

    /**
     * @param share share of segmentation training crops centred on a labelled voxel (foreground oversampling as
     *     nnU-Net and MONAI's {@code RandCropByPosNegLabel}), default 0 as the reference; meant for crops much
     *     smaller than the brain around small lesions, which uniform crops mostly miss (segmentation only)
     * @return this
     */
    public FineTuneSettings labelCentred(double share) {
        this.labelCentred = share;
        return this;
    }

    /** @param fraction share of the labelled training studies used (label efficiency), default 1 @return this */
    public FineTuneSettings fraction(double fraction) {
        this.fraction = fraction;
        return this;
    }

    /**
     * @param validationFraction share of the training studies held out when the data has no validation split,
     *     default 0.2
     * @param every epochs between validations, default 5 (the last epoch is always validated)
     * @return this
     */
    public FineTuneSettings validation(double validationFraction, int every) {
        this.validationFraction = validationFraction;
        this.validateEvery = every;
        return this;
    }

    /**
     * Template replacement (used only when the model has templates, i.e. the encoder came from a BrainMVP
     * checkpoint holding them).
     *
     * @param use whether to use it, default true
     * @param probability p, default 0.5
     * @param count k modalities, default 1
     * @param consistencyWeight weight of the paired consistency term, default 0.1; 0 for single replacement
     * @return this
     */
    public FineTuneSettings templates(boolean use, double probability, int count, double consistencyWeight) {
        this.templates = use;
        this.replaceProbability = probability;
        this.replaceCount = count;
        this.consistencyWeight = consistencyWeight;
        return this;
    }

    /** @param workers data threads, 0 for the default @return this */
    public FineTuneSettings workers(int workers) {
        this.workers = workers;
        return this;
    }

    /** @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N} @return this */
    public FineTuneSettings device(String device) {
        this.device = device;
        return this;
    }

    /** @param logEvery optimiser steps between log lines, default 10 @return this */
    public FineTuneSettings logEvery(int logEvery) {
        this.logEvery = logEvery;
        return this;
    }

    /** @return the run folder */
    public Path runDir() {
        return runDir;
    }

    public void check() {
        if ((data == null && manifest == null) || runDir == null) {
            throw new MedvpException("fine-tuning needs data (a manifest or a folder of studies) and a run folder");
        }
        if (epochs < 1 || batchSize < 1 || accumulation < 1 || validateEvery < 1 || logEvery < 1) {
            throw new MedvpException("epochs, batch size, accumulation, validation interval and log interval must "
                    + "be at least 1");
        }
        if (!(fraction > 0 && fraction <= 1) || !(validationFraction > 0 && validationFraction < 1)) {
            throw new MedvpException("fraction must be in (0, 1] and the validation fraction in (0, 1), got "
                    + fraction + " and " + validationFraction);
        }
        if (crop < 32 || crop % 32 != 0) {
            throw new MedvpException("crop must be a positive multiple of 32, got " + crop);
        }
        if (!(labelCentred >= 0 && labelCentred <= 1)) {
            throw new MedvpException("label_centred (share of crops centred on a labelled voxel) must be in [0, 1], "
                    + "got " + labelCentred);
        }
        checkEncoder(encoderLr, freezeEncoder);
        if (!(clip >= 0) || Double.isInfinite(clip)) {
            throw new MedvpException("clip (maximum gradient norm) must be 0 for none or a positive number, got " + clip);
        }
        new TemplateReplacement(replaceProbability, replaceCount);
    }

    /**
     * Checks {@link #encoderLr} and {@link #freezeEncoder} together (also for callers that must fail before the run,
     * such as the demo before its pre-training).
     *
     * @param encoderLr the learning-rate factor
     * @param freezeEncoder whether the encoder is frozen
     * @throws MedvpException naming the setting
     */
    public static void checkEncoder(double encoderLr, boolean freezeEncoder) {
        if (!(encoderLr > 0) || encoderLr > 1) {
            throw new MedvpException("encoder_lr (factor of the pre-trained encoder's learning rate) must be in (0, 1], "
                    + "got " + encoderLr);
        }
        if (freezeEncoder && encoderLr != 1) {
            throw new MedvpException("encoder_lr " + encoderLr + " has no effect with freeze_encoder (a frozen "
                    + "encoder does not train): leave it at 1");
        }
    }

    /** @return every setting, as written to {@code config.json} */
    public JsonObject toJson(String task) {
        JsonObject c = new JsonObject();
        c.addProperty("method", TaskSpec.METHOD);
        c.addProperty("task", task);
        c.addProperty("preset", preset);
        c.addProperty("data", data != null ? data.toString() : manifest.source());
        if (modalities != null) {
            c.add("modalities", SegmentationFineTuning.modalitiesJson(modalities));
        }
        c.addProperty("init", init == null ? "scratch" : init.toString());
        c.addProperty("epochs", epochs);
        c.addProperty("batch_size", batchSize);
        c.addProperty("accumulation", accumulation);
        c.addProperty("lr", lr);
        c.addProperty("encoder_lr", encoderLr);
        if (freezeEncoder) {
            // Only when on: run folders written before the setting existed lack it and must still resume.
            c.addProperty("freeze_encoder", true);
        }
        c.addProperty("first_conv", firstConv.name().toLowerCase(java.util.Locale.ROOT));
        c.addProperty("weight_decay", weightDecay);
        c.addProperty("optimiser", adamw ? "adamw" : "adam");
        c.addProperty("seed", seed);
        c.addProperty("crop", crop);
        c.addProperty("label_centred", labelCentred);
        c.addProperty("fraction", fraction);
        c.addProperty("validation_fraction", validationFraction);
        c.addProperty("validate_every", validateEvery);
        c.addProperty("templates", templates);
        c.addProperty("clip", clip);
        c.addProperty("replace_probability", replaceProbability);
        c.addProperty("replace_count", replaceCount);
        c.addProperty("consistency_weight", consistencyWeight);
        c.addProperty("device", device);
        return c;
    }
}
