package io.github.medvp.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.medvp.data.Modality;
import io.github.medvp.data.Study;
import io.github.medvp.data.StudyManifest;
import io.github.medvp.io.AtomicFiles;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Orientation;
import io.github.medvp.io.Volume;
import io.github.medvp.pretrain.brainmvp.TemplateNifti;
import io.github.medvp.tasks.MetricsReport;
import io.github.medvp.tasks.PairedDifference;
import io.github.medvp.tasks.Retrieval;
import io.github.medvp.tasks.SegmentationFineTuning;

/** The demo's report folder: summary table, results CSV, template and segmentation images. */
final class DemoReport {

    private DemoReport() {
    }

    /** Copies the exported templates into {@code report/templates} and draws their middle slices. */
    static void templates(Path exported, Path report) throws IOException {
        Path dir = report.resolve("templates");
        Files.createDirectories(dir);
        List<SliceImages.Panel> panels = new ArrayList<>();
        for (Modality m : Demo.modalities()) {
            Path f = exported.resolve(TemplateNifti.fileName(m));
            if (!Files.exists(f)) {
                continue;
            }
            copy(f, dir.resolve(f.getFileName()));
            Volume v = Orientation.toRasCopy(NiftiReader.read(f));
            panels.add(new SliceImages.Panel(m.token() + " template", floats(v), dims(v), null));
        }
        if (!panels.isEmpty()) {
            SliceImages.write(panels, -1, 3, report.resolve("templates.png"));
        }
    }

