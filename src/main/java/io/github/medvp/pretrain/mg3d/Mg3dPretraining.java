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
import io.github.medvp.train.DataParallel;
import io.github.medvp.train.LrSchedule;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.RunFolder;
import io.github.medvp.train.Settings;
import java.util.ArrayList;
import io.github.medvp.train.StepContext;
import io.github.medvp.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A whole MG-3D pre-training run: a volume-report list ({@link ReportDataset}) → tokenizer (a given
 * {@code vocab.txt}/{@code tokenizer.json}/model folder, else built from the training reports; saved as
 * {@code <run>/vocab.txt} and in every checkpoint header) → {@link Mg3dData} (CT-CLIP's preprocessing as in MG-3D's
 * {@code base_dataset.py} or percentile-scaled MRI, cached in {@code <run>/cache}) → {@link TrainLoop} with {@link
 * Mg3dStep}, Adam with MG-3D's groups ({@link Mg3dOptimizer}), linear warm-up then linear decay → run folder (config,
 * metrics, curves, checkpoints; resumable, cancel saves {@code last}, non-finite guard).
 * <p>
 * Defaults follow the reference ({@link Mg3dSettings}): Swin-B, batch 4, lr 1e-5, heads and fusion ×5, weight decay
 * 1e-8, warm-up 10,000 steps (capped at a tenth of the run for short runs), frozen text encoder when a pretrained one
 * is given ({@code textModel}, e.g. RadBERT's folder), otherwise {@link BertConfig#tiny} trained from scratch. FP32:
 * DJL's PyTorch engine offers no autocast, so the reference's fp16 AMP is not reproduced (see docs/commands.md).
 */
public final class Mg3dPretraining {

    private final Mg3dSettings c;

    /** @param settings the run's settings */
    public Mg3dPretraining(Mg3dSettings settings) {
        this.c = settings;
    }

    /** @return every setting, as written to {@code config.json} */
    public JsonObject config() {
        JsonObject o = new JsonObject();
        o.addProperty("method", "mg3d");
        Settings.json(c).entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
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
        List<Device> devices = c.training().device().replicas();
        ReportDataset dataset = ReportDataset.read(c.training().data());
        List<String> core = new ArrayList<>(List.of("method"));
        core.addAll(Settings.core(c));
        JsonObject config = config();
        DataParallel.record(config, devices, c.batch(), 1);
        try (RunFolder run = RunFolder.open(c.training().output(), config, c.training().resume(), core)) {
            progress.log(DataParallel.describe(devices, c.batch(), 1, "pairs"));
            return train(run, dataset, devices, progress);
        }
    }

    private TrainLoop.Result train(RunFolder run, ReportDataset dataset, List<Device> devices, Progress progress)
            throws IOException {
        Device dev = devices.get(0);
        int global = c.batch() * devices.size();
        WordPieceTokenizer tokenizer = VocabularyBuilder.loadOrBuild(c.vocab() != null ? c.vocab()
                : c.textModel(), dataset.texts(), run.dir().resolve(RunFolder.VOCAB));
        BertConfig text = c.textModel() != null ? BertConfig.read(c.textModel().resolve(HfBert.CONFIG))
                : BertConfig.tiny(tokenizer.size());
        if (text.vocabSize() != tokenizer.size()) {
            throw new MedvpException("the text model " + c.textModel() + " has " + text.vocabSize() + " token ids but "
                    + "the vocabulary " + tokenizer.size() + "; use the model folder's own vocab.txt");
        }
        Mg3dConfig config = new Mg3dConfig(c.preset().key(), text, c.textModel() == null || c.trainText(),
                c.mimFusion(), c.cml(), c.doubleProjection(), c.size(), c.maxLength(), c.preprocessing());
        Transform pipeline = config.pipeline();
        Mg3dData data = new Mg3dData(dataset, new ReportEncoder(tokenizer, c.maxLength()),
                new WholeWordMasking(tokenizer, WholeWordMasking.PROBABILITY), pipeline, run.dir().resolve("cache"))
                .withWorkers(c.training().workers());
        long stepsPerEpoch = data.size() / global;
        if (stepsPerEpoch == 0) {
            throw new MedvpException(data.size() + " pairs in " + c.training().data() + " do not fill one batch of "
                    + global + "; add pairs or lower the batch size");
        }
        long total = stepsPerEpoch * c.epochs();
        long warmup = Math.min(c.warmup(), total / 10);
        try (NDManager manager = NDManager.newBaseManager(dev)) {
            Mg3dModel model = config.model().build();
            StepContext.seedInitialisation(c.training().seed());
            HostInitialisation.initialize(model, manager, DataType.FLOAT32,
                    new Shape(c.batch(), 1, c.size()[0], c.size()[1], c.size()[2]),
                    new Shape(c.batch(), c.maxLength()));
            if (c.textModel() != null && !c.training().resume()) {
                HfBert.loadWeights(HfBert.weightsFile(c.textModel()), model.getText(), null);
            }
            NamedParameters params = model.namedParameters();
            Mg3dStep step = Mg3dStep.builder().setModel(model).optWeights(c.weights())
                    .optContrastTrainsText(c.textModel() == null).build();
            JsonObject header = Mg3dCheckpoint.header(config, tokenizer);
            try (Adam adam = Mg3dOptimizer.create(params, c.weightDecay(), c.headLr())) {
                return TrainLoop.<Mg3dBatch>builder().setParameters(params).setOptimizer(adam)
                        .setSchedule(LrSchedule.warmupLinear(c.lr(), warmup, total)).setStep(step)
                        .setData((epoch, skip) -> data.epoch(epoch, skip, global, c.training().seed(), progress))
                        .optDevices(devices, Mg3dBatch::split)
                        .setEpochs(c.epochs()).setStepsPerEpoch(stepsPerEpoch).optSeed(c.training().seed())
                        .optRunFolder(run)
                        .optProgress(progress).optHeader(header).optLossNames(Mg3dStep.NAMES)
                        .optLogEvery(c.training().logEvery()).build().run();
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
        Path runDir = c.training().output();
        sb.append("\nmetrics: ").append(RunFolder.metricsCsv(runDir))
                .append("\ncurves: ").append(RunFolder.curvesPng(runDir))
                .append("\ncheckpoint: ").append(RunFolder.lastCheckpoint(runDir))
                .append("\nvocabulary: ").append(runDir.resolve(RunFolder.VOCAB)).append('\n');
        return sb.toString();
    }
}
