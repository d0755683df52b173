package io.github.medvp.tasks.classification;

import io.github.medvp.tasks.FineTuneLosses;
import io.github.medvp.tasks.FineTuneSettings;
import io.github.medvp.tasks.FineTuning;
import io.github.medvp.tasks.metrics.Metrics;
import io.github.medvp.tasks.segmentation.SegmentationFineTuning;
import io.github.medvp.tasks.segmentation.SegmentationStep;
import io.github.medvp.tasks.TaskModel;
import io.github.medvp.tasks.TaskSpec;
import io.github.medvp.tasks.TemplateReplacement;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.Batch;
import io.github.medvp.data.BatchLoader;
import io.github.medvp.data.transform.Compose;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.engine.Engines;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.engine.Scalars;
import io.github.medvp.train.Adam;
import io.github.medvp.train.CurvesPlot;
import io.github.medvp.train.Losses;
import io.github.medvp.train.LrSchedule;
import io.github.medvp.train.MetricsLog;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.RunFolder;
import io.github.medvp.train.StepContext;
import io.github.medvp.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A classification fine-tuning run: the infrastructure of {@link SegmentationFineTuning} (studies, validation split,
 * label fraction, run folder, {@link TrainLoop}, resume, cancel) with the encoder + {@link ClassificationHead} (global
 * average pooling + linear, MedVP's choice: the reference released no classification code), cross-entropy with
 * optional class weights, random {@code crop}³ training crops and centre crops for validation
 * ({@link Pipelines#classificationTraining}). Classes come from a CSV ({@code case,class}) or the manifest
 * ({@link ClassLabels}). With templates (an encoder from a BrainMVP checkpoint holding them), template replacement
 * and the paired consistency term work as in segmentation ({@link TemplateReplacement}).
 * <p>
 * Validation every N epochs: accuracy, balanced accuracy and ROC AUC (binary, or the mean one-vs-rest AUC) in
 * {@code validation.csv}; {@code best} is kept by balanced accuracy.
 */
public final class ClassificationFineTuning {

    private ClassificationFineTuning() {
    }

    /**
     * What a run reports.
     *
     * @param bestBalancedAccuracy best validation balanced accuracy
     * @param bestEpoch its 1-based epoch
     * @param lastAccuracy accuracy at the last validation
     * @param lastAuc ROC AUC at the last validation
     * @param classes class names, index = class
     * @param runFolder the run folder
     * @param best the best checkpoint (a model)
     * @param trainingCases training study ids used
     * @param training what the loop reports
     */
    public record Result(double bestBalancedAccuracy, int bestEpoch, double lastAccuracy, double lastAuc,
            List<String> classes, Path runFolder, Path best, List<String> trainingCases, TrainLoop.Result training) {

        /** @return a few lines for the user */
        public String summary() {
            return String.format(Locale.ROOT, "classification fine-tuning: %d optimiser steps, best balanced "
                    + "accuracy %.4f at epoch %d, last accuracy %.4f, last AUC %.4f%nclasses: %s%nbest model: %s%n"
                    + "run folder: %s%n", training.steps(), bestBalancedAccuracy, bestEpoch, lastAccuracy, lastAuc,
                    classes, best, runFolder);
        }
    }

    /**
     * Runs (or resumes) a classification fine-tuning.
     *
     * @param s settings ({@link FineTuneSettings#classCsv}, {@link FineTuneSettings#classes}, class weights...)
     * @param progress progress and cancel
     * @return the result
     * @throws IOException when a file cannot be read or written
     */
    public static Result run(FineTuneSettings s, Progress progress) throws IOException {
        Engines.pytorch();
        List<Device> devices = s.training().device().replicas();
        ClassLabels labels = ClassLabels.attach(FineTuning.studies(s, progress), s.classCsv(), s.classes());
        List<Modality> modalities = FineTuning.modalities(s, labels.manifest());
        int k = labels.classes().size();
        if (s.classWeights().length > 0 && s.classWeights().length != k) {
            throw new MedvpException("class weights: " + s.classWeights().length + " values for " + k + " classes "
                    + labels.classes());
        }
        JsonArray names = new JsonArray();
        labels.classes().forEach(names::add);
        JsonObject resolved = new JsonObject();
        resolved.add("classes", names);
        // Before the run folder: an encoder setting that contradicts init is refused with nothing written.
        TaskSpec spec = FineTuning.spec(TaskSpec.Task.CLASSIFICATION, s, modalities, null, labels.classes());
        try (RunFolder run = FineTuning.open(s, "classification", modalities, resolved, progress)) {
            return train(s, labels, spec, run, devices, progress);
        }
    }

    private static Result train(FineTuneSettings s, ClassLabels labels, TaskSpec spec, RunFolder run,
            List<Device> devices, Progress progress) throws IOException {
        Device dev = devices.get(0);
        int k = labels.classes().size();
        List<Modality> modalities = spec.modalities();
        FineTuning.record(run, labels.manifest());
        try (NDManager manager = NDManager.newBaseManager(dev)) {
            TaskModel model = FineTuning.model(spec, s, manager, progress);
            FineTuning.measureMeans(model, labels.manifest(), progress);
            NDArray weights = null;
            if (s.classWeights().length > 0) {
                float[] w = new float[k];
                for (int i = 0; i < k; i++) {
                    w[i] = (float) s.classWeights()[i];
                }
                weights = HostArrays.copyOf(manager, w, new Shape(k));
            }
            NDArray classWeights = weights;
            TemplateReplacement replace = FineTuning.replacement(model, s, progress);
            int normalised = s.batch() * (paired(replace, s.consistencyWeight())
                    && replace.pairNorm() == TemplateReplacement.PairNorm.JOINT ? 2 : 1);
            // Swin normalises per token (LayerNorm), so only UniFormer's batch-normalised x4 needs the batch.
            if (normalised < MIN_NORMALISED_BATCH
                    && model.spec().encoder().family() == io.github.medvp.nn.EncoderPreset.Family.UNIFORMER) {
                progress.log("warning: batch " + s.batch() + " gives the encoder's final BatchNorm " + normalised
                        + " studies per pass, too few for a pooled head to learn from (their features are normalised "
                        + "against each other); use batch " + MIN_NORMALISED_BATCH + " or more");
            }
            NamedParameters params = model.parameters();
            int workers = s.training().workers() > 0 ? s.training().workers()
                    : BatchLoader.Options.defaultWorkers();
            try (BatchLoader loader = new BatchLoader(labels.manifest().training(),
                    replace != null
                            ? Pipelines.classificationTraining(modalities, spec.intensity(), s.crop(), s.flips(),
                                    model.spec().templateGrid())
                            : Pipelines.classificationTraining(modalities, spec.intensity(), s.crop(), s.flips()),
                    BatchLoader.Options.training(s.batch() * devices.size(), s.training().seed())
                            .withWorkers(workers));
                    Adam adam = FineTuning.optimiser(params, s, model.encoder().getStemName());
                    MetricsLog vlog = MetricsLog.open(run.dir().resolve(SegmentationFineTuning.VALIDATION_CSV),
                            List.of("step", "epoch", "accuracy", "balanced_accuracy", "auc"),
                            run.resuming() ? Long.MAX_VALUE : -1)) {
                long stepsPerEpoch = loader.batchesPerEpoch() / s.accumulation();
                if (stepsPerEpoch == 0) {
                    throw new MedvpException(labels.manifest().training().size() + " training studies do not fill "
                            + "one optimiser step of " + s.batch() + " x " + s.accumulation());
                }
                Validation validation = new Validation(model, labels.manifest().validation(),
                        Pipelines.classificationEvaluation(modalities, spec.intensity(), s.crop()), s, stepsPerEpoch,
                        manager, vlog, run, progress);
                TrainLoop.Result r = TrainLoop.<Batch>builder().setParameters(params).setOptimizer(adam)
                        .setSchedule(LrSchedule.cosine(s.lr(), 0, s.epochs() * stepsPerEpoch))
                        .setStep((batch, ctx) -> step(model, batch, classWeights, replace, s.consistencyWeight(), ctx))
                        .optLossNames(CE, SegmentationStep.CONS)
                        .setData((epoch, skip) -> loader.epoch(epoch, Math.toIntExact(skip), progress))
                        .setEpochs(s.epochs()).setStepsPerEpoch(stepsPerEpoch).optAccumulation(s.accumulation())
                        .optSeed(s.training().seed()).optClipGradNorm(s.clip())
                        .optRunFolder(run).optProgress(progress).optHeader(model.header())
                        .optDevices(devices, Batch::split)
                        .optLogEvery(s.training().logEvery()).optValidator(validation).build().run();
                return new Result(validation.best, validation.bestEpoch, validation.lastAccuracy,
                        validation.lastAuc, labels.classes(), run.dir(), run.best(),
                        labels.manifest().training().stream().map(Study::id).toList(), r);
            }
        }
    }

    /** Whether each step runs two replaced copies of the batch (as {@link SegmentationStep#isPaired}). */
    private static boolean paired(TemplateReplacement replacement, double consistencyWeight) {
        return replacement != null && consistencyWeight > 0;
    }

    /** Name of the cross-entropy part. */
    public static final String CE = "loss_ce";

    /**
     * Fewest studies the encoder's final BatchNorm should see per forward pass. In training it normalises x4 over the
     * batch, so the pooled features of a batch sum to zero: with two studies they are mirror images, and a pair of
     * one class teaches the head nothing. Measured on lesion-versus-healthy blobs (tiny, 32³, 16 studies, 40 epochs,
     * three data seeds): batch 2 never left chance, batch 4 reached validation balanced accuracy 1.0 by epoch 30.
     */
    public static final int MIN_NORMALISED_BATCH = 4;

    /**
     * The losses of one micro-batch: cross-entropy, and with paired template replacement the consistency term on
     * the encoder features (class labels are host metadata: no device read).
     */
    static Losses step(TaskModel model, Batch batch, NDArray weights, TemplateReplacement replacement,
            double consistencyWeight, StepContext ctx) {
        NDManager m = ctx.manager();
        int b = batch.size();
        boolean paired = paired(replacement, consistencyWeight);
        long[] y = new long[paired ? 2 * b : b];
        for (int i = 0; i < b; i++) {
            Integer c = batch.classLabels().get(i);
            if (c == null) {
                throw new MedvpException("study " + batch.studyIds().get(i) + " has no class");
            }
            y[i] = c;
            if (paired) {
                y[b + i] = c;
            }
        }
        NDArray x = HostArrays.copyOf(m, batch.imageBytes(), new Shape(batch.shape()), DataType.FLOAT32);
        if (replacement != null) {
            x = replacement.inputs(x, model.templates(), TemplateReplacement.placement(batch), paired, ctx.random(),
                    m);
        }
        ParameterStore ps = new ParameterStore(m, false);
        TaskModel.Outputs out = replacement == null ? model.forward(ps, x, true)
                : replacement.forward(model, ps, x, paired);
        NDArray logits = out.main();
        NDArray labels = HostArrays.copyOf(m, y, new Shape(y.length), logits.getDevice());
        NDArray ce = FineTuneLosses.crossEntropy(logits, labels,
                weights == null ? null : weights.toDevice(logits.getDevice(), false));
        NDArray total = ce;
        NDArray cons;
        if (paired) {
            NDArray f = out.features();
            cons = FineTuneLosses.consistency(f.get("0:{}", b), f.get("{}:", b));
            total = ce.add(Scalars.mul(cons, (float) consistencyWeight));
        } else {
            cons = m.zeros(new Shape(), ce.getDataType(), ce.getDevice());
        }
        Map<String, NDArray> parts = new LinkedHashMap<>();
        parts.put(CE, ce);
        parts.put(SegmentationStep.CONS, cons);
        return new Losses(total, parts);
    }

    /**
     * Class probabilities of one prepared sample (eval mode).
     *
     * @param model the model
     * @param sample a sample of {@link Pipelines#classificationEvaluation}
     * @param manager where to run
     * @return softmax probabilities, one per class
     */
    public static double[] probabilities(TaskModel model, Sample sample, NDManager manager) {
        Batch b = Batch.of(0, 0, List.of(sample));
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = HostArrays.copyOf(manager, b.imageBytes(), new Shape(b.shape()), DataType.FLOAT32);
            boolean grad = ai.djl.pytorch.jni.JniUtils.isGradMode();
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            try {
                float[] p = model.forward(new ParameterStore(manager, false), x, false).main().softmax(1)
                        .toFloatArray();
                double[] out = new double[p.length];
                for (int i = 0; i < p.length; i++) {
                    out[i] = p[i];
                }
                return out;
            } finally {
                ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
            }
        }
    }

    /**
     * Accuracy, balanced accuracy and AUC of probabilities.
     *
     * @param truth true class per study
     * @param p probabilities per study
     * @return {accuracy, balanced accuracy, AUC}
     */
    public static double[] metrics(int[] truth, double[][] p) {
        int k = p.length == 0 ? 0 : p[0].length;
        int[] pred = new int[truth.length];
        for (int i = 0; i < truth.length; i++) {
            for (int c = 1; c < k; c++) {
                if (p[i][c] > p[i][pred[i]]) {
                    pred[i] = c;
                }
            }
        }
        double auc;
        if (k == 2) {
            boolean[] pos = new boolean[truth.length];
            double[] score = new double[truth.length];
            for (int i = 0; i < truth.length; i++) {
                pos[i] = truth[i] == 1;
                score[i] = p[i][1];
            }
            auc = Metrics.rocAuc(pos, score);
        } else {
            auc = Metrics.rocAucOneVsRest(truth, p);
        }
        return new double[] {Metrics.accuracy(truth, pred), Metrics.balancedAccuracy(truth, pred, k), auc};
    }

    /** Validation after every N-th epoch; the score is the negative balanced accuracy. */
    private static final class Validation implements TrainLoop.Validator {
        private final TaskModel model;
        private final List<Study> studies;
        private final Compose pipeline;
        private final FineTuneSettings s;
        private final long stepsPerEpoch;
        private final NDManager manager;
        private final MetricsLog log;
        private final RunFolder run;
        private final Progress progress;
        double best = Double.NaN;
        int bestEpoch;
        double lastAccuracy = Double.NaN;
        double lastAuc = Double.NaN;

        Validation(TaskModel model, List<Study> studies, Compose pipeline, FineTuneSettings s, long stepsPerEpoch,
                NDManager manager, MetricsLog log, RunFolder run, Progress progress) {
            this.model = model;
            this.studies = studies;
            this.pipeline = pipeline;
            this.s = s;
            this.stepsPerEpoch = stepsPerEpoch;
            this.manager = manager;
            this.log = log;
            this.run = run;
            this.progress = progress;
        }

        @Override
        public double score(int epoch) {
            int done = epoch + 1;
            if (studies.isEmpty() || (done % s.validateEvery() != 0 && done != s.epochs())) {
                return Double.NaN;
            }
            int[] truth = new int[studies.size()];
            double[][] p = new double[studies.size()][];
            for (int i = 0; i < truth.length; i++) {
                progress.checkCancelled();
                Sample sample = pipeline.apply(Sample.of(studies.get(i)), new SplittableRandom(0));
                truth[i] = studies.get(i).classLabel();
                p[i] = probabilities(model, sample, manager);
            }
            double[] m = metrics(truth, p);
            log.append(done * stepsPerEpoch, done, m[0], m[1], m[2]);
            lastAccuracy = m[0];
            lastAuc = m[2];
            if (!(m[1] <= best)) {
                best = m[1];
                bestEpoch = done;
            }
            progress.log(String.format(Locale.ROOT, "validation after epoch %d: accuracy %.4f, balanced accuracy "
                    + "%.4f, AUC %.4f", done, m[0], m[1], m[2]));
            try {
                CurvesPlot.write(run.dir().resolve(SegmentationFineTuning.VALIDATION_CSV), "epoch",
                        List.of("accuracy", "balanced_accuracy", "auc"), "validation", run.dir().resolve(
                                RunFolder.VALIDATION_PNG));
            } catch (IOException | RuntimeException e) {
                progress.log("could not draw validation.png: " + e.getMessage());
            }
            return Double.isNaN(m[1]) ? Double.NaN : -m[1];
        }
    }
}
