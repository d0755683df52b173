package io.github.medvp.pretrain.mg3d;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.transform.HounsfieldWindow;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.text.ReportDataset;
import io.github.medvp.data.text.ReportEncoder;
import io.github.medvp.data.transform.ResizeTo;
import io.github.medvp.data.transform.Transform;
import io.github.medvp.data.text.VocabularyBuilder;
import io.github.medvp.data.text.WholeWordMasking;
import io.github.medvp.data.text.WordPieceTokenizer;
import io.github.medvp.engine.Engines;
import io.github.medvp.nn.bert.BertConfig;
import io.github.medvp.nn.bert.HfBert;
import io.github.medvp.nn.HostInitialisation;
import io.github.medvp.train.Adam;
import io.github.medvp.train.LrSchedule;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.RunFolder;
import io.github.medvp.train.StepContext;
import io.github.medvp.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A whole MG-3D pre-training run: a volume-report list ({@link ReportDataset}) → tokenizer (a given
 * {@code vocab.txt}/{@code tokenizer.json}/model folder, else built from the training reports; saved as
 * {@code <run>/vocab.txt} and in every checkpoint header) → {@link Mg3dData} (CT preprocessing of spec §1.2 or
 * percentile-scaled MRI, cached in {@code <run>/cache}) → {@link TrainLoop} with {@link Mg3dStep}, Adam with
 * MG-3D's groups ({@link Mg3dOptimizer}), linear warm-up then linear decay → run folder (config, metrics, curves,
 * checkpoints; resumable, cancel saves {@code last}, non-finite guard).
 * <p>
 * Defaults follow the reference (spec §3): Swin-B, batch 4, lr 1e-5, heads and fusion ×5, weight decay 1e-8,
 * warm-up 10,000 steps (capped at a tenth of the run for short runs), frozen text encoder when a pretrained one is
 * given ({@code textModel}, e.g. RadBERT's folder), otherwise {@link BertConfig#tiny} trained from scratch. FP32:
 * DJL's PyTorch engine offers no autocast, so the reference's fp16 AMP is not reproduced (see docs/commands.md).
 */
public final class Mg3dPretraining {

    private final Builder c;

    private Mg3dPretraining(Builder b) {
        this.c = b;
    }

    /** @return a builder; data and run folder are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return every setting, as written to {@code config.json} */
    public JsonObject config() {
        JsonObject o = new JsonObject();
        o.addProperty("method", "mg3d");
        o.addProperty("preset", c.preset);
        o.addProperty("data", c.data.toString());
        o.addProperty("vocabulary", String.valueOf(c.vocabulary));
        o.addProperty("text_model", String.valueOf(c.textModel));
        o.addProperty("epochs", c.epochs);
        o.addProperty("batch_size", c.batchSize);
        o.addProperty("lr", c.lr);
        o.addProperty("head_multiplier", c.headMultiplier);
        o.addProperty("weight_decay", c.weightDecay);
        o.addProperty("warmup_steps", c.warmupSteps);
        o.addProperty("seed", c.seed);
        o.addProperty("modality", c.modality);
        o.addProperty("size", c.size[0] + "x" + c.size[1] + "x" + c.size[2]);
        o.addProperty("mim_fusion", c.mimFusion.name().toLowerCase(Locale.ROOT));
        o.addProperty("cml", c.cml.name().toLowerCase(Locale.ROOT));
        o.addProperty("double_projection", c.doubleProjection);
        o.addProperty("weights", java.util.Arrays.toString(c.weights));
        o.addProperty("device", c.device);
        return o;
    }

    /**
     * Runs (or resumes) the pre-training.
     *
     * @param progress progress and cancel
     * @return what the loop reports
     * @throws IOException when files cannot be read or written
     * @throws MedvpException on bad settings or data
     */
    public TrainLoop.Result run(Progress progress) throws IOException {
        Engines.pytorch();
        Device dev = Engines.device(c.device);
        ReportDataset dataset = ReportDataset.read(c.data);
        RunFolder run = RunFolder.open(c.runDir, config(), c.resume, List.of("method", "preset", "size", "batch_size",
                "modality"));
        WordPieceTokenizer tokenizer = VocabularyBuilder.loadOrBuild(c.vocabulary != null ? c.vocabulary
                : c.textModel, dataset.texts(), run.dir().resolve("vocab.txt"));
        BertConfig text = c.textModel != null ? BertConfig.read(c.textModel.resolve(HfBert.CONFIG))
                : BertConfig.tiny(tokenizer.size());
        if (text.vocabSize() != tokenizer.size()) {
            throw new MedvpException("the text model " + c.textModel + " has " + text.vocabSize() + " token ids but "
                    + "the vocabulary " + tokenizer.size() + "; use the model folder's own vocab.txt");
        }
        Mg3dConfig config = new Mg3dConfig(c.preset, text, c.textModel == null || c.trainText, c.mimFusion, c.cml,
                c.doubleProjection, c.size, c.maxLength, new Mg3dConfig.Preprocessing(c.modality, c.spacing,
                        c.window));
        Transform pipeline = config.pipeline();
        Mg3dData data = new Mg3dData(dataset, new ReportEncoder(tokenizer, c.maxLength),
                new WholeWordMasking(tokenizer, WholeWordMasking.PROBABILITY), pipeline, run.dir().resolve("cache"));
        long stepsPerEpoch = data.size() / c.batchSize;
        if (stepsPerEpoch == 0) {
            throw new MedvpException(data.size() + " pairs in " + c.data + " do not fill one batch of " + c.batchSize
                    + "; add pairs or lower the batch size");
        }
        long total = stepsPerEpoch * c.epochs;
        long warmup = Math.min(c.warmupSteps, total / 10);
        try (NDManager manager = NDManager.newBaseManager(dev)) {
            Mg3dModel model = config.model().build();
            StepContext.seedInitialisation(c.seed);
            HostInitialisation.initialize(model, manager, DataType.FLOAT32,
                    new Shape(c.batchSize, 1, c.size[0], c.size[1], c.size[2]),
                    new Shape(c.batchSize, c.maxLength));
            if (c.textModel != null && !c.resume) {
                HfBert.loadWeights(HfBert.weightsFile(c.textModel), model.getText(), null);
            }
            NamedParameters params = model.namedParameters();
            Mg3dStep step = Mg3dStep.builder().setModel(model).optWeights(c.weights).build();
            JsonObject header = Mg3dCheckpoint.header(config, tokenizer);
            try (Adam adam = Mg3dOptimizer.create(params, c.weightDecay, c.headMultiplier)) {
                return TrainLoop.<Mg3dBatch>builder().setParameters(params).setOptimizer(adam)
                        .setSchedule(LrSchedule.warmupLinear(c.lr, warmup, total)).setStep(step)
                        .setData((epoch, skip) -> data.epoch(epoch, skip, c.batchSize, c.seed, progress))
                        .setEpochs(c.epochs).setStepsPerEpoch(stepsPerEpoch).optSeed(c.seed).optRunFolder(run)
                        .optProgress(progress).optHeader(header).optLossNames(Mg3dStep.NAMES)
                        .optLogEvery(c.logEvery).build().run();
            }
        }
    }

    /**
     * @param result what {@link #run} returned
     * @return a few lines for the user: steps, final losses, where the files are
     */
    public String summary(TrainLoop.Result result) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "MG-3D pre-training: %d optimiser steps",
                result.steps()));
        if (result.resumedFrom() > 0) {
            sb.append(" (resumed from step ").append(result.resumedFrom()).append(')');
        }
        if (result.nonFiniteSteps() > 0) {
            sb.append(", ").append(result.nonFiniteSteps()).append(" skipped for non-finite losses");
        }
        sb.append("\nfinal losses:");
        result.lastLosses().forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s=%.5g", k, v)));
        sb.append("\nmetrics: ").append(c.runDir.resolve("metrics.csv"))
                .append("\ncurves: ").append(c.runDir.resolve("curves.png"))
                .append("\ncheckpoint: ").append(c.runDir.resolve("checkpoints").resolve("last.safetensors"))
                .append("\nvocabulary: ").append(c.runDir.resolve("vocab.txt")).append('\n');
        return sb.toString();
    }

    /** Builder for {@link Mg3dPretraining}. */
    public static final class Builder {
        private Path data;
        private Path runDir;
        private boolean resume;
        private Path vocabulary;
        private Path textModel;
        private boolean trainText;
        private String preset = "b";
        private int epochs = 60;
        private int batchSize = 4;
        private double lr = 1e-5;
        private double headMultiplier = 5;
        private double weightDecay = 1e-8;
        private long warmupSteps = 10_000;
        private long seed;
        private String modality = "ct";
        private int[] size = ResizeTo.MG3D.clone();
        private double[] spacing = Pipelines.mg3dCtSpacing();
        private double[] window = HounsfieldWindow.DEFAULT.clone();
        private int maxLength = ReportEncoder.MAX_LENGTH;
        private MimFusion mimFusion = MimFusion.PAPER;
        private CmlMode cml = CmlMode.GLOBAL;
        private boolean doubleProjection;
        private double[] weights = {1, 0.1, 1, 0.1, 0.1, 0.1};
        private String device = "auto";
        private int logEvery = 10;

        private Builder() {
        }

        /** @param data a CSV or JSON volume-report list ({@link ReportDataset}) @return this */
        public Builder setData(Path data) {
            this.data = data;
            return this;
        }

        /** @param runDir the run folder @return this */
        public Builder setRunFolder(Path runDir) {
            this.runDir = runDir;
            return this;
        }

        /** @param resume continue the run in the folder @return this */
        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** @param vocabulary vocab.txt, tokenizer.json or a folder; null to build one from the reports @return this */
        public Builder optVocabulary(Path vocabulary) {
            this.vocabulary = vocabulary;
            return this;
        }

        /**
         * @param folder a Hugging Face BERT folder (config.json + weights; RadBERT for MG-3D), or null for a small
         *     text encoder trained from scratch
         * @param train whether to train it too (default false: frozen, as the reference)
         * @return this
         */
        public Builder optTextModel(Path folder, boolean train) {
            this.textModel = folder;
            this.trainText = train;
            return this;
        }

        /** @param preset {@code b} (default), {@code l} or {@code tiny} @return this */
        public Builder optPreset(String preset) {
            this.preset = preset;
            return this;
        }

        /** @param epochs epochs, default 60 @return this */
        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** @param batchSize pairs per step, default 4 @return this */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param lr base learning rate, default 1e-5
         * @param headMultiplier factor for heads and fusion, default 5
         * @param weightDecay Adam's coupled decay, default 1e-8
         * @param warmupSteps linear warm-up, default 10,000 (at most a tenth of the run)
         * @return this
         */
        public Builder optOptimiser(double lr, double headMultiplier, double weightDecay, long warmupSteps) {
            this.lr = lr;
            this.headMultiplier = headMultiplier;
            this.weightDecay = weightDecay;
            this.warmupSteps = warmupSteps;
            return this;
        }

        /** @param seed run seed, default 0 @return this */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param modality {@code ct} (HU window, default) or {@code mri} (percentile scaling)
         * @param size volume grid (X, Y, Z), default 128×96×128 (multiples of 32)
         * @param spacing target spacing in mm, default 0.75×0.75×1.5
         * @param window HU window, default [−1000, 1000]
         * @return this
         */
        public Builder optVolumes(String modality, int[] size, double[] spacing, double[] window) {
            this.modality = modality;
            this.size = size.clone();
            this.spacing = spacing.clone();
            this.window = window.clone();
            return this;
        }

        /** @param maxLength report tokens L, default 250 @return this */
        public Builder optMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * @param mimFusion paper (default) or code, see {@link MimFusion}
         * @param cml global (default) or joint, see {@link CmlMode}
         * @param doubleProjection pass 3's second projection of the reference code, default false
         * @return this
         */
        public Builder optVariant(MimFusion mimFusion, CmlMode cml, boolean doubleProjection) {
            this.mimFusion = mimFusion;
            this.cml = cml;
            this.doubleProjection = doubleProjection;
            return this;
        }

        /** @param weights the six loss weights (MLM, SFR, MIM, CML, DFA, SSM) @return this */
        public Builder optWeights(double... weights) {
            this.weights = weights.clone();
            return this;
        }

        /** @param device auto, cpu, gpu or gpu:N @return this */
        public Builder optDevice(String device) {
            this.device = device;
            return this;
        }

        /** @param logEvery optimiser steps between log lines, default 10 @return this */
        public Builder optLogEvery(int logEvery) {
            this.logEvery = logEvery;
            return this;
        }

        /** @return the run */
        public Mg3dPretraining build() {
            if (data == null || runDir == null) {
                throw new MedvpException("MG-3D pre-training needs a volume-report list (data) and a run folder");
            }
            for (int s : size) {
                if (s < 32 || s % 32 != 0) {
                    throw new MedvpException("size " + java.util.Arrays.toString(size) + ": every axis must be a "
                            + "multiple of 32 (the encoder downsamples ×32)");
                }
            }
            if (!"ct".equals(modality) && !"mri".equals(modality)) {
                throw new MedvpException("modality must be ct or mri, got '" + modality + "'");
            }
            if (weights.length != Mg3dStep.NAMES.length) {
                throw new MedvpException("six loss weights are needed (MLM, SFR, MIM, CML, DFA, SSM)");
            }
            return new Mg3dPretraining(this);
        }
    }
}
