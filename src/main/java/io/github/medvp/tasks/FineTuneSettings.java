package io.github.medvp.tasks;

import io.github.medvp.SettingsException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.transform.HounsfieldWindow;
import io.github.medvp.data.transform.RandomFlip;
import io.github.medvp.nn.EncoderAxes;
import io.github.medvp.nn.EncoderPreset;
import io.github.medvp.nn.UniFormerPreset;
import io.github.medvp.tasks.segmentation.LabelSpec;
import io.github.medvp.train.Adam;
import io.github.medvp.train.Settings;
import io.github.medvp.train.TrainingBuilder;
import io.github.medvp.train.TrainingSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every setting of a fine-tuning run ({@link io.github.medvp.tasks.segmentation.SegmentationFineTuning},
 * {@link io.github.medvp.tasks.classification.ClassificationFineTuning}), checked when made; its {@link Settings#json}
 * form is the run's {@code config.json}. Defaults are the reference's (BrainMVP's {@code do_train.sh} and its
 * fine-tuning {@code main.py}): Adam with coupled L2 (lr 3e-4, weight decay 1e-4), cosine to 0 without warm-up, batch
 * 2, 300 epochs, validation every 5 epochs, seed 42, 96³ crops; template replacement as the reference's
 * {@code --mix_template True --use_cl True} ({@code RandomChannelCutmixd(num_mix=3)}: every study has
 * {@code k ~ U{0, …, 3}} modalities replaced, capped at C − 1, before the intensity augmentation; the paired copies run
 * through the network separately; consistency weight 0.1) and flips of all three axes together
 * ({@code RandFlipd(spatial_axis=(0, 1, 2))}).
 *
 * @param training data, run folder, resume, seed, device, workers, log interval
 * @param aliases extra modality names, e.g. {@code T1GD=t1c}
 * @param skipBad drop studies with problems (logged) instead of failing
 * @param encoder the encoder's family and size, null for the checkpoint's with {@code init} (a different one is
 *     refused) and UniFormer-S without
 * @param init the checkpoint the encoder starts from, null for scratch
 * @param encoderAxes the axis order of {@code init}'s weights where the checkpoint does not record it (a reference
 *     Swin's bare or {@code swinViT.} keys), null for the checkpoint's ({@link EncoderCheckpoint#describe})
 * @param modalities input channels in order; empty for the first training study's
 * @param labels segmentation outputs
 * @param classes class names in index order (classification); empty for the indices found in the data
 * @param classCsv a CSV of study ids and classes (classification), or null
 * @param classWeights per-class loss weights (classification), empty for none
 * @param epochs training epochs
 * @param batch studies per micro-batch
 * @param accumulation micro-batches per optimiser step
 * @param lr peak learning rate
 * @param weightDecay weight decay
 * @param optimiser {@code adam} (L2, the reference) or {@code adamw}
 * @param clip maximum global gradient norm, 0 for none (the reference); with clipping a non-finite gradient also
 *     skips the update
 * @param encoderLr learning-rate factor of the encoder tensors copied from {@code init} (1: the reference)
 * @param freezeEncoder train only the decoder or head (linear probing); BatchNorm statistics still follow the data
 * @param firstConv what becomes of {@code init}'s first convolution when its input channels differ from the model's
 * @param crop training crop and segmentation's inference window edge, a multiple of 32
 * @param labelCentred share of segmentation crops centred on a labelled voxel (as MONAI's
 *     {@code RandCropByPosNegLabel}); 0 as the reference
 * @param fraction share of the labelled training studies used (seeded)
 * @param validationFraction share of the training studies held out when the data has no validation split
 * @param validateEvery epochs between validations (the last epoch is always validated)
 * @param templates replace modalities by the checkpoint's templates during training, when it has them
 * @param replaceProbability p, the chance a study has modalities replaced
 * @param replaceCount k, modalities replaced: the most ({@code uniform}) or the exact number ({@code fixed})
 * @param consistencyWeight weight of the paired consistency term; 0 for single replacement
 * @param replaceMode {@code uniform} (k drawn from 0 to {@code replace_count}, the reference) or {@code fixed}
 * @param augmentTemplates replaced channels get the study's intensity shift and scale, as the reference's
 * @param pairedNorm {@code separate} (each paired copy its own BatchNorm statistics, the reference) or {@code joint}
 * @param flips {@code all} (one draw flips all three axes, the reference) or {@code each} (one draw per axis)
 * @param huWindow the HU window {lower, upper} CT channels are mapped to [0, 1] with, clipped (MG-3D's
 *     {@code BaseDataset.get_raw_image}, default [−1000, 1000] as its pre-training); recorded in the model header
 *     and applied again at inference. MRI channels keep 5–95 percentile scaling.
 */
public record FineTuneSettings(@Settings.Inline TrainingSettings training, String aliases, boolean skipBad,
        @Settings.Core EncoderPreset encoder, @Settings.Core Path init, @Settings.Core EncoderAxes encoderAxes,
        List<Modality> modalities,
        LabelSpec labels, List<String> classes, Path classCsv, double[] classWeights, int epochs,
        @Settings.Core int batch, @Settings.Core int accumulation, double lr, double weightDecay,
        Adam.Mode optimiser, double clip, double encoderLr, @Settings.Core boolean freezeEncoder,
        EncoderInit.FirstConv firstConv, @Settings.Core int crop, double labelCentred, @Settings.Core double fraction,
        double validationFraction, int validateEvery, boolean templates, double replaceProbability,
        int replaceCount, double consistencyWeight, TemplateReplacement.Mode replaceMode, boolean augmentTemplates,
        TemplateReplacement.PairNorm pairedNorm, RandomFlip.Mode flips, @Settings.Core double[] huWindow) {

    /** The largest crop edge: 1024³ voxels is beyond any GPU's memory for these models. */
    public static final int MAX_CROP = 1024;

    /** @throws SettingsException naming the first setting out of its range */
    public FineTuneSettings {
        Settings.required("data", training.data(), "a manifest .json or a folder of studies");
        Settings.required("output", training.output(), "a run folder");
        aliases = aliases == null ? "" : aliases;
        modalities = List.copyOf(modalities);
        classes = List.copyOf(classes);
        classWeights = classWeights == null ? new double[0] : classWeights.clone();
        for (double w : classWeights) {
            Settings.positive("class_weights", w, 1e6);
        }
        Settings.range("epochs", epochs, 1, 1_000_000);
        Settings.range("batch", batch, 1, 4096);
        Settings.range("accumulation", accumulation, 1, 4096);
        Settings.positive("lr", lr, 10);
        Settings.range("weight_decay", weightDecay, 0, 10);
        Settings.range("clip", clip, 0, 1e6);
        Settings.positive("encoder_lr", encoderLr, 1);
        if (encoderAxes != null && init == null) {
            throw SettingsException.of("encoder_axes", encoderAxes.key(), "auto without init (a fresh encoder computes "
                    + "in the volumes' xyz order)");
        }
        if (freezeEncoder && encoderLr != 1) {
            throw SettingsException.of("encoder_lr", encoderLr, "1 with freeze_encoder (a frozen encoder does not "
                    + "train)");
        }
        Settings.multiple("crop", crop, 32, 32, MAX_CROP);
        Settings.range("label_centred", labelCentred, 0, 1);
        Settings.positive("fraction", fraction, 1);
        Settings.positive("validation_fraction", validationFraction, 1);
        if (validationFraction >= 1) {
            throw SettingsException.of("validation_fraction", validationFraction, "a number above 0 and below 1");
        }
        Settings.range("validate_every", validateEvery, 1, 1_000_000);
        Settings.range("replace_probability", replaceProbability, 0, 1);
        Settings.range("replace_count", replaceCount, 1, Modality.TEMPLATED.size() - 1);
        Settings.required("replace_mode", replaceMode, "uniform or fixed");
        Settings.required("paired_norm", pairedNorm, "separate or joint");
        Settings.required("flips", flips, "all or each");
        // Uniform caps k at C − 1 as the reference's random_sample_index does (num_mix 3 with 3 modalities); a fixed
        // count that cannot be met is a mistake worth naming.
        if (replaceMode == TemplateReplacement.Mode.FIXED && modalities.size() > 1
                && replaceCount > modalities.size() - 1) {
            throw SettingsException.of("replace_count", replaceCount, "at most " + (modalities.size() - 1)
                    + " (one fewer than the " + modalities.size() + " modalities)");
        }
        Settings.range("consistency_weight", consistencyWeight, 0, 1000);
        huWindow = checkedHuWindow(huWindow);
    }

    /**
     * @param window a CT window as given
     * @return a copy, checked
     * @throws SettingsException naming {@code hu_window} unless two finite numbers with lower below upper
     */
    public static double[] checkedHuWindow(double[] window) {
        String allowed = "two numbers lower,upper in HU with lower below upper, e.g. -1000,1000";
        if (window == null || window.length != 2) {
            throw SettingsException.of("hu_window", window == null ? "''" : "'" + join(window) + "'", allowed);
        }
        if (!(window[0] < window[1]) || !Double.isFinite(window[0]) || !Double.isFinite(window[1])) {
            throw SettingsException.of("hu_window", "'" + join(window) + "'", allowed);
        }
        return window.clone();
    }

    private static String join(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) {
            b.append(b.length() == 0 ? "" : ",").append(x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString(
                    (long) x) : Double.toString(x));
        }
        return b.toString();
    }

    @Override
    public double[] huWindow() {
        return huWindow.clone();
    }

    /** @return a builder with the reference's defaults; data and run folder are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param names comma-separated modality names, blank for none
     * @param aliases extra names, e.g. {@code T1GD=t1c}
     * @return the canonical modalities in order (empty for blank)
     * @throws io.github.medvp.MedvpException naming the setting {@code modalities} for an unknown name
     */
    public static List<Modality> parseModalities(String names, String aliases) {
        if (names == null || names.isBlank()) {
            return List.of();
        }
        ModalityNames table = ModalityNames.defaults().withAliases(aliases == null ? "" : aliases);
        List<Modality> out = new ArrayList<>();
        for (String n : names.split("\\s*,\\s*")) {
            out.add(table.require(n.trim(), "setting 'modalities'"));
        }
        return out;
    }

    /** Collects settings with the reference's defaults; {@link #build()} checks them. */
    public static final class Builder extends TrainingBuilder<Builder> {
        private String aliases = "";
        private boolean skipBad;
        private EncoderPreset encoder;
        private Path init;
        private EncoderAxes encoderAxes;
        private List<Modality> modalities = List.of();
        private LabelSpec labels = LabelSpec.brats();
        private List<String> classes = List.of();
        private Path classCsv;
        private double[] classWeights;
        private int epochs = 300;
        private int batch = 2;
        private int accumulation = 1;
        private double lr = 3e-4;
        private double weightDecay = 1e-4;
        private Adam.Mode optimiser = Adam.Mode.ADAM;
        private double clip;
        private double encoderLr = 1;
        private boolean freezeEncoder;
        private EncoderInit.FirstConv firstConv = EncoderInit.FirstConv.INFLATE;
        private int crop = 96;
        private double labelCentred;
        private double fraction = 1;
        private double validationFraction = 0.2;
        private int validateEvery = 5;
        private boolean templates = true;
        private double replaceProbability = 1;
        private int replaceCount = 3;
        private double consistencyWeight = 0.1;
        private TemplateReplacement.Mode replaceMode = TemplateReplacement.Mode.UNIFORM;
        private boolean augmentTemplates = true;
        private TemplateReplacement.PairNorm pairedNorm = TemplateReplacement.PairNorm.SEPARATE;
        private RandomFlip.Mode flips = RandomFlip.Mode.ALL;
        private double[] huWindow = HounsfieldWindow.DEFAULT.clone();

        private Builder() {
            super(42);
        }

        /** @param aliases extra modality names @param skipBad drop bad studies (logged) @return this */
        public Builder studies(String aliases, boolean skipBad) {
            this.aliases = aliases;
            this.skipBad = skipBad;
            return this;
        }

        /** @param preset a UniFormer size (as {@link #encoder(EncoderPreset)}) @return this */
        public Builder preset(UniFormerPreset preset) {
            this.encoder = preset == null ? null : EncoderPreset.of(preset);
            return this;
        }

        /**
         * @param encoder the encoder, default null: the checkpoint's with {@code init}, UniFormer-S without
         * @return this
         */
        public Builder encoder(EncoderPreset encoder) {
            this.encoder = encoder;
            return this;
        }

        /**
         * @param axes the axis order of {@code init}'s weights where it does not record one, null (default) for the
         *     checkpoint's
         * @return this
         */
        public Builder encoderAxes(EncoderAxes axes) {
            this.encoderAxes = axes;
            return this;
        }

        /** @param init the encoder's starting checkpoint, null for scratch @return this */
        public Builder init(Path init) {
            this.init = init;
            return this;
        }

        /** @param modalities input channels in order, empty for the first study's @return this */
        public Builder modalities(List<Modality> modalities) {
            this.modalities = modalities == null ? List.of() : modalities;
            return this;
        }

        /** @param labels segmentation outputs, default BraTS regions @return this */
        public Builder labels(LabelSpec labels) {
            this.labels = labels;
            return this;
        }

        /**
         * @param classes class names in index order, empty for the data's indices
         * @param csv study ids and classes, or null
         * @param weights per-class loss weights, null for none
         * @return this
         */
        public Builder classes(List<String> classes, Path csv, double[] weights) {
            this.classes = classes == null ? List.of() : classes;
            this.classCsv = csv;
            this.classWeights = weights;
            return this;
        }

        /** @param epochs default 300 @return this */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** @param batch studies per micro-batch, default 2 @param accumulation default 1 @return this */
        public Builder batch(int batch, int accumulation) {
            this.batch = batch;
            this.accumulation = accumulation;
            return this;
        }

        /**
         * @param lr peak learning rate, default 3e-4
         * @param weightDecay default 1e-4
         * @param optimiser default {@code adam} (coupled L2, the reference)
         * @return this
         */
        public Builder optimiser(double lr, double weightDecay, Adam.Mode optimiser) {
            this.lr = lr;
            this.weightDecay = weightDecay;
            this.optimiser = optimiser;
            return this;
        }

        /** @param maxNorm global gradient-norm clipping, 0 (default) for none @return this */
        public Builder clip(double maxNorm) {
            this.clip = maxNorm;
            return this;
        }

        /**
         * @param encoderLr learning-rate factor of the pre-trained encoder, default 1
         * @param freeze train only the decoder or head, default false
         * @param firstConv the first convolution when channels differ, default {@code inflate}
         * @return this
         */
        public Builder encoder(double encoderLr, boolean freeze, EncoderInit.FirstConv firstConv) {
            this.encoderLr = encoderLr;
            this.freezeEncoder = freeze;
            this.firstConv = firstConv;
            return this;
        }

        /** @param crop training crop edge, a multiple of 32, default 96 @return this */
        public Builder crop(int crop) {
            this.crop = crop;
            return this;
        }

        /** @param share share of crops centred on a labelled voxel, default 0 @return this */
        public Builder labelCentred(double share) {
            this.labelCentred = share;
            return this;
        }

        /** @param fraction share of the labelled training studies used, default 1 @return this */
        public Builder fraction(double fraction) {
            this.fraction = fraction;
            return this;
        }

        /**
         * @param validationFraction share held out when the data has no validation split, default 0.2
         * @param every epochs between validations, default 5
         * @return this
         */
        public Builder validation(double validationFraction, int every) {
            this.validationFraction = validationFraction;
            this.validateEvery = every;
            return this;
        }

        /**
         * @param use replace modalities by templates when the model has them, default true
         * @param probability p, default 1
         * @param count k, default 3
         * @param consistencyWeight default 0.1; 0 for single replacement
         * @return this
         */
        public Builder templates(boolean use, double probability, int count, double consistencyWeight) {
            this.templates = use;
            this.replaceProbability = probability;
            this.replaceCount = count;
            this.consistencyWeight = consistencyWeight;
            return this;
        }

        /**
         * @param mode how many modalities are replaced, default {@code uniform} (the reference)
         * @param augment replaced channels get the study's intensity augmentation, default true (the reference)
         * @param pairedNorm BatchNorm of the paired copies, default {@code separate} (the reference)
         * @return this
         */
        public Builder replacement(TemplateReplacement.Mode mode, boolean augment,
                TemplateReplacement.PairNorm pairedNorm) {
            this.replaceMode = mode;
            this.augmentTemplates = augment;
            this.pairedNorm = pairedNorm;
            return this;
        }

        /** @param flips training flips, default {@code all} (the reference) @return this */
        public Builder flips(RandomFlip.Mode flips) {
            this.flips = flips;
            return this;
        }

        /**
         * @param window the HU window {lower, upper} of CT channels, default −1000, 1000 (MG-3D's)
         * @return this
         */
        public Builder huWindow(double[] window) {
            this.huWindow = window;
            return this;
        }

        /** @return the settings @throws SettingsException naming the first setting out of range */
        public FineTuneSettings build() {
            return new FineTuneSettings(training, aliases, skipBad, encoder, init, encoderAxes, modalities, labels,
                    classes, classCsv, classWeights, epochs, batch, accumulation, lr, weightDecay, optimiser, clip,
                    encoderLr, freezeEncoder, firstConv, crop, labelCentred, fraction, validationFraction, validateEvery,
                    templates, replaceProbability, replaceCount, consistencyWeight, replaceMode, augmentTemplates,
                    pairedNorm, flips, huWindow);
        }
    }
}