    /** Copies a file when it exists (curves are only drawn when a run logged something). */
    static void copy(Path from, Path to) throws IOException {
        if (Files.exists(from)) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * FLAIR, T1c, the ground truth and each model's prediction of one study, at the axial slice with the most
     * tumour, all in RAS.
     */
    static void segmentationImage(Study study, List<Path> heldOut, List<String> names, Path png)
            throws IOException {
        Volume t1c = ras(study.images().get(Modality.T1C).path());
        Volume flair = ras(study.images().get(Modality.FLAIR).path());
        float[] truth = floats(ras(study.label()));
        int[] d = dims(t1c);
        List<SliceImages.Panel> panels = new ArrayList<>();
        float[] t1cValues = floats(t1c);
        panels.add(new SliceImages.Panel("flair", floats(flair), d, null));
        panels.add(new SliceImages.Panel("t1c", t1cValues, d, null));
        panels.add(new SliceImages.Panel("truth", t1cValues, d, truth));
        for (int i = 0; i < heldOut.size(); i++) {
            float[] pred = floats(ras(heldOut.get(i).resolve("predictions").resolve(study.id() + "_seg.nii.gz")));
            panels.add(new SliceImages.Panel(names.get(i), t1cValues, d, pred));
        }
        int best = d[2] / 2, most = -1;
        for (int z = 0; z < d[2]; z++) {
            int n = 0;
            for (int i = z * d[0] * d[1]; i < (z + 1) * d[0] * d[1]; i++) {
                n += truth[i] > 0 ? 1 : 0;
            }
            if (n > most) {
                most = n;
                best = z;
            }
        }
        SliceImages.write(panels, best, 4, png);
    }

    /** Writes {@code summary.txt} and {@code results.csv}; returns the summary. */
    static String write(DemoSettings s, StudyManifest manifest, Map<String, SegmentationFineTuning.Result> tuned,
            Map<String, MetricsReport> heldOut, Retrieval.Result retrieval, Map<String, Double> seconds, Path report)
            throws IOException {
        MetricsReport first = heldOut.values().iterator().next();
        List<String> regions = first.regions();
        StringBuilder sb = new StringBuilder();
        int used = tuned.values().iterator().next().trainingCases().size();
        sb.append(String.format(Locale.ROOT, "MedVP demo: BrainMVP pre-training vs training from scratch (preset %s, "
                + "device %s, seed %d)%n", s.preset, s.device, s.seed));
        sb.append(String.format(Locale.ROOT, "data: %d generated studies (%d training, %d validation, %d held-out "
                + "test); fine-tuning on %d of the %d training studies (fraction %.2f), %d epochs per model%n%n",
                manifest.all().size(), manifest.training().size(), manifest.validation().size(),
                manifest.test().size(), used, manifest.training().size(), s.fraction, s.finetuneEpochs));
        sb.append(String.format(Locale.ROOT, "Held-out Dice (mean over %d test studies)%n", first.cases().size()));
        int w = 8;
        for (String k : heldOut.keySet()) {
            w = Math.max(w, k.length());
        }
        sb.append(String.format(Locale.ROOT, "%-" + w + "s", "model"));
        for (String r : regions) {
            sb.append(String.format(Locale.ROOT, "  %6s", r));
        }
        sb.append(String.format(Locale.ROOT, "  %6s%n", "mean"));
        StringBuilder csv = new StringBuilder("model,region,cases,dice_mean,dice_std\n");
        for (Map.Entry<String, MetricsReport> e : heldOut.entrySet()) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s", e.getKey()));
            for (String r : regions) {
                MetricsReport.Stats st = e.getValue().stats(MetricsReport.DICE, r);
                sb.append(String.format(Locale.ROOT, "  %6.3f", st.nanMean()));
                csv.append(String.format(Locale.ROOT, "%s,%s,%d,%.6f,%.6f%n", MetricsReport.cell(e.getKey()), r,
                        st.cases(), st.nanMean(), st.std()));
            }
            MetricsReport.Stats all = e.getValue().overall(MetricsReport.DICE);
            sb.append(String.format(Locale.ROOT, "  %6.3f%n", all.nanMean()));
            csv.append(String.format(Locale.ROOT, "%s,mean,%d,%.6f,%n", MetricsReport.cell(e.getKey()), all.cases(),
                    all.nanMean()));
        }
        PairedDifference gain = gain(heldOut);
        sb.append(String.format(Locale.ROOT, "%npre-trained minus scratch, per held-out study: %s%n=> %s%n", gain,
                switch (gain.verdict()) {
                    case 1 -> "the pre-trained encoder is ahead (by more than " + PairedDifference.MARGIN
                            + " standard errors)";
                    case -1 -> "the pre-trained encoder is BEHIND on this run";
                    default -> "no clear difference on this run (within " + PairedDifference.MARGIN
                            + " standard errors)";
                }));
        for (Map.Entry<String, SegmentationFineTuning.Result> e : tuned.entrySet()) {
            sb.append(String.format(Locale.ROOT, "validation: %s best mean Dice %.3f at epoch %d%n", e.getKey(),
                    e.getValue().bestDice(), e.getValue().bestEpoch()));
        }
        if (retrieval != null) {
            sb.append(String.format(Locale.ROOT, "%nMG-3D retrieval on %d held-out CT volume-report pairs (chance "
                    + "R@1 = %.3f):%n", retrieval.reportToVolume().ranks().length,
                    1.0 / retrieval.reportToVolume().ranks().length)).append(Retrieval.summary(retrieval));
        }
        double total = 0;
        sb.append("time:");
        for (Map.Entry<String, Double> e : seconds.entrySet()) {
            sb.append(String.format(Locale.ROOT, " %s %.0f s,", e.getKey(), e.getValue()));
            total += e.getValue();
        }
        sb.setLength(sb.length() - 1);
        sb.append(String.format(Locale.ROOT, "; total %.1f min%n", total / 60));
        sb.append("report: ").append(report.toAbsolutePath()).append('\n');
        AtomicFiles.write(report.resolve("summary.txt"), sb.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(report.resolve("results.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        return sb.toString();
    }

    /** Pre-trained minus scratch, paired by held-out study (per-study mean Dice over the regions). */
    static PairedDifference gain(Map<String, MetricsReport> heldOut) {
        MetricsReport pre = heldOut.get(Demo.PRETRAINED), scratch = heldOut.get(Demo.SCRATCH);
        return PairedDifference.of(PairedDifference.perCase(pre, pre.cases(), MetricsReport.DICE),
                PairedDifference.perCase(scratch, pre.cases(), MetricsReport.DICE));
    }

    private static Volume ras(Path file) throws IOException {
        return Orientation.toRasCopy(NiftiReader.read(file));
    }

    private static float[] floats(Volume v) {
        return v.toFloatImg().update(null).getCurrentStorageArray();
    }

    private static int[] dims(Volume v) {
        long[] d = v.dimensions();
        return new int[] { (int) d[0], (int) d[1], (int) d[2] };
    }
}
