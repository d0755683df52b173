package io.github.medvp.pretrain.brainmvp;

import io.github.medvp.SettingsException;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.transform.TemplateOffset;
import io.github.medvp.nn.UniFormerPreset;
import io.github.medvp.train.Settings;
import io.github.medvp.train.TrainingBuilder;
import io.github.medvp.train.TrainingSettings;

/**
 * Every setting of a BrainMVP pre-training run, checked when made; its {@link Settings#json} form is the run's
 * {@code config.json}. Defaults are the reference's (BrainMVP's {@code do_pretrain.sh} and {@code main.py}):
 * UniFormer-S, 96³ crops, 240×240×155 templates, batch 3 with accumulation 2, AdamW (lr 3e-4, weight decay 1e-5),
 * 1500 epochs, template warm-up to epoch 300, contrastive term from epoch 1000 at temperature 1, seed 46.
 *
 * @param training data, run folder, resume, seed, device, workers, log interval
 * @param aliases extra modality names, e.g. {@code T1GD=t1c}
 * @param skipBad drop studies with problems (logged) instead of failing
 * @param preset the encoder size
 * @param epochs training epochs
 * @param batch studies per micro-batch
 * @param accumulation micro-batches per optimiser step
 * @param lr peak learning rate (cosine to 0)
 * @param weightDecay AdamW's weight decay
 * @param crop edge of the cubic training crops, a multiple of 16
 * @param templateGrid template size (X, Y, Z), at least the crop on every axis
 * @param warmupEpochs last epoch that mixes two template views (-1 for none)
 * @param contrastiveEpoch first epoch with the contrastive term
 * @param temperature tau of the contrastive loss
 * @param contrastiveScope on several devices, each replica's batch (the reference) or the global batch
 */
public record BrainMvpSettings(@Settings.Inline TrainingSettings training, String aliases, boolean skipBad,
        @Settings.Core UniFormerPreset preset, int epochs, @Settings.Core int batch, @Settings.Core int accumulation,
        double lr, double weightDecay, @Settings.Core int crop, @Settings.Core int[] templateGrid, int warmupEpochs,
        int contrastiveEpoch, double temperature, ContrastiveScope contrastiveScope) {

    /** The largest crop edge and template axis. */
    public static final int MAX_SIZE = 1024;

    /** @throws SettingsException naming the first setting out of its range */
    public BrainMvpSettings {
        Settings.required("output", training.output(), "a run folder");
        aliases = aliases == null ? "" : aliases;
        Settings.range("epochs", epochs, 1, 1_000_000);
        Settings.range("batch", batch, 1, 4096);
        Settings.range("accumulation", accumulation, 1, 4096);
        Settings.positive("lr", lr, 10);
        Settings.range("weight_decay", weightDecay, 0, 10);
        Settings.multiple("crop", crop, 16, 16, MAX_SIZE);
        templateGrid = templateGrid.clone();
        if (templateGrid.length != 3) {
            throw SettingsException.of("grid", java.util.Arrays.toString(templateGrid), "3 sizes X,Y,Z");
        }
        for (int g : templateGrid) {
            if (g < crop || g > MAX_SIZE) {
                throw SettingsException.of("grid", java.util.Arrays.toString(templateGrid), "sizes from the crop ("
                        + crop + ") to " + MAX_SIZE + " on every axis");
            }
        }
        Settings.range("warmup_epochs", warmupEpochs, -1, 1_000_000);
        Settings.range("contrastive_epoch", contrastiveEpoch, 0, 1_000_000);
        Settings.positive("temperature", temperature, 100);
        if (contrastiveScope == null) {
            throw SettingsException.of("contrastive_scope", "null", "replica or global");
        }
    }

    /** @return a builder with the reference's defaults; data and run folder are required */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects settings with the reference's defaults; {@link #build()} checks them. */
    public static final class Builder extends TrainingBuilder<Builder> {
        private String aliases = "";
        private boolean skipBad;
        private UniFormerPreset preset = UniFormerPreset.SMALL;
        private int epochs = 1500;
        private int batch = 3;
        private int accumulation = 2;
        private double lr = 3e-4;
        private double weightDecay = 1e-5;
        private int crop = Pipelines.CROP;
        private int[] grid = TemplateOffset.SRI24.clone();
        private int warmupEpochs = 300;
        private int contrastiveEpoch = 1000;
        private double temperature = 1;
        private ContrastiveScope contrastiveScope = ContrastiveScope.REPLICA;

        private Builder() {
            super(46);
        }

        /** @param aliases extra modality names @param skipBad drop bad studies (logged) @return this */
        public Builder studies(String aliases, boolean skipBad) {
            this.aliases = aliases;
            this.skipBad = skipBad;
            return this;
        }

        /** @param preset the encoder size, default small @return this */
        public Builder preset(UniFormerPreset preset) {
            this.preset = preset;
            return this;
        }

        /** @param epochs default 1500 @return this */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** @param batch studies per micro-batch, default 3 @param accumulation default 2 @return this */
        public Builder batch(int batch, int accumulation) {
            this.batch = batch;
            this.accumulation = accumulation;
            return this;
        }

        /** @param lr peak learning rate, default 3e-4 @param weightDecay default 1e-5 @return this */
        public Builder optimiser(double lr, double weightDecay) {
            this.lr = lr;
            this.weightDecay = weightDecay;
            return this;
        }

        /** @param crop crop edge, default 96 @param grid template size X, Y, Z, default 240, 240, 155 @return this */
        public Builder geometry(int crop, int... grid) {
            this.crop = crop;
            this.grid = grid.clone();
            return this;
        }

        /**
         * @param warmupEpochs last epoch mixing two template views, default 300
         * @param contrastiveEpoch first epoch with the contrastive term, default 1000
         * @return this
         */
        public Builder phases(int warmupEpochs, int contrastiveEpoch) {
            this.warmupEpochs = warmupEpochs;
            this.contrastiveEpoch = contrastiveEpoch;
            return this;
        }

        /** @param temperature tau of the contrastive loss, default 1 @return this */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /**
         * @param scope on several devices, InfoNCE over each replica's batch (default, the reference) or the
         *     global batch
         * @return this
         */
        public Builder contrastiveScope(ContrastiveScope scope) {
            this.contrastiveScope = scope;
            return this;
        }

        /** @return the settings @throws SettingsException naming the first setting out of range */
        public BrainMvpSettings build() {
            return new BrainMvpSettings(training, aliases, skipBad, preset, epochs, batch, accumulation, lr,
                    weightDecay, crop, grid, warmupEpochs, contrastiveEpoch, temperature, contrastiveScope);
        }
    }
}
