package io.github.medvp.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.nn.EncoderPreset;
import io.github.medvp.tasks.FineTuneSettings;
import io.github.medvp.tasks.classification.ClassificationFineTuning;
import io.github.medvp.tasks.metrics.PairedDifference;
import io.github.medvp.train.Adam;

/**
 * The demo's MG-3D transfer stage, as the MG-3D paper fine-tunes its Swin for CT classification: the MG-3D
 * pre-trained Swin and a Swin of the same size from scratch (same seed, so the same head and data order) fine-tuned
 * with one budget to tell the generated head CT volumes with a lesion from those without, on the volumes MG-3D
 * pre-trained on (their reports unused here), then both scored on the validation volumes, which neither pre-training
 * nor fine-tuning saw. Both arms read the CT in the HU window MG-3D pre-trained with ({@code hu_window}, recorded in
 * each model), so the pre-trained encoder sees its inputs scaled as in pre-training.
 */
final class CtTransfer {

    /** Rows of the results table. */
    static final String PRETRAINED = "MG-3D pre-trained", SCRATCH = "from scratch";

    /** AdamW's rate for both arms: a Swin fine-tuning rate (the demo's UniFormer rate 1e-3 is too high for it). */
    static final double LR = 1e-4;

    private CtTransfer() {
    }

    /**
     * One arm's outcome.
     *
     * @param tuned the fine-tuning result (run folder, best checkpoint, validation figures)
     * @param heldOut the held-out scores
     */
    record Arm(ClassificationFineTuning.Result tuned, HeldOutClassification.Scores heldOut) {
    }

    /**
     * Fine-tunes and scores both arms.
     *
     * @param s the demo's settings (seed, batch, device, CT fine-tuning epochs and crop)
     * @param task the CT classification manifest ({@link DemoFiles#writeCtClassification})
     * @param mg3dRun the MG-3D pre-training run
     * @param encoder the Swin size MG-3D pre-trained
     * @param window the HU window MG-3D pre-trained with, which fine-tuning and inference then apply
     * @param runs where the two run folders go
     * @param report where the held-out predictions go
     * @return the arms by row ({@link #PRETRAINED}, {@link #SCRATCH})
     * @throws IOException when a file cannot be read or written
     */
    static Map<String, Arm> run(DemoSettings s, Path task, Path mg3dRun, EncoderPreset encoder, double[] window,
            Path runs, Path report, Progress progress) throws IOException {
        StudyManifest manifest = StudyManifest.readJson(task, null, ModalityNames.defaults());
        Map<String, Arm> arms = new LinkedHashMap<>();
        for (String row : List.of(PRETRAINED, SCRATCH)) {
            boolean pretrained = row.equals(PRETRAINED);
            String name = pretrained ? "ct-finetune-mg3d" : "ct-finetune-scratch";
            progress.log("[MG-3D] fine-tuning the Swin " + (pretrained ? "pre-trained by MG-3D" : "from scratch")
                    + " to classify CT lesions (" + manifest.training().size() + " volumes, " + s.ctEpochs()
                    + " epochs)");
            FineTuneSettings ft = FineTuneSettings.builder().data(task).run(runs.resolve(name))
                    .init(pretrained ? mg3dRun : null).encoder(pretrained ? null : encoder)
                    .modalities(List.of(Modality.CT)).huWindow(window).classes(DemoFiles.CT_CLASSES, null, null)
                    .epochs(s.ctEpochs()).batch(s.batch() * 2, 1).optimiser(LR, 1e-2, Adam.Mode.ADAMW)
                    .seed(s.seed()).crop(s.ctCrop()).validation(0.2, s.validateEvery())
                    .templates(false, 0, 1, 0).workers(s.workers()).device(s.device()).logEvery(s.logEvery())
                    .build();
            ClassificationFineTuning.Result r = ClassificationFineTuning.run(ft, progress);
            progress.log(r.summary());
            HeldOutClassification.Scores scores = HeldOutClassification.run(r.best(), manifest.test(), s.device(),
                    report.resolve("ct-heldout-" + (pretrained ? "mg3d" : "scratch")), progress);
            progress.log(String.format(Locale.ROOT, "%s: held-out accuracy / balanced accuracy / AUC %s on "
                    + "%d volumes", row, scores.cells(), scores.cases()));
            arms.put(row, new Arm(r, scores));
        }
        return arms;
    }

    /**
     * The summary's block: both arms' held-out accuracy, balanced accuracy and AUC, and the paired difference of the
     * probability each gave the true class per volume, judged against the t quantile for that many volumes.
     */
    static String block(Map<String, Arm> arms) {
        Arm pre = arms.get(PRETRAINED), scratch = arms.get(SCRATCH);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%nCT lesion classification after MG-3D "
                + "(Swin fine-tuned on %d volumes, held-out %d volumes; accuracy / balanced accuracy / AUC):%n",
                pre.tuned().trainingCases().size(), pre.heldOut().cases()));
        for (Map.Entry<String, Arm> e : arms.entrySet()) {
            sb.append(String.format(Locale.ROOT, "  %-18s %s  (validation: best balanced accuracy %.3f at epoch %d)"
                    + "%n", e.getKey(), e.getValue().heldOut().cells(), e.getValue().tuned().bestBalancedAccuracy(),
                    e.getValue().tuned().bestEpoch()));
        }
        PairedDifference d = PairedDifference.of(pre.heldOut().trueClass(), scratch.heldOut().trueClass());
        int verdict = d.cases() > 1 ? d.verdict(PairedDifference.t95(d.cases() - 1)) : 0;
        sb.append("  probability of the true class, MG-3D pre-trained minus from scratch: ").append(d).append(": ")
                .append(verdict > 0 ? "pre-training ahead" : verdict < 0 ? "pre-training behind"
                        : "no clear difference").append('\n');
        return sb.toString();
    }
}
