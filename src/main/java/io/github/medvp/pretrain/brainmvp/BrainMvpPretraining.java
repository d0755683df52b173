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
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.data.transform.TemplateOffset;
import io.github.medvp.engine.Engines;
import io.github.medvp.nn.HostInitialisation;
import io.github.medvp.train.Adam;
import io.github.medvp.train.DataParallel;
import io.github.medvp.train.LrSchedule;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.RunFolder;
import io.github.medvp.train.Settings;
import io.github.medvp.train.TrainingSettings;
import io.github.medvp.nn.UniFormerPreset;
import java.util.ArrayList;
import io.github.medvp.train.StepContext;
import io.github.medvp.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A whole BrainMVP pre-training run (BrainMVP's {@code main.py} with {@code do_pretrain.sh}): studies → the reference's
 * sample pipeline on worker threads ({@link Pipelines#brainMvpPretraining(int, int, int[])}) → {@link TrainLoop} with
 * {@link BrainMvpStep} → run folder (config, metrics, curves, checkpoints; resumable) → the templates exported as NIfTI
 * into
 * {@code <run>/templates} ({@link TemplateNifti}).
 * <p>
 * Defaults are the reference's: UniFormer-S, 4 channels per study, 96³ crops, 240×240×155 templates, B = 3,
 * accumulation 2, AdamW (lr 3e-4, weight decay 1e-5, one group including the templates), cosine to 0 over all
 * optimiser steps without warm-up (one schedule step per optimiser step: the reference's committed scheduler stepped
 * per micro-batch), 1500 epochs, template warm-up to epoch 300, contrastive term from epoch 1000, seed 46, FP32.
 * Differences: every optimiser step accumulates the same number of micro-batches (the reference's first step of each
 * epoch uses one), and an epoch's last micro-batches that do not fill an optimiser step are skipped.
 */
public final class BrainMvpPretraining {

    /** The folder of the run folder that receives the exported templates. */
    public static final String TEMPLATES = "templates";

    /** The file {@link #withInitialCheckpoint()} writes in the run folder's {@code checkpoints/}. */
    public static final String INITIAL = "initial.safetensors";

    private final BrainMvpSettings settings;
    private final List<Study> studies;
    private final boolean saveInitial;

    /**
     * A run on the studies of the settings' data path (a manifest or a folder, {@link StudyManifest#load}).
     *
     * @param settings the run's settings
     * @throws io.github.medvp.SettingsException when they name no data
     */
    public BrainMvpPretraining(BrainMvpSettings settings) {
        this(settings, null, false);
        Settings.required("data", settings.training().data(), "a manifest .json or a folder of studies");
    }

    /**
     * A run on studies already in memory (tests, the demo); the settings' data path is then only recorded.
     *
     * @param settings the run's settings
     * @param studies the pre-training studies
     */
    public BrainMvpPretraining(BrainMvpSettings settings, List<Study> studies) {
        this(settings, List.copyOf(studies), false);
    }

    private BrainMvpPretraining(BrainMvpSettings settings, List<Study> studies, boolean saveInitial) {
        this.settings = settings;
        this.studies = studies;
        this.saveInitial = saveInitial;
    }

    /**
     * @return this run also saving the weights before any update as {@link #INITIAL}: a from-scratch baseline
     *     started from them differs from the pre-trained model by the pre-training alone, not by the luck of
     *     another random initialisation
     */
    public BrainMvpPretraining withInitialCheckpoint() {
        return new BrainMvpPretraining(settings, studies, true);
    }

    /** @return every setting, as written to the run folder's {@code config.json} */
    public JsonObject config() {
        JsonObject c = new JsonObject();
        c.addProperty("method", "brainmvp");
        Settings.json(settings).entrySet().forEach(e -> c.add(e.getKey(), e.getValue()));
        if (studies != null) {
            c.addProperty("studies", studies.size());
        }
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
        TrainingSettings t = settings.training();
        List<Device> devices = t.device().replicas();
        List<Study> studies = studies(progress);
        refuseUntemplated(studies);
        List<String> core = new ArrayList<>(List.of("method"));
        core.addAll(Settings.core(settings));
        JsonObject config = config();
        DataParallel.record(config, devices, settings.batch(), settings.accumulation());
        try (RunFolder run = RunFolder.open(t.output(), config, t.resume(), core)) {
            progress.log(DataParallel.describe(devices, settings.batch(), settings.accumulation(), "studies"));
            return train(run, studies, devices, progress);
        }
    }

    private TrainLoop.Result train(RunFolder run, List<Study> studies, List<Device> devices, Progress progress)
            throws IOException {
        Device dev = devices.get(0);
        BrainMvpSettings s = settings;
        TrainingSettings t = s.training();
        int crop = s.crop();
        int[] grid = s.templateGrid();
        long seed = t.seed();
        int batchSize = s.batch();
        int accumulation = s.accumulation();
        List<Study> ordered = Pipelines.shuffleChannelOrder(studies, seed);
        BatchLoader.Options options = BatchLoader.Options.training(batchSize * devices.size(), seed)
                .withWorkers(t.workers() > 0 ? t.workers() : BatchLoader.Options.defaultWorkers());
        try (NDManager manager = NDManager.newBaseManager(dev);
                BatchLoader loader = new BatchLoader(ordered, Pipelines.brainMvpPretraining(4, crop, grid), options)) {
            long stepsPerEpoch = loader.batchesPerEpoch() / accumulation;
            if (stepsPerEpoch == 0) {
                throw new MedvpException(studies.size() + " studies do not fill one optimiser step of "
                        + devices.size() * batchSize + " x " + accumulation + " studies; add studies or lower the batch size or accumulation");
            }
            BrainMvpModel model = (s.preset() == UniFormerPreset.TINY ? BrainMvpModel.tiny() : BrainMvpModel.small())
                    .optTemplates(ModalityTemplates.builder().optGrid(grid[0], grid[1], grid[2])).build();
            StepContext.seedInitialisation(seed);
            HostInitialisation.initialize(model, manager, DataType.FLOAT32, new Shape(1, 1, crop, crop, crop));
            NamedParameters params = model.namedParameters();
            if (saveInitial && !run.resuming()) {
                Checkpoints.write(run.checkpointsDir().resolve(INITIAL), Checkpoints.capture(config(), params, null));
            }
            BrainMvpStep step = BrainMvpStep.builder().setModel(model).optTemplateWarmupEpochs(s.warmupEpochs())
                    .optContrastiveStartEpoch(s.contrastiveEpoch()).optTemperature(s.temperature())
                    .optGlobalContrast(s.contrastiveScope() == ContrastiveScope.GLOBAL).build();
            try (Adam adam = Adam.builder().setParameters(params).optWeightDecay(s.weightDecay()).build()) {
                TrainLoop.Result result = TrainLoop.<Batch>builder().setParameters(params).setOptimizer(adam)
                        .setSchedule(LrSchedule.cosine(s.lr(), 0, s.epochs() * stepsPerEpoch)).setStep(step)
                        .setData((epoch, skip) -> loader.epoch(epoch, Math.toIntExact(skip), progress))
                        .setEpochs(s.epochs()).setStepsPerEpoch(stepsPerEpoch).optAccumulation(accumulation)
                        .optSeed(seed).optRunFolder(run).optProgress(progress).optHeader(config())
                        .optDevices(devices, Batch::split)
                        .optLossNames(BrainMvpStep.MD, BrainMvpStep.CMR, BrainMvpStep.CL).optLogEvery(t.logEvery())
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
        if (studies != null) {
            return studies;
        }
        ModalityNames names = ModalityNames.defaults().withAliases(settings.aliases());
        return StudyManifest.load(settings.training().data(), names)
                .validated(new ManifestValidator(names, false), settings.skipBad(), progress)
                .pretraining();
    }

    /**
     * Refuses a study with a channel of a modality that has no BrainMVP template (CT): BrainMVP is an MRI method, its
     * templates and its modality-wise reconstruction are the eight MRI modalities' ({@link Modality#TEMPLATED}).
     *
     * @throws MedvpException naming the first such study, its channel's file and the modalities allowed
     */
    static void refuseUntemplated(List<Study> studies) {
        for (Study st : studies) {
            for (Study.Channel c : st.channels()) {
                if (!c.modality().hasTemplate()) {
                    throw new MedvpException("study " + st.id() + " has a " + c.modality() + " channel (" + c.path()
                            + "): BrainMVP pre-training is MRI-only (templates exist for " + Modality.TEMPLATED
                            + "); pre-train CT with mg3d-pretrain, or leave the CT studies out");
                }
            }
        }
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
        Path runDir = settings.training().output();
        sb.append('\n').append("metrics: ").append(RunFolder.metricsCsv(runDir)).append('\n')
                .append("curves: ").append(RunFolder.curvesPng(runDir)).append('\n')
                .append("checkpoint: ").append(RunFolder.lastCheckpoint(runDir)).append('\n')
                .append("templates: ").append(runDir.resolve(TEMPLATES)).append('\n');
        return sb.toString();
    }
}
