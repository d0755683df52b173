package io.github.medvp.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.data.manifest.Split;
import io.github.medvp.pretrain.brainmvp.BrainMvpPretraining;
import io.github.medvp.pretrain.brainmvp.BrainMvpSettings;
import io.github.medvp.pretrain.mg3d.CmlMode;
import io.github.medvp.pretrain.mg3d.MimFusion;
import io.github.medvp.pretrain.mg3d.Mg3dPretraining;
import io.github.medvp.pretrain.mg3d.Mg3dStep;
import io.github.medvp.pretrain.mg3d.Mg3dSettings;
import io.github.medvp.nn.EncoderPreset;
import io.github.medvp.nn.swin.SwinPreset;
import io.github.medvp.tasks.FineTuneSettings;
import io.github.medvp.nn.UniFormerPreset;
import io.github.medvp.train.Adam;
import io.github.medvp.tasks.metrics.MetricsReport;
import io.github.medvp.tasks.inference.ModalityFill;
import io.github.medvp.data.Pipelines;
import io.github.medvp.tasks.mg3d.Retrieval;
import io.github.medvp.tasks.segmentation.SegmentationFineTuning;
import io.github.medvp.train.RunFolder;
import io.github.medvp.train.TrainLoop;

/**
 * The one-command demo: generated data → BrainMVP pre-training → templates → segmentation fine-tuning from the
 * pre-trained encoder and from scratch (from the weights pre-training started from, so the arms differ by the
 * pre-training alone) on the same fraction of labelled studies with the same budget → both models
 * segment the held-out test studies (and the pre-trained one again with a modality removed and filled from the
 * templates) → a Dice table and a report folder; with MG-3D, pre-training on generated head CT with reports and
 * report→volume retrieval (Recall@K) on the validation pairs. Every number printed is measured in this run; the
 * verdict is a paired difference over the held-out studies with its standard error ({@code PairedDifference}).
 * <p>
 * Output folder: {@code data/} (the generated studies), {@code runs/} (the pre-training and both fine-tuning run
 * folders with metrics, curves and checkpoints) and {@code report/}: {@code summary.txt}, {@code results.csv},
 * {@code heldout-*} (predicted NIfTI label maps and per-case metrics), {@code templates/} and
 * {@code templates.png}, {@code pretraining.png}, {@code finetune-*.png}, {@code segmentation.png}.
 */
public final class Demo {

    /**
     * MG-3D's learning rate in the demo. The reference's 1e-5 teaches nothing in a demo's few hundred steps; the
     * BrainMVP rate 1e-3 made the text objectives (MLM and SFR, whose gradients reach the volume tokens through the
     * fusion gates) push every volume's tokens along one shared direction within a few steps, after which the
     * contrastive losses sit at ln B (docs/deviations-mg3d.md, "Why the demo's alignment did not learn"). On the tiny
     * demo's 120 pairs at 32³, 300 steps: from 2e-4 CML sat at ln 4 through step 105; from 1e-4 it left ln 4 only
     * once the decaying rate fell below about 3e-5 (step 220; 1.10 at the end); from 5e-5 it leaves near step 100
     * and ends at 0.82.
     */
    static final double MG3D_LR = 5e-5;

    /**
     * MG-3D's HU window in the demo: the brain window (level 40, width 80 HU) head CT is read in. MG-3D's
     * [−1000, 1000] (CT-RATE's chest CT, lung to bone) leaves the generated lesions at most 2.5 % of the input range
     * from the parenchyma, which the demo's few steps did not learn (docs/demo.md, "MG-3D").
     */
    static final double[] MG3D_WINDOW = {0, 80};

    /**
     * The demo's CT cohort: one head, scanned the same way each time, with a tumour in half of the volumes, drawn
     * 1.4 times the MRI tumours' size. Drawn heads and acquisitions let the stage's tiny Swin tell its 120 training
     * volumes apart by head size and pose, and it did: it fitted its training pairs and ranked held-out ones at
     * chance; with one head a volume differs from the others only in what its report describes (docs/demo.md,
     * "MG-3D").
     */
    static final CtCohort CT_COHORT = new CtCohort(0.5, 1.4, 0, true);

