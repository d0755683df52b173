package io.github.medvp.pretrain.mg3d;

import io.github.medvp.SettingsException;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.text.ReportEncoder;
import io.github.medvp.data.transform.HounsfieldWindow;
import io.github.medvp.data.transform.ResizeTo;
import io.github.medvp.nn.swin.SwinPreset;
import io.github.medvp.train.Settings;
import io.github.medvp.train.TrainingBuilder;
import io.github.medvp.train.TrainingSettings;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Every setting of an MG-3D pre-training run, checked when made; its {@link Settings#json} form is the run's
 * {@code config.json}. Defaults follow the reference (MG-3D's {@code mg3d/config.py}, {@code task_pretrain_ptunifier},
 * and
 * {@code run_scripts/pretrain*.sh}): Swin-B, batch 4, lr 1e-5,
 * heads, projections and multi-modal poolers ×5, weight decay 1e-8, warm-up 10,000 steps (capped at a tenth of the run), 60 epochs, seed 0,
 * 128×96×128 CT volumes at 0.75×0.75×1.5 mm in the HU window [-1000, 1000].
 *
 * @param training data (a CSV or JSON volume-report list), run folder, resume, seed, device, workers, log interval
 * @param vocab {@code vocab.txt}, {@code tokenizer.json} or a model folder; null to build one from the reports
 * @param textModel a Hugging Face BERT folder (frozen unless {@code trainText}); null for a small BERT from scratch
 * @param trainText also train the given text model
 * @param preset the vision encoder
 * @param epochs training epochs
 * @param batch volume-report pairs per step
 * @param lr base learning rate
 * @param headLr learning-rate factor of the heads, projections and multi-modal poolers ({@link Mg3dOptimizer})
 * @param weightDecay Adam's weight decay
 * @param warmup linear warm-up steps (at most a tenth of the run), then linear decay to 0
 * @param modality how volumes are scaled
 * @param size the volume grid (X, Y, Z), multiples of 32
 * @param spacing target spacing (X, Y, Z) in mm
 * @param window HU window {lower, upper} mapped to [0, 1] (CT)
 * @param maxLength report tokens
 * @param mimFusion MIM's fusion
 * @param cml CML's contrast
 * @param doubleProjection project image tokens twice in pass 3, as the reference code does
 * @param weights loss weights MLM, SFR, MIM, CML, DFA, SSM
 */
public record Mg3dSettings(@Settings.Inline TrainingSettings training, Path vocab, Path textModel, boolean trainText,
        @Settings.Core SwinPreset preset, int epochs, @Settings.Core int batch, double lr, double headLr,
        double weightDecay, long warmup, @Settings.Core VolumeModality modality, @Settings.Core int[] size,
        double[] spacing, double[] window, int maxLength, MimFusion mimFusion, CmlMode cml,
        boolean doubleProjection, double[] weights) {

    /** How volumes are scaled to [0, 1]. */
    public enum VolumeModality {
        /** Hounsfield units in a fixed window. */
        CT,
        /** The 0.5 to 99.5 percentiles of each volume. */
        MRI;

        /** @return the name as users and checkpoint headers write it */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The largest volume axis. */
    public static final int MAX_SIZE = 1024;

    /** @throws SettingsException naming the first setting out of its range */
    public Mg3dSettings {
        Settings.required("data", training.data(), "a CSV or JSON list of volume-report pairs");
        Settings.required("output", training.output(), "a run folder");
        Settings.range("epochs", epochs, 1, 1_000_000);
        Settings.range("batch", batch, 1, 4096);
        Settings.positive("lr", lr, 10);
        Settings.positive("head_lr", headLr, 1000);
        Settings.range("weight_decay", weightDecay, 0, 10);
        Settings.range("warmup", warmup, 0, 10_000_000);
        size = checkedSize(size);
        spacing = Settings.length("spacing", spacing, 3).clone();
        for (double v : spacing) {
            Settings.positive("spacing", v, 100);
        }
        window = Settings.length("window", window, 2).clone();
        if (!(window[0] < window[1]) || !Double.isFinite(window[0]) || !Double.isFinite(window[1])) {
            throw SettingsException.of("window", window[0] + "," + window[1], "lower,upper with lower below upper");
        }
        Settings.range("max_length", maxLength, 8, 4096);
        weights = Settings.length("weights", weights, Mg3dStep.NAMES.length).clone();
        for (double w : weights) {
            Settings.range("weights", w, 0, 1000);
        }
    }

    /**
     * @param size a volume grid
     * @return a copy of it
     * @throws SettingsException unless it is three multiples of 32 (the Swin's patch and four merges) up to the limit
     */
    public static int[] checkedSize(int[] size) {
        if (size.length != 3) {
            throw SettingsException.of("size", java.util.Arrays.toString(size), "3 sizes X,Y,Z");
        }
        for (int v : size) {
            Settings.multiple("size", v, 32, 32, MAX_SIZE);
        }
        return size.clone();
    }

    /** @return a builder with the reference's defaults; data and run folder are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the volume preprocessing these settings ask for */
    public Mg3dConfig.Preprocessing preprocessing() {
        return new Mg3dConfig.Preprocessing(modality.key(), spacing, window);
    }

    /** Collects settings with the reference's defaults; {@link #build()} checks them. */
    public static final class Builder extends TrainingBuilder<Builder> {
        private Path vocab;
        private Path textModel;
        private boolean trainText;
        private SwinPreset preset = SwinPreset.B;
        private int epochs = 60;
        private int batch = 4;
        private double lr = 1e-5;
        private double headLr = 5;
        private double weightDecay = 1e-8;
        private long warmup = 10_000;
        private VolumeModality modality = VolumeModality.CT;
        private int[] size = ResizeTo.MG3D.clone();
        private double[] spacing = Pipelines.mg3dCtSpacing();
        private double[] window = HounsfieldWindow.DEFAULT.clone();
        private int maxLength = ReportEncoder.MAX_LENGTH;
        private MimFusion mimFusion = MimFusion.CODE;
        private CmlMode cml = CmlMode.JOINT;
        private boolean doubleProjection;
        private double[] weights = {1, 0.1, 1, 0.1, 0.1, 0.1};

        private Builder() {
            super(0);
        }

        /**
         * @param vocab a vocabulary, or null to build one from the training reports
         * @param textModel a Hugging Face BERT folder, or null for a small BERT trained from scratch
         * @param train also train the given text model
         * @return this
         */
        public Builder text(Path vocab, Path textModel, boolean train) {
            this.vocab = vocab;
            this.textModel = textModel;
            this.trainText = train;
            return this;
        }

        /** @param preset the vision encoder, default b @return this */
        public Builder preset(SwinPreset preset) {
            this.preset = preset;
            return this;
        }

        /** @param epochs default 60 @return this */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** @param batch pairs per step, default 4 @return this */
        public Builder batch(int batch) {
            this.batch = batch;
            return this;
        }

        /**
         * @param lr base learning rate, default 1e-5
         * @param headLr factor of the heads, projections and multi-modal poolers, default 5
         * @param weightDecay default 1e-8
         * @param warmup warm-up steps, default 10,000
         * @return this
         */
        public Builder optimiser(double lr, double headLr, double weightDecay, long warmup) {
            this.lr = lr;
            this.headLr = headLr;
            this.weightDecay = weightDecay;
            this.warmup = warmup;
            return this;
        }

        /**
         * @param modality how volumes are scaled, default ct
         * @param size the grid X, Y, Z, default 128, 96, 128
         * @param spacing mm X, Y, Z, default 0.75, 0.75, 1.5
         * @param window HU lower, upper, default -1000, 1000
         * @return this
         */
        public Builder volumes(VolumeModality modality, int[] size, double[] spacing, double[] window) {
            this.modality = modality;
            this.size = size;
            this.spacing = spacing;
            this.window = window;
            return this;
        }

        /** @param maxLength report tokens, default {@link ReportEncoder#MAX_LENGTH} @return this */
        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * @param mimFusion default code (the reference code; paper for the paper's Fig. 4)
         * @param cml default joint (the reference code); volume_report for zero-shot and retrieval
         * @param doubleProjection default false (the paper); true as the reference code, for encoders as wide as
         *     the text (preset b with a BERT-base text model)
         * @return this
         */
        public Builder variant(MimFusion mimFusion, CmlMode cml, boolean doubleProjection) {
            this.mimFusion = mimFusion;
            this.cml = cml;
            this.doubleProjection = doubleProjection;
            return this;
        }

        /** @param weights MLM, SFR, MIM, CML, DFA, SSM, default 1, 0.1, 1, 0.1, 0.1, 0.1 @return this */
        public Builder weights(double... weights) {
            this.weights = weights;
            return this;
        }

        /** @return the settings @throws SettingsException naming the first setting out of range */
        public Mg3dSettings build() {
            return new Mg3dSettings(training, vocab, textModel, trainText, preset, epochs, batch, lr, headLr,
                    weightDecay, warmup, modality, size, spacing, window, maxLength, mimFusion, cml,
                    doubleProjection, weights);
        }
    }
}
