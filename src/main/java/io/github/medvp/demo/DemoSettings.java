package io.github.medvp.demo;

import java.nio.file.Path;

import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.nn.UniFormerPreset;
import io.github.medvp.tasks.EncoderInit;
import io.github.medvp.SettingsException;
import io.github.medvp.engine.DeviceList;
import io.github.medvp.train.Settings;
import io.github.medvp.train.TrainingSettings;

/**
 * The settings of {@link Demo}, checked when made; its builder starts from one of two presets: {@code tiny} (default;
 * UniFormer tiny, 64×64×56 mm heads, 32³ crops, 80×80×72 templates, for 2 CPU cores) and {@code small} (the paper's
 * UniFormer-S, 96³ crops, larger heads and more epochs; meant for a GPU). Any setting given after {@link
 * Builder#preset} overrides the preset's value.
 */
public record DemoSettings(Path output, UniFormerPreset preset, String device, long seed, int studies,
        int testStudies, int ctStudies, int[] fov, int crop, int[] grid, int pretrainEpochs, int finetuneEpochs,
        int mg3dEpochs, int[] mg3dSize, int ctEpochs, int ctCrop, int ctLabelled, int validateEvery, int batch,
        double pretrainLr, double finetuneLr,
        double fraction, int repeats, double replaceProbability, double encoderLr, boolean freezeEncoder,
        EncoderInit.FirstConv firstConv, double labelCentred, boolean skullStripped, boolean mimics, Modality missing,
        boolean mg3d, int workers, int logEvery, Path pretrainedRun) {

    /**
     * Default share of label-centred fine-tuning crops: 0, the reference's uniform crops. Half the crops centred on
     * the tumour did not help the tiny demo (seed 7: validation Dice 0.42 against 0.54 with uniform crops, held-out
     * level), although its 32³ crops of a 64 mm head often miss the 10 mm lesions.
     */
    public static final double LABEL_CENTRED = 0;

    /**
     * Default of {@link #skullStripped(boolean)}: on, as BraTS distributes its MRI. With the scalp left in, its fat is
     * as bright on T1c as enhancing tumour, and on seed 7 neither arm learnt to tell them apart in 120 epochs: spurious
     * enhancing tumour all over the scalp sank both models' held-out Dice below 0.1 (0.54 and 0.55 stripped).
     */
    public static final boolean SKULL_STRIPPED = true;

    /**
     * Default of {@link #firstConv}: inflate, as fine-tuning's default, in both arms (the scratch arm inflates the
     * initial kernel, so the arms still differ by the pre-training alone). It raised both arms' held-out Dice on
     * seeds 7 and 9 (scratch 0.552 to 0.589 and 0.666 to 0.693, pre-trained 0.542 to 0.566 and 0.659 to 0.659).
     */
    public static final EncoderInit.FirstConv FIRST_CONV = EncoderInit.FirstConv.INFLATE;

    /** @throws MedvpException naming the first setting that cannot be used */
    public DemoSettings {
        Settings.required("output", output, "a folder for the demo's data, runs and report");
        DeviceList.parse(device);
        Settings.range("studies", studies, 6, 100_000);
        Settings.range("test_studies", testStudies, 1, 100_000);
        Settings.range("pretrain_epochs", pretrainEpochs, 1, 1_000_000);
        Settings.range("finetune_epochs", finetuneEpochs, 1, 1_000_000);
        Settings.range("batch", batch, 1, 4096);
        Settings.positive("pretrain_lr", pretrainLr, 10);
        Settings.positive("finetune_lr", finetuneLr, 10);
        Settings.positive("fraction", fraction, 1);
        // Checked here, not only by fine-tuning, so that a wrong value fails before minutes of pre-training.
        Settings.positive("encoder_lr", encoderLr, 1);
        if (freezeEncoder && encoderLr != 1) {
            throw SettingsException.of("encoder_lr", encoderLr, "1 with freeze_encoder (a frozen encoder does not "
                    + "train)");
        }
        Settings.range("repeats", repeats, 1, 1000);
        Settings.range("label_centred", labelCentred, 0, 1);
        Settings.range("replace_probability", replaceProbability, 0, 1);
        Settings.range("workers", workers, 0, TrainingSettings.MAX_WORKERS);
        Settings.range("log_every", logEvery, 1, 1_000_000);
        Settings.range("ct_epochs", ctEpochs, 1, 1_000_000);
        Settings.multiple("ct_crop", ctCrop, 32, 32, 1024);
        Settings.range("ct_labelled", ctLabelled, 2, 100_000);
        if (!Demo.modalities().contains(missing)) {
            throw SettingsException.of("missing", missing.token(), "one of the demo's modalities "
                    + Demo.modalities());
        }
        fov = fov.clone();
        for (int a = 0; a < 3; a++) {
            // Oblique grids reach beyond the field of view after reorientation: keep 10% to spare.
            if (fov[a] < crop || grid[a] < 1.1 * fov[a]) {
                throw SettingsException.of("size", fov[0] + "," + fov[1] + "," + fov[2], "at least the crop ("
                        + crop + " mm) and at most 90% of the template grid (" + grid[0] + "," + grid[1] + ","
                        + grid[2] + ")");
            }
        }
        if (pretrainedRun != null && !java.nio.file.Files.isRegularFile(
                io.github.medvp.train.RunFolder.lastCheckpoint(pretrainedRun))) {
            throw new MedvpException("pretrained_run " + pretrainedRun + " holds no checkpoints/last.safetensors");
        }
    }

    /** @return the share of the generated studies that validate fine-tuning */
    double validationShare() {
        return Math.max(1, Math.round(studies / 6.0)) / (double) (studies + testStudies);
    }

    /** @return the share of the generated studies held out for testing */
    double testShare() {
        return testStudies / (double) (studies + testStudies);
    }

    /** @return a builder over the tiny preset */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects the demo's settings over a preset; {@link #build()} checks them. */
    public static final class Builder {
        private Path output = Path.of("medvp-demo");
        private UniFormerPreset preset = UniFormerPreset.TINY;
        private String device = "auto";
        private long seed = 7;
        private int studies;
        private int testStudies;
        private int ctStudies;
        private int[] fov;
        private int crop;
        private int[] grid;
        private int pretrainEpochs;
        private int finetuneEpochs;
        private int mg3dEpochs;
        private int[] mg3dSize;
        private int ctEpochs;
        private int ctCrop;
        private int ctLabelled;
        private int validateEvery;
        private int batch = 2;
        private double pretrainLr = 1e-3;
        private double finetuneLr = 1e-3;
        private double fraction = 0.4;
        private int repeats = 1;
        private double replaceProbability = 0;
        private double encoderLr = 1;
        private boolean freezeEncoder;
        private EncoderInit.FirstConv firstConv = FIRST_CONV;
        private double labelCentred = LABEL_CENTRED;
        private boolean skullStripped = SKULL_STRIPPED;
        private boolean mimics;
        private Modality missing = Modality.T2;
        private boolean mg3d;
        private int workers;
        private int logEvery = 5;
        private Path pretrainedRun;

        /** The tiny preset. */
        private Builder() {
            preset(UniFormerPreset.TINY);
        }

        /**
         * @param preset {@code tiny} or {@code small}; sets studies, size, crop, template grid, epochs and learning
         * rates
         * @return this
         * @throws MedvpException for another name
         */
        public Builder preset(UniFormerPreset preset) {
            switch (preset) {
                case TINY -> {
                    studies = 12;
                    testStudies = 12;
                    ctStudies = 160;
                    fov = new int[] { 64, 64, 56 };
                    crop = 32;
                    grid = new int[] { 80, 80, 72 };
                    pretrainEpochs = 50;
                    finetuneEpochs = 120;
                    mg3dEpochs = 10;
                    mg3dSize = new int[] { 32, 32, 32 };
                    ctEpochs = 10;
                    ctCrop = 64;
                    ctLabelled = 24;
                    validateEvery = 5;
                    pretrainLr = 1e-3;
                    finetuneLr = 1e-3;
                }
                case SMALL -> {
                    studies = 40;
                    testStudies = 16;
                    ctStudies = 240;
                    fov = new int[] { 144, 144, 128 };
                    crop = 96;
                    grid = new int[] { 176, 176, 160 };
                    pretrainEpochs = 100;
                    finetuneEpochs = 100;
                    mg3dEpochs = 20;
                    mg3dSize = new int[] { 128, 96, 128 };
                    ctEpochs = 60;
                    ctCrop = 128;
                    ctLabelled = 60;
                    validateEvery = 10;
                    pretrainLr = 3e-4;
                    finetuneLr = 3e-4;
                }
            }
            this.preset = preset;
            return this;
        }

        /** @param output the demo folder (data, runs, report), default {@code medvp-demo} @return this */
        public Builder output(Path output) {
            this.output = output;
            return this;
        }

        /** @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N} @return this */
        public Builder device(String device) {
            this.device = device;
            return this;
        }

        /** @param seed data, sampling and initialisation seed, default 7 @return this */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param studies generated MRI studies for pre-training and fine-tuning (about one in six of them validates),
         *     0 to keep the preset's (tiny 12, small 40)
         * @return this
         */
        public Builder studies(int studies) {
            if (studies != 0) {
                this.studies = studies;
            }
            return this;
        }

        /**
         * @param testStudies generated studies held out for the final comparison (never seen in pre-training or
         *     fine-tuning), 0 to keep the preset's (tiny 12, small 16): more of them make the printed Dice less noisy
         *     and cost only inference time
         * @return this
         */
        public Builder testStudies(int testStudies) {
            if (testStudies != 0) {
                this.testStudies = testStudies;
            }
            return this;
        }

        /** @param x field of view (mm) @param y along y @param z along z @return this */
        public Builder size(int x, int y, int z) {
            this.fov = new int[] { x, y, z };
            return this;
        }

        /**
         * @param pretrain BrainMVP epochs, 0 to keep the preset's
         * @param finetune fine-tuning epochs of each model, 0 to keep the preset's
         * @return this
         */
        public Builder epochs(int pretrain, int finetune) {
            if (pretrain != 0) {
                this.pretrainEpochs = pretrain;
            }
            if (finetune != 0) {
                this.finetuneEpochs = finetune;
            }
            return this;
        }

        /**
         * @param pretrain BrainMVP's peak learning rate, 0 to keep the preset's
         * @param finetune the fine-tuning peak learning rate of both models, 0 to keep the preset's
         * @return this
         */
        public Builder learningRates(double pretrain, double finetune) {
            if (pretrain != 0) {
                this.pretrainLr = pretrain;
            }
            if (finetune != 0) {
                this.finetuneLr = finetune;
            }
            return this;
        }

        /**
         * @param multiplier the pre-trained arm's encoder learning-rate factor ({@code FineTuneSettings.encoderLr}),
         *     default 1
         * @return this
         */
        public Builder encoderLr(double multiplier) {
            this.encoderLr = multiplier;
            return this;
        }

        /**
         * @param freeze train only the decoder in both arms ({@code FineTuneSettings.freezeEncoder}): the pre-trained
         *     encoder's features against the random ones pre-training started from, default false
         * @return this
         */
        public Builder freezeEncoder(boolean freeze) {
            this.freezeEncoder = freeze;
            return this;
        }

        /**
         * @param choice what both arms do with the first convolution of the 1-channel checkpoint they start from
         *     ({@code FineTuneSettings.firstConv}; the scratch arm inflates the initial kernel), default
         *     {@link #FIRST_CONV}
         * @return this
         */
        public Builder firstConv(EncoderInit.FirstConv choice) {
            this.firstConv = choice;
            return this;
        }

        /**
         * @param share share of both arms' fine-tuning crops centred on a labelled voxel
         *     ({@code FineTuneSettings.labelCentred}), default {@link #LABEL_CENTRED}
         * @return this
         */
        public Builder labelCentred(double share) {
            this.labelCentred = share;
            return this;
        }

        /**
         * @param stripped generate the MRI studies skull-stripped as BraTS distributes them (0 outside the brain), the
         *     data BrainMVP's foreground crops are written for
         * @return this
         */
        public Builder skullStripped(boolean stripped) {
            this.skullStripped = stripped;
            return this;
        }

        /**
         * @param mimics generate the MRI studies with healthy look-alikes of tumour
         *     ({@link PhantomGenerator.Builder#optMimics})
         * @return this
         */
        public Builder mimics(boolean mimics) {
            this.mimics = mimics;
            return this;
        }

        /**
         * @param probability chance per training sample that the pre-trained arm replaces one modality by its template
         *     (with the consistency term); 0 (default) fine-tunes both arms with the same recipe, so only the
         *     initialisation differs: in the tiny demo's short budget replacement slows the pre-trained arm down
         * @return this
         */
        public Builder replaceProbability(double probability) {
            this.replaceProbability = probability;
            return this;
        }

        /** @param fraction share of the labelled training studies used for fine-tuning, default 0.4 @return this */
        public Builder fraction(double fraction) {
            this.fraction = fraction;
            return this;
        }

        /**
         * @param missing the modality removed from the held-out studies for the template row, default t2
         * @return this
         */
        public Builder missing(Modality missing) {
            this.missing = missing;
            return this;
        }

        /**
         * @param epochs epochs of each CT lesion classification fine-tuning after MG-3D (preset: tiny 10, small 60)
         * @param crop their crop edge (mm at 1 mm, a multiple of 32; preset: tiny 64, small 128)
         * @param labelled the MG-3D training volumes labelled for it, the first ones (preset: tiny 24, small 60)
         * @return this
         */
        public Builder ctTransfer(int epochs, int crop, int labelled) {
            this.ctEpochs = epochs;
            this.ctCrop = crop;
            this.ctLabelled = labelled;
            return this;
        }

        /**
         * @param mg3d also run MG-3D pre-training, report-to-volume retrieval and the CT lesion classification
         *     fine-tuning of its encoder against a Swin from scratch
         * @return this
         */
        public Builder mg3d(boolean mg3d) {
            this.mg3d = mg3d;
            return this;
        }

        /** @param workers data threads, 0 for the default @return this */
        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /**
         * @param run the pre-training run folder of an earlier demo with the same seed, preset and data settings, to
         *     repeat only the fine-tuning comparison; null (default) pre-trains
         * @return this
         */
        public Builder pretrainedRun(Path run) {
            this.pretrainedRun = run;
            return this;
        }

        /**
         * @param count fine-tuning comparisons (default 1), with seeds {@code seed}, {@code seed + 1}, ...: each draws
         *     its labelled studies, decoder initialisation and data order; the table and the paired verdict average
         *     them (one pre-training serves all)
         * @return this
         */
        public Builder repeats(int count) {
            this.repeats = count;
            return this;
        }

        /** @return the settings @throws MedvpException naming the first setting that cannot be used */
        public DemoSettings build() {
            return new DemoSettings(output, preset, device, seed, studies, testStudies, ctStudies, fov, crop, grid,
                    pretrainEpochs, finetuneEpochs, mg3dEpochs, mg3dSize, ctEpochs, ctCrop, ctLabelled, validateEvery,
                    batch, pretrainLr, finetuneLr, fraction, repeats, replaceProbability, encoderLr, freezeEncoder,
                    firstConv, labelCentred, skullStripped, mimics, missing, mg3d, workers, logEvery, pretrainedRun);
        }
    }
}