    /** Rows of the results table. */
    static final String PRETRAINED = "pre-trained", SCRATCH = "from scratch";

    private final DemoSettings s;

    private Demo(DemoSettings s) {
        this.s = s;
    }

    /** @param settings the demo's settings @return the demo */
    public static Demo of(DemoSettings settings) {
        return new Demo(settings);
    }

    /**
     * One fine-tuning comparison: both arms fine-tuned with one seed (which draws the labelled subset, the decoder's
     * initialisation and the data order) and their held-out evaluations.
     *
     * @param seed the fine-tuning seed
     * @param tuned the two fine-tuning results by row ({@link #PRETRAINED}, {@link #SCRATCH})
     * @param heldOut the held-out evaluations by row (the two arms and the missing-modality row)
     */
    record Repeat(long seed, Map<String, SegmentationFineTuning.Result> tuned, Map<String, MetricsReport> heldOut) {
    }

    /**
     * What the demo measured.
     *
     * @param table the printed summary
     * @param report the report folder
     * @param dice mean held-out Dice over regions per row ({@link #PRETRAINED}, {@link #SCRATCH}, missing modality),
     *     averaged over the repeats
     * @param seconds wall time per stage
     */
    public record Result(String table, Path report, Map<String, Double> dice, Map<String, Double> seconds) {
    }

