package io.github.medvp.tasks.segmentation;

import io.github.medvp.tasks.FineTuneSettings;
import io.github.medvp.tasks.FineTuning;
import io.github.medvp.tasks.TaskModel;
import io.github.medvp.tasks.TaskSpec;
import io.github.medvp.tasks.TemplateReplacement;
import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.Batch;
import io.github.medvp.data.BatchLoader;
import io.github.medvp.data.transform.Compose;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.engine.Engines;
import io.github.medvp.train.Adam;
import io.github.medvp.train.LrSchedule;
import io.github.medvp.train.MetricsLog;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.RunFolder;
import io.github.medvp.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A segmentation fine-tuning run (BrainMVP's fine-tuning {@code main.py}): studies (validated once, label values
 * checked by {@link LabelCheck}; a seeded validation split when the data has none; the seeded label fraction) →
 * {@link Pipelines#segmentationTraining} on worker threads →
 * {@link TrainLoop} with {@link SegmentationStep} (deep supervision, optional template replacement and consistency) →
 * validation every N epochs by sliding-window inference ({@link SegmentationValidation}), {@code best} kept by mean
 * Dice → run folder.
 * <p>
 * Run folder: {@code config.json}, {@code metrics.csv} (training losses), {@code curves.png}, {@code validation.csv}
 * and {@code validation.png} (Dice per region and mean per validation), {@code training-cases.txt} and
 * {@code split.json} (the studies used), {@code checkpoints/last} and {@code checkpoints/best} — both loadable as
 * models by {@link TaskModel#load}. A folder holding a run resumes with {@code resume}; cancel saves {@code last}.
 * <p>
 * Differences from the reference, on purpose: one cosine step per optimiser step instead of per epoch; templates are
 * normalised to [0, 1] (the reference exports them raw, unlike pre-training) and replaced channels come from two
 * copies of all modalities when paired (the reference repeats channels element-wise instead), the consistency term on
 * encoder features. All differences from the reference are listed in {@code docs/deviations-brainmvp.md}.
 */
public final class SegmentationFineTuning {

    /** The validation metrics file in the run folder. */
    public static final String VALIDATION_CSV = RunFolder.VALIDATION_CSV;

    private SegmentationFineTuning() {
    }

    /**
     * What a run reports.
     *
     * @param bestDice the best mean validation Dice (NaN when never validated)
     * @param bestEpoch the (1-based) epoch of the best Dice
     * @param lastDice the mean Dice of the last validation
     * @param regions region or class names, in the order of the per-region values
     * @param runFolder the run folder
     * @param best the best checkpoint (a model for {@link TaskModel#load})
     * @param last the last checkpoint
     * @param trainingCases the training study ids used (after the fraction)
     * @param training what the training loop reports
     * @param secondsPerStep median seconds per optimiser step over the run's log lines
     */
    public record Result(double bestDice, int bestEpoch, double lastDice, List<String> regions, Path runFolder,
            Path best, Path last, List<String> trainingCases, TrainLoop.Result training, double secondsPerStep) {

        /** @return a few lines for the user */
        public String summary() {
            return String.format(Locale.ROOT, "segmentation fine-tuning: %d optimiser steps (%.3g s/step), best mean "
                    + "Dice %.4f at epoch %d, last %.4f%nregions: %s%nbest model: %s%nrun folder: %s%n",
                    training.steps(), secondsPerStep, bestDice, bestEpoch, lastDice, regions, best, runFolder);
        }
    }

    /**
     * Runs (or resumes) a segmentation fine-tuning.
     *
     * @param s the settings (labels, modalities, init checkpoint, ...)
     * @param progress progress and cancel
     * @return the result
     * @throws IOException when a file cannot be read or written
     * @throws MedvpException on bad settings or data
     * @throws Progress.CancelledException after saving {@code last} when cancelled
     */
    public static Result run(FineTuneSettings s, Progress progress) throws IOException {
        Engines.pytorch();
        List<Device> devices = s.training().device().replicas();
        StudyManifest manifest = FineTuning.studies(s, progress);
        List<Modality> modalities = FineTuning.modalities(s, manifest);
        for (Study st : manifest.pretraining()) {
            if (st.label() == null) {
                throw new MedvpException("study " + st.id() + " has no label map; every segmentation training and "
                        + "validation study needs one (put unlabelled studies in the test split)");
            }
        }
        manifest = LabelCheck.checked(manifest, s.labels(), s.skipBad(), progress);
        // Before the run folder: an encoder setting that contradicts init is refused with nothing written.
        TaskSpec spec = FineTuning.spec(TaskSpec.Task.SEGMENTATION, s, modalities, s.labels(), List.of());
        try (RunFolder run = FineTuning.open(s, "segmentation", modalities, null, progress)) {
            return train(s, manifest, spec, run, devices, progress);
        }
    }

    private static Result train(FineTuneSettings s, StudyManifest manifest, TaskSpec spec, RunFolder run,
            List<Device> devices, Progress progress) throws IOException {
        Device dev = devices.get(0);
        FineTuning.record(run, manifest);
        List<Modality> modalities = spec.modalities();
        try (NDManager manager = NDManager.newBaseManager(dev)) {
            TaskModel model = FineTuning.model(spec, s, manager, progress);
            FineTuning.measureMeans(model, manifest, progress);
            TemplateReplacement replacement = FineTuning.replacement(model, s, progress);
            Compose train = replacement != null
                    ? Pipelines.segmentationTraining(modalities, spec.intensity(), s.crop(), s.labelCentred(),
                            s.labels().transform(), s.flips(), model.spec().templateGrid())
                    : Pipelines.segmentationTraining(modalities, spec.intensity(), s.crop(), s.labelCentred(),
                            s.labels().transform(), s.flips());
            int workers = s.training().workers() > 0 ? s.training().workers()
                    : BatchLoader.Options.defaultWorkers();
            NamedParameters params = model.parameters();
            double[] weights = new double[model.trainingOutputs()];
            Arrays.fill(weights, 1);
            SegmentationStep step = new SegmentationStep(model, weights, replacement, s.consistencyWeight());
            try (BatchLoader loader = new BatchLoader(manifest.training(), train,
                    BatchLoader.Options.training(s.batch() * devices.size(), s.training().seed()).withWorkers(workers));
                    Adam adam = FineTuning.optimiser(params, s, model.encoder().getStemName());
                    MetricsLog vlog = MetricsLog.open(run.dir().resolve(VALIDATION_CSV),
                            SegmentationValidation.columns(s.labels()), run.resuming() ? Long.MAX_VALUE : -1)) {
                long stepsPerEpoch = loader.batchesPerEpoch() / s.accumulation();
                if (stepsPerEpoch == 0) {
                    throw new MedvpException(manifest.training().size() + " training studies do not fill one "
                            + "optimiser step of " + devices.size() * s.batch() + " x " + s.accumulation()
                            + "; lower the batch size");
                }
                SegmentationValidation validation = new SegmentationValidation(model, manifest.validation(),
                        Pipelines.segmentationEvaluation(modalities, spec.intensity(), s.labels().transform()),
                        s.labels(), s.crop(), s.validateEvery(), s.epochs(), stepsPerEpoch, manager, vlog, run.dir(),
                        progress);
                TrainLoop.Result r = TrainLoop.<Batch>builder().setParameters(params).setOptimizer(adam)
                        .setSchedule(LrSchedule.cosine(s.lr(), 0, s.epochs() * stepsPerEpoch)).setStep(step)
                        .setData((epoch, skip) -> loader.epoch(epoch, Math.toIntExact(skip), progress))
                        .setEpochs(s.epochs()).setStepsPerEpoch(stepsPerEpoch).optAccumulation(s.accumulation())
                        .optSeed(s.training().seed()).optClipGradNorm(s.clip())
                        .optRunFolder(run).optProgress(progress).optHeader(model.header())
                        .optDevices(devices, Batch::split)
                        .optLossNames(SegmentationStep.SEG, SegmentationStep.CONS).optLogEvery(s.training().logEvery())
                        .optValidator(validation).build().run();
                List<String> cases = manifest.training().stream().map(Study::id).toList();
                return new Result(validation.bestDice(), validation.bestEpoch(), validation.lastDice(),
                        s.labels().names(), run.dir(), run.best(), run.last(), cases, r, secondsPerStep(run));
            }
        }
    }

    public static com.google.gson.JsonArray modalitiesJson(List<Modality> modalities) {
        com.google.gson.JsonArray m = new com.google.gson.JsonArray();
        modalities.forEach(x -> m.add(x.token()));
        return m;
    }

    /** The median of the loop's {@code sec_per_step} column, NaN when there is none. */
    static double secondsPerStep(RunFolder run) {
        try {
            if (!Files.exists(run.metricsCsv())) {
                return Double.NaN;
            }
            Map<String, double[]> cols = MetricsLog.read(run.metricsCsv());
            double[] v = cols.get("sec_per_step");
            if (v == null || v.length == 0) {
                return Double.NaN;
            }
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2];
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
