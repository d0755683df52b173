package io.github.medvp.pretrain.brainmvp;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.Batch;
import io.github.medvp.data.BatchLoader;
import io.github.medvp.data.manifest.ManifestValidator;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.data.transform.TemplateOffset;
import io.github.medvp.engine.Engines;
import io.github.medvp.nn.HostInitialisation;
import io.github.medvp.train.Adam;
import io.github.medvp.train.LrSchedule;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.RunFolder;
import io.github.medvp.train.StepContext;
import io.github.medvp.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A whole BrainMVP pre-training run (spec §3.1): studies → the §1.3 sample pipeline on worker threads
 * ({@link Pipelines#brainMvpPretraining(int, int, int[])}) → {@link TrainLoop} with {@link BrainMvpStep} → run
 * folder (config, metrics, curves, checkpoints; resumable) → the templates exported as NIfTI into
 * {@code <run>/templates} ({@link TemplateNifti}).
 * <p>
 * Defaults are the reference's: UniFormer-S, 4 channels per study, 96³ crops, 240×240×155 templates, B = 3,
 * accumulation 2, AdamW (lr 3e-4, weight decay 1e-5, one group including the templates), cosine to 0 over all
 * optimiser steps without warm-up (one schedule step per optimiser step, spec §6.2), 1500 epochs, template warm-up to
 * epoch 300, contrastive term from epoch 1000, seed 46, FP32. Differences: every optimiser step accumulates the same
 * number of micro-batches (the reference's first step of each epoch uses one), and an epoch's last micro-batches that
 * do not fill an optimiser step are skipped.
 */
public final class BrainMvpPretraining {

    /** The folder of the run folder that receives the exported templates. */
    public static final String TEMPLATES = "templates";

    private final List<Study> studies;
    private final Path data;
    private final String aliases;
    private final boolean skipBad;
    private final Path runDir;
    private final boolean resume;
    private final String preset;
    private final int epochs;
    private final int batchSize;
    private final int accumulation;
    private final double lr;
    private final double weightDecay;
    private final long seed;
    private final int crop;
    private final int[] grid;
    private final int templateWarmupEpochs;
    private final int contrastiveStartEpoch;
    private final double temperature;
    private final int workers;
    private final String device;
    private final int logEvery;
    private final boolean saveInitial;

    /** The file {@link Builder#optSaveInitial} writes in the run folder's {@code checkpoints/}. */
    public static final String INITIAL = "initial.safetensors";

    private BrainMvpPretraining(Builder b) {
        studies = b.studies == null ? List.of() : List.copyOf(b.studies);
        data = b.data;
        aliases = b.aliases;
        skipBad = b.skipBad;
        runDir = b.runDir;
        resume = b.resume;
        preset = b.preset;
        epochs = b.epochs;
        batchSize = b.batchSize;
        accumulation = b.accumulation;
        lr = b.lr;
        weightDecay = b.weightDecay;
        seed = b.seed;
        crop = b.crop;
        grid = b.grid.clone();
        templateWarmupEpochs = b.templateWarmupEpochs;
        contrastiveStartEpoch = b.contrastiveStartEpoch;
        temperature = b.temperature;
        workers = b.workers;
        device = b.device;
        logEvery = b.logEvery;
        saveInitial = b.saveInitial;
    }

    /** @return a builder; studies and run folder are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return every setting, as written to the run folder's {@code config.json} */
    public JsonObject config() {
        JsonObject c = new JsonObject();
        c.addProperty("method", "brainmvp");
        c.addProperty("preset", preset);
        if (data != null) {
            c.addProperty("data", data.toString());
        } else {
            c.addProperty("studies", studies.size());
        }
        c.addProperty("epochs", epochs);
        c.addProperty("batch_size", batchSize);
        c.addProperty("accumulation", accumulation);
        c.addProperty("lr", lr);
        c.addProperty("weight_decay", weightDecay);
        c.addProperty("seed", seed);
        c.addProperty("crop", crop);
        JsonArray g = new JsonArray();
        for (int v : grid) {
            g.add(v);
        }
        c.add("template_grid", g);
        c.addProperty("template_warmup_epochs", templateWarmupEpochs);
        c.addProperty("contrastive_start_epoch", contrastiveStartEpoch);
        c.addProperty("temperature", temperature);
        c.addProperty("device", device);
        return c;
    }

    /**
     * Runs (or resumes) the pre-training and exports the templates.
     *
     * @param progress receives progress and cancel requests
     * @return what the training loop reports
     * @throws IOException when the run folder or a study cannot be read or written
     * @throws MedvpException on bad settings, unusable studies or persistent non-finite losses
     */
    public TrainLoop.Result run(Progress progress) throws IOException {
        Engines.pytorch();
        Device dev = Engines.device(device);
        List<Study> studies = studies(progress);
        RunFolder run = RunFolder.open(runDir, config(), resume,
                List.of("method", "preset", "crop", "template_grid", "batch_size", "accumulation"));
        List<Study> ordered = Pipelines.shuffleChannelOrder(studies, seed);
        BatchLoader.Options options = BatchLoader.Options.training(batchSize, seed)
                .withWorkers(workers > 0 ? workers : BatchLoader.Options.defaultWorkers());
        try (NDManager manager = NDManager.newBaseManager(dev);
                BatchLoader loader = new BatchLoader(ordered, Pipelines.brainMvpPretraining(4, crop, grid), options)) {
            long stepsPerEpoch = loader.batchesPerEpoch() / accumulation;
            if (stepsPerEpoch == 0) {
                throw new MedvpException(studies.size() + " studies do not fill one optimiser step of " + batchSize
                        + " x " + accumulation + " studies; add studies or lower the batch size or accumulation");
            }
            BrainMvpModel model = ("tiny".equals(preset) ? BrainMvpModel.tiny() : BrainMvpModel.small())
                    .optTemplates(ModalityTemplates.builder().optGrid(grid[0], grid[1], grid[2])).build();
            StepContext.seedInitialisation(seed);
            HostInitialisation.initialize(model, manager, DataType.FLOAT32, new Shape(1, 1, crop, crop, crop));
            NamedParameters params = model.namedParameters();
            if (saveInitial && !run.resuming()) {
                // The weights before any update: a from-scratch baseline started from them differs from the
                // pre-trained model by the pre-training alone, not by the luck of another random initialisation.
                Checkpoints.write(run.checkpointsDir().resolve(INITIAL), Checkpoints.capture(config(), params, null));
            }
            BrainMvpStep step = BrainMvpStep.builder().setModel(model).optTemplateWarmupEpochs(templateWarmupEpochs)
                    .optContrastiveStartEpoch(contrastiveStartEpoch).optTemperature(temperature).build();
            try (Adam adam = Adam.builder().setParameters(params).optWeightDecay(weightDecay).build()) {
                TrainLoop.Result result = TrainLoop.<Batch>builder().setParameters(params).setOptimizer(adam)
                        .setSchedule(LrSchedule.cosine(lr, 0, epochs * stepsPerEpoch)).setStep(step)
                        .setData((epoch, skip) -> loader.epoch(epoch, Math.toIntExact(skip), progress))
                        .setEpochs(epochs).setStepsPerEpoch(stepsPerEpoch).optAccumulation(accumulation)
                        .optSeed(seed).optRunFolder(run).optProgress(progress).optHeader(config())
                        .optLossNames(BrainMvpStep.MD, BrainMvpStep.CMR, BrainMvpStep.CL).optLogEvery(logEvery)
                        .build().run();
                TemplateNifti.write(model.getTemplates(), run.dir().resolve(TEMPLATES));
                return result;
            }
        }
    }

    /**
     * The studies given to the builder, or those of its data path (a manifest or a folder, {@link
     * StudyManifest#load}), checked once before training so a bad file fails now and not hours into the run.
     */
    private List<Study> studies(Progress progress) throws IOException {
        if (data == null) {
            return studies;
        }
        ModalityNames names = ModalityNames.defaults().withAliases(aliases);
        return StudyManifest.load(data, names).validated(new ManifestValidator(names, false), skipBad, progress)
                .pretraining();
    }

    /**
     * A few lines for the user at the end of a run: steps, final losses and where the run's files are.
     *
     * @param result what {@link #run} returned
     * @return the summary
     */
    public String summary(TrainLoop.Result result) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "BrainMVP pre-training: %d optimiser steps",
                result.steps()));
        if (result.resumedFrom() > 0) {
            sb.append(" (resumed from step ").append(result.resumedFrom()).append(')');
        }
        if (result.nonFiniteSteps() > 0) {
            sb.append(", ").append(result.nonFiniteSteps()).append(" skipped for non-finite losses");
        }
        sb.append('\n').append("final losses:");
        result.lastLosses().forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s=%.5g", k, v)));
        // The names RunFolder gives its files; the folder itself is only open during run().
        sb.append('\n').append("metrics: ").append(runDir.resolve("metrics.csv")).append('\n')
                .append("curves: ").append(runDir.resolve("curves.png")).append('\n')
                .append("checkpoint: ").append(runDir.resolve("checkpoints").resolve("last.safetensors")).append('\n')
                .append("templates: ").append(runDir.resolve(TEMPLATES)).append('\n');
        return sb.toString();
    }

    /** Builder for {@link BrainMvpPretraining}. */
    public static final class Builder {
        private List<Study> studies;
        private Path data;
        private String aliases;
        private boolean skipBad;
        private Path runDir;
        private boolean resume;
        private String preset = "small";
        private int epochs = 1500;
        private int batchSize = 3;
        private int accumulation = 2;
        private double lr = 3e-4;
        private double weightDecay = 1e-5;
        private long seed = 46;
        private int crop = Pipelines.CROP;
        private int[] grid = TemplateOffset.SRI24.clone();
        private int templateWarmupEpochs = 300;
        private int contrastiveStartEpoch = 1000;
        private double temperature = 1;
        private int workers;
        private String device = "auto";
        private int logEvery = 10;
        private boolean saveInitial;

        private Builder() {
        }

        /** @param studies the pre-training studies (training and validation records, spec §1.2) @return this */
        public Builder setStudies(List<Study> studies) {
            this.studies = studies;
            return this;
        }

        /**
         * Studies from a path instead of a list: a manifest JSON file or a folder to discover (see
         * {@link StudyManifest#load}); read and checked when the run starts.
         *
         * @param data a {@code .json} manifest or a folder of studies
         * @param aliases extra modality names such as {@code T1GD=t1c}; null or blank for none
         * @param skipBad drop studies with problems (logged) instead of failing
         * @return this
         */
        public Builder setData(Path data, String aliases, boolean skipBad) {
            this.data = data;
            this.aliases = aliases;
            this.skipBad = skipBad;
            return this;
        }

        /** @param runDir the run folder (created; resumed with {@link #optResume}) @return this */
        public Builder setRunFolder(Path runDir) {
            this.runDir = runDir;
            return this;
        }

        /** @param resume continue the run in the folder, default false @return this */
        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** @param preset {@code small} (UniFormer-S, default) or {@code tiny} (tests, demos) @return this */
        public Builder optPreset(String preset) {
            this.preset = preset;
            return this;
        }

        /** @param epochs epochs, default 1500 @return this */
        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * @param batchSize studies per micro-batch, default 3
         * @param accumulation micro-batches per optimiser step, default 2
         * @return this
         */
        public Builder optBatch(int batchSize, int accumulation) {
            this.batchSize = batchSize;
            this.accumulation = accumulation;
            return this;
        }

        /** @param lr peak learning rate, default 3e-4 @param weightDecay AdamW decay, default 1e-5 @return this */
        public Builder optOptimiser(double lr, double weightDecay) {
            this.lr = lr;
            this.weightDecay = weightDecay;
            return this;
        }

        /** @param seed run seed, default 46 @return this */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param crop crop edge, default 96 (a multiple of 16 and of the block size 8)
         * @param grid template grid, default 240×240×155
         * @return this
         */
        public Builder optGeometry(int crop, int... grid) {
            this.crop = crop;
            this.grid = grid.clone();
            return this;
        }

        /**
         * @param templateWarmupEpochs last epoch with two template views, default 300
         * @param contrastiveStartEpoch first epoch with the contrastive term, default 1000
         * @return this
         */
        public Builder optPhases(int templateWarmupEpochs, int contrastiveStartEpoch) {
            this.templateWarmupEpochs = templateWarmupEpochs;
            this.contrastiveStartEpoch = contrastiveStartEpoch;
            return this;
        }

        /**
         * @param temperature τ of the contrastive loss, default 1 (the reference's; its gradient is weak, so short
         *        runs barely move L_CL, spec §6 item 6)
         * @return this
         */
        public Builder optTemperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** @param workers data worker threads, 0 (default) for {@code min(4, cores − 1)} @return this */
        public Builder optWorkers(int workers) {
            this.workers = workers;
            return this;
        }

        /** @param device {@code auto} (default), {@code cpu}, {@code gpu} or {@code gpu:N} @return this */
        public Builder optDevice(String device) {
            this.device = device;
            return this;
        }

        /** @param logEvery optimiser steps between log lines, default 10 @return this */
        public Builder optLogEvery(int logEvery) {
            this.logEvery = logEvery;
            return this;
        }

        /**
         * @param save also write the weights before the first update to {@code checkpoints/}{@value #INITIAL}
         *     (default false), for a from-scratch baseline with the same initialisation
         * @return this
         */
        public Builder optSaveInitial(boolean save) {
            this.saveInitial = save;
            return this;
        }

        /** @return the run */
        public BrainMvpPretraining build() {
            if ((data == null && (studies == null || studies.isEmpty())) || runDir == null) {
                throw new MedvpException("BrainMVP pre-training needs studies (or a data path) and a run folder");
            }
            if (!"small".equals(preset) && !"tiny".equals(preset)) {
                throw new MedvpException("preset must be small or tiny, got " + preset);
            }
            if (crop % 16 != 0 || grid.length != 3 || java.util.Arrays.stream(grid).anyMatch(g -> g < crop)
                    || epochs < 1 || batchSize < 1 || accumulation < 1) {
                throw new MedvpException("BrainMVP needs a crop divisible by 16, a 3-axis template grid at least as "
                        + "large as the crop, and positive epochs, batch size and accumulation");
            }
            return new BrainMvpPretraining(this);
        }
    }
}