    /**
     * Runs every stage.
     *
     * @throws IOException when a file cannot be written or read
     * @throws MedvpException on bad settings or a failing stage
     * @throws Progress.CancelledException when cancelled
     */
    public Result run(Progress progress) throws IOException {
        Path out = s.output();
        Path report = out.resolve("report");
        Files.createDirectories(report);
        Map<String, Double> seconds = new LinkedHashMap<>();
        long t = System.nanoTime();

        progress.log("[1/5] generating " + (s.studies() + s.testStudies()) + " studies (" + s.testStudies()
                + " held out for testing) into " + out.resolve("data"));
        PhantomGenerator.Result data = PhantomGenerator.builder().optStudies(s.studies() + s.testStudies())
                .optSplit(s.validationShare(), s.testShare()).optSize(s.fov()[0], s.fov()[1], s.fov()[2])
                .optSeed(s.seed())
                .optCt(s.mg3d() ? s.ctStudies() : 0).optCtLabelled(s.ctLabelled())
                .optCtCohort(CT_COHORT)
                .optSkullStripped(s.skullStripped()).optMimics(s.mimics())
                .build()
                .generate(out.resolve("data"), progress);
        t = lap(seconds, "generate data", t);
        StudyManifest manifest = StudyManifest.readJson(data.manifest(), null, ModalityNames.defaults());

        progress.log("[2/5] BrainMVP pre-training (" + s.preset().key() + ", " + s.pretrainEpochs() + " epochs on "
                + manifest.pretraining().size() + " studies)");
        Path pretrainRun = s.pretrainedRun() != null ? s.pretrainedRun() : out.resolve("runs").resolve("pretrain");
        if (s.pretrainedRun() != null) {
            progress.log("reusing the pre-training run " + pretrainRun);
        } else {
            BrainMvpSettings settings = BrainMvpSettings.builder().data(data.manifest()).run(pretrainRun)
                    .preset(s.preset())
                    .epochs(s.pretrainEpochs()).batch(s.batch(), 1).optimiser(s.pretrainLr(), 1e-5).seed(s.seed())
                    .geometry(s.crop(), s.grid()).phases(s.pretrainEpochs() / 5, 2 * s.pretrainEpochs() / 3)
                    .workers(s.workers()).device(s.device()).logEvery(s.logEvery()).build();
            BrainMvpPretraining pretraining = new BrainMvpPretraining(settings, manifest.pretraining())
                    .withInitialCheckpoint();
            TrainLoop.Result pre = pretraining.run(progress);
            progress.log(pretraining.summary(pre));
        }
        t = lap(seconds, "pre-train", t);
        Path pretrained = RunFolder.lastCheckpoint(pretrainRun);
        // The baseline starts from the weights pre-training started from, so the two arms differ by the pre-training
        // alone; an earlier run without that file falls back to a fresh initialisation.
        Path initial = RunFolder.checkpointsDir(pretrainRun).resolve(BrainMvpPretraining.INITIAL);
        Path scratchInit = Files.isRegularFile(initial) ? initial : null;

        progress.log("[3/5] templates");
        DemoReport.templates(pretrainRun.resolve(BrainMvpPretraining.TEMPLATES), report);
        DemoReport.copy(RunFolder.curvesPng(pretrainRun), report.resolve("pretraining.png"));
        t = lap(seconds, "export templates", t);

        List<Repeat> repeats = new ArrayList<>();
        for (int i = 0; i < s.repeats(); i++) {
            long seed = s.seed() + i;
            String suffix = i == 0 ? "" : "-seed" + seed;
            String of = s.repeats() > 1 ? " (repeat " + (i + 1) + " of " + s.repeats() + ", seed " + seed + ")" : "";
            Map<String, SegmentationFineTuning.Result> tuned = new LinkedHashMap<>();
            for (String row : List.of(PRETRAINED, SCRATCH)) {
                boolean init = row.equals(PRETRAINED);
                String name = (init ? "finetune-pretrained" : "finetune-scratch") + suffix;
                progress.log("[4/5] fine-tuning " + row + " on " + Math.round(100 * s.fraction())
                        + "% of the training studies, " + s.finetuneEpochs() + " epochs" + of);
                Path run = out.resolve("runs").resolve(name);
                FineTuneSettings ft = FineTuneSettings.builder().data(data.manifest()).run(run)
                        .preset(s.preset())
                        .init(init ? pretrained : scratchInit).epochs(s.finetuneEpochs()).batch(s.batch(), 1)
                        .optimiser(s.finetuneLr(), 1e-4, Adam.Mode.ADAM).seed(seed).crop(s.crop()).fraction(s.fraction())
                        .validation(0.2, s.validateEvery()).workers(s.workers()).device(s.device()).logEvery(s.logEvery())
                        .templates(init, s.replaceProbability(), 1, 0.1).clip(1.0)
                        .encoder(init ? s.encoderLr() : 1, s.freezeEncoder(), s.firstConv())
                        .labelCentred(s.labelCentred()).build();
                SegmentationFineTuning.Result r = SegmentationFineTuning.run(ft, progress);
                progress.log(r.summary());
                tuned.put(row, r);
                DemoReport.copy(run.resolve(RunFolder.VALIDATION_PNG), report.resolve(name + ".png"));
                t = lap(seconds, "fine-tune " + row, t);
            }

            progress.log("[5/5] segmenting " + manifest.test().size() + " held-out studies" + of);
            Map<String, MetricsReport> heldOut = new LinkedHashMap<>();
            heldOut.put(PRETRAINED, HeldOutSegmentation.run(tuned.get(PRETRAINED).best(), manifest.test(), null,
                    null, s.device(), report.resolve("heldout-pretrained" + suffix), progress));
            heldOut.put(SCRATCH, HeldOutSegmentation.run(tuned.get(SCRATCH).best(), manifest.test(), null, null,
                    s.device(), report.resolve("heldout-scratch" + suffix), progress));
            // Only the pre-trained model carries BrainMVP templates; both carry their training means.
            for (String model : List.of(PRETRAINED, SCRATCH)) {
                for (ModalityFill fill : ModalityFill.values()) {
                    if (model.equals(SCRATCH) && fill == ModalityFill.TEMPLATES) {
                        continue;
                    }
                    heldOut.put(missingRow(model, s.missing(), fill), HeldOutSegmentation.run(tuned.get(model).best(),
                            manifest.test(), s.missing(), fill, s.device(), report.resolve("heldout-" + (model.equals(
                                    PRETRAINED) ? "pretrained" : "scratch") + "-without-" + s.missing().token() + "-"
                                    + fill.token() + suffix), progress));
                }
            }
            t = lap(seconds, "segment held-out", t);
            repeats.add(new Repeat(seed, tuned, heldOut));
        }
        DemoReport.segmentationImage(manifest.test().get(0), List.of(
                report.resolve("heldout-pretrained"), report.resolve("heldout-scratch")), List.of(PRETRAINED,
                        SCRATCH), report.resolve("segmentation.png"));

        Retrieval.Result retrieval = null;
        Retrieval.Result trainingRetrieval = null;
        String mg3dLosses = null;
        Map<String, CtTransfer.Arm> transfer = null;
        if (s.mg3d()) {
            progress.log("[6/6] MG-3D pre-training on " + data.ct().stream().filter(g -> g.split() == Split.TRAINING)
                    .count() + " CT volume-report pairs, retrieval on the validation pairs");
            Path mgRun = out.resolve("runs").resolve("mg3d");
            SwinPreset swin = s.preset() == UniFormerPreset.TINY ? SwinPreset.TINY : SwinPreset.B;
            double[] window = MG3D_WINDOW.clone();
            Mg3dPretraining mg = new Mg3dPretraining(Mg3dSettings.builder().data(data.ctFolder()
                    .resolve(PhantomGenerator.TRAIN_REPORTS)).run(mgRun)
                    .preset(swin)
                    .epochs(s.mg3dEpochs())
                    .batch(s.batch() * 2).optimiser(MG3D_LR, 5, 1e-8, 10).seed(s.seed())
                    .volumes(Mg3dSettings.VolumeModality.CT, s.mg3dSize(), Pipelines.mg3dCtSpacing(),
                            window)
                    .variant(MimFusion.CODE, CmlMode.VOLUME_REPORT, false)
                    .device(s.device()).logEvery(s.logEvery()).build());
            progress.log(mg.summary(mg.run(progress)));
            mg3dLosses = DemoReport.firstAndLast(RunFolder.metricsCsv(mgRun), Mg3dStep.NAMES);
            retrieval = Retrieval.run(RunFolder.lastCheckpoint(mgRun),
                    data.ctFolder().resolve(PhantomGenerator.VALIDATION_REPORTS), report.resolve("retrieval"),
                    s.device(), s.batch(), progress);
            // The same on the pairs it trained on: whether the alignment fits its own pairs, next to whether it
            // generalises.
            trainingRetrieval = Retrieval.run(RunFolder.lastCheckpoint(mgRun),
                    data.ctFolder().resolve(PhantomGenerator.TRAIN_REPORTS), report.resolve("retrieval-training"),
                    s.device(), s.batch(), progress);
            DemoReport.copy(RunFolder.curvesPng(mgRun), report.resolve("mg3d-pretraining.png"));
            t = lap(seconds, "MG-3D", t);
            transfer = CtTransfer.run(s, data.ctFolder().resolve(PhantomGenerator.CT_CLASSIFICATION), mgRun,
                    swin == SwinPreset.TINY ? EncoderPreset.SWIN_TINY : EncoderPreset.SWIN_B, window,
                    out.resolve("runs"), report, progress);
            t = lap(seconds, "MG-3D transfer", t);
        }

        String table = DemoReport.write(s, manifest, repeats, retrieval, trainingRetrieval, mg3dLosses,
                transfer, seconds, report);
        return new Result(table, report, DemoReport.meanDice(repeats), seconds);
    }

    private static long lap(Map<String, Double> seconds, String stage, long since) {
        long now = System.nanoTime();
        seconds.merge(stage, (now - since) / 1e9, Double::sum);
        return now;
    }

    /** The held-out row of {@code model} with {@code missing} removed and filled with {@code fill}. */
    static String missingRow(String model, Modality missing, ModalityFill fill) {
        return model + ", " + missing.token() + " " + fill.token();
    }

    /** The modalities the demo's studies have. */
    static List<Modality> modalities() {
        return new ArrayList<>(List.of(Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2, Modality.PD));
    }
}
