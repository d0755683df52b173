package io.github.medvp.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.io.AtomicFiles;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Orientation;
import io.github.medvp.io.Volume;
import io.github.medvp.pretrain.brainmvp.TemplateNifti;
import io.github.medvp.tasks.metrics.MetricsReport;
import io.github.medvp.tasks.inference.ModalityFill;
import io.github.medvp.tasks.metrics.PairedDifference;
import io.github.medvp.tasks.mg3d.Retrieval;
import io.github.medvp.tasks.segmentation.SegmentationFineTuning;

/** The demo's report folder: summary table, results CSV, template and segmentation images. */
final class DemoReport {

    /**
     * Printed under a single comparison's verdict: the standard error is over the held-out studies, while the noise of
     * the fine-tuning run moves every study together and so escapes it.
     */
    static final String SINGLE_SEED_CAVEAT = "note: one fine-tuning seed; the standard error covers the held-out "
            + "studies, not this run's own noise from its labelled subset and float rounding (repeats=3 averages it)";

    /**
     * Below this held-out mean Dice in both arms the comparison is void. On the tiny demo the runs whose models learnt
     * the task scored 0.42 or more; the failed ones (a labelled subset of tiny tumours, scalp fat taken for enhancing
     * tumour, 120 epochs at learning rate 3e-4) 0.05 to 0.11, where a small but consistent difference (+0.005 ±
     * 0.001) still read as "ahead".
     */
    static final double LEARNT_TASK = 0.2;

    /** The verdict when neither model learnt the task. */
    static final String NEITHER_LEARNT = String.format(Locale.ROOT, "neither model learnt the task (held-out mean "
            + "Dice below %.1f in both), so the difference says nothing about pre-training; fine-tune longer "
            + "(finetune_epochs) or on more labelled studies (fraction, studies)", LEARNT_TASK);

    private DemoReport() {
    }

    /**
     * The summary's verdict line on the paired difference over the held-out studies, the difference per repeat (null
     * for one) and both arms' held-out mean Dice. With repeats, a difference is clear only when it is clear over the
     * studies and also over the repeats by Student's t: the studies' standard error misses the noise of a fine-tuning
     * run (its labelled subset, its initial weights), which moves every study of that run together. Measured on the
     * tiny demo: three seeds' differences +0.060, +0.003 and +0.089 against a standard error over studies of 0.011
     * (docs/demo.md).
     */
    static String verdict(PairedDifference gain, PairedDifference perRepeat, double pretrained, double scratch) {
        return verdict(gain, perRepeat, pretrained, scratch, "the pre-trained encoder is", "");
    }

    /**
     * {@link #verdict(PairedDifference, PairedDifference, double, double)} for any two rows: "{@code subject} ahead
     * {@code than}", e.g. "the templates are ahead of the mean".
     */
    static String verdict(PairedDifference gain, PairedDifference perRepeat, double a, double b, String subject,
            String than) {
        if (a < LEARNT_TASK && b < LEARNT_TASK) {
            return NEITHER_LEARNT;
        }
        int v = gain.verdict();
        if (v != 0 && perRepeat != null && perRepeat.verdict(PairedDifference.t95(perRepeat.cases() - 1)) != v) {
            return String.format(Locale.ROOT, "no clear difference: %s over the held-out studies, but not "
                    + "consistently over the %d fine-tuning seeds (within %.2f of their standard errors)",
                    v > 0 ? "ahead" : "behind", perRepeat.cases(), PairedDifference.t95(perRepeat.cases() - 1));
        }
        String margin = perRepeat == null ? PairedDifference.MARGIN + " standard errors"
                : String.format(Locale.ROOT, "%s standard errors over the studies and %.2f over the seeds",
                        PairedDifference.MARGIN, PairedDifference.t95(perRepeat.cases() - 1));
        return switch (v) {
            case 1 -> subject + " ahead" + than + " (by more than " + margin + ")";
            case -1 -> subject + " BEHIND" + than + " on this run (by more than " + margin + ")";
            default -> "no clear difference on this run (within " + PairedDifference.MARGIN + " standard errors)";
        };
    }

    static void templates(Path exported, Path report) throws IOException {
        Path dir = report.resolve("templates");
        Files.createDirectories(dir);
        for (Modality m : Demo.modalities()) {
            copy(exported.resolve(TemplateNifti.fileName(m)), dir.resolve(TemplateNifti.fileName(m)));
        }
        SliceImages.templates(dir, report.resolve("templates.png"));
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

    /**
     * Writes {@code summary.txt} and {@code results.csv}; returns the summary. With several repeats the table shows
     * each row's Dice averaged over them and the paired difference is taken on each held-out study's difference
     * averaged over them; the CSV has one row per repeat (and, with several, their mean).
     */
    /**
     * @param metricsCsv a run's {@code metrics.csv}
     * @param names the loss columns
     * @return " name first -> last" for each column, or null when the file has no logged step
     * @throws IOException when the file cannot be read
     */
    static String firstAndLast(Path metricsCsv, String... names) throws IOException {
        List<String> lines = java.nio.file.Files.readAllLines(metricsCsv);
        if (lines.size() < 2) {
            return null;
        }
        List<String> header = List.of(lines.get(0).split(","));
        String[] first = lines.get(1).split(",");
        String[] last = lines.get(lines.size() - 1).split(",");
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            int c = header.indexOf(n);
            if (c >= 0) {
                sb.append(' ').append(n.replace("loss_", "")).append(' ').append(first[c]).append(" -> ")
                        .append(last[c]);
            }
        }
        return sb.toString();
    }

    static String write(DemoSettings s, StudyManifest manifest, List<Demo.Repeat> repeats, Retrieval.Result retrieval,
            Retrieval.Result trainingRetrieval, String mg3dLosses, Map<String, CtTransfer.Arm> transfer,
            Map<String, Double> seconds, Path report) throws IOException {
        Demo.Repeat first = repeats.get(0);
        List<String> regions = first.heldOut().values().iterator().next().regions();
        StringBuilder sb = new StringBuilder();
        int used = first.tuned().values().iterator().next().trainingCases().size();
        sb.append(String.format(Locale.ROOT, "MedVP demo: BrainMVP pre-training vs training from scratch (preset %s, "
                + "device %s, seed %d)%n", s.preset().key(), s.device(), s.seed()));
        sb.append(String.format(Locale.ROOT, "data: %d generated studies%s (%d training, %d validation, %d held-out "
                + "test); fine-tuning on %d of the %d training studies (fraction %.2f), %d epochs per model%s%n",
                manifest.all().size(), s.mimics() ? " with tumour mimics" : "", manifest.training().size(),
                manifest.validation().size(), manifest.test().size(), used, manifest.training().size(), s.fraction(),
                s.finetuneEpochs(), s.freezeEncoder() ? ", encoder frozen (only the decoder trains)" : ""));
        if (repeats.size() > 1) {
            sb.append(String.format(Locale.ROOT, "repeats: %d fine-tuning comparisons, seeds %d-%d (each draws its "
                    + "labelled studies, decoder initialisation and data order); figures averaged over them%n",
                    repeats.size(), first.seed(), repeats.get(repeats.size() - 1).seed()));
        }
        sb.append(String.format(Locale.ROOT, "%nHeld-out Dice (mean over %d test studies)%n",
                manifest.test().size()));
        int w = 8;
        for (String k : first.heldOut().keySet()) {
            w = Math.max(w, k.length());
        }
        sb.append(String.format(Locale.ROOT, "%-" + w + "s", "model"));
        for (String r : regions) {
            sb.append(String.format(Locale.ROOT, "  %6s", r));
        }
        sb.append(String.format(Locale.ROOT, "  %6s%n", "mean"));
        StringBuilder csv = new StringBuilder("model,seed,region,cases,dice_mean,dice_std\n");
        for (String row : first.heldOut().keySet()) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s", row));
            List<String> columns = new ArrayList<>(regions);
            columns.add("mean");
            for (String r : columns) {
                double[] means = new double[repeats.size()];
                for (int i = 0; i < means.length; i++) {
                    MetricsReport m = repeats.get(i).heldOut().get(row);
                    MetricsReport.Stats st = r.equals("mean") ? m.overall(MetricsReport.DICE)
                            : m.stats(MetricsReport.DICE, r);
                    means[i] = st.nanMean();
                    csv.append(String.format(Locale.ROOT, "%s,%d,%s,%d,%.6f,%s%n", MetricsReport.cell(row),
                            repeats.get(i).seed(), r, st.cases(), st.nanMean(), r.equals("mean") ? ""
                                    : String.format(Locale.ROOT, "%.6f", st.std())));
                }
                double mean = java.util.Arrays.stream(means).average().orElse(Double.NaN);
                if (repeats.size() > 1) {
                    double var = java.util.Arrays.stream(means).map(x -> (x - mean) * (x - mean)).sum()
                            / (means.length - 1);
                    csv.append(String.format(Locale.ROOT, "%s,mean,%s,%d,%.6f,%.6f%n", MetricsReport.cell(row), r,
                            manifest.test().size(), mean, Math.sqrt(var)));
                }
                sb.append(String.format(Locale.ROOT, "  %6.3f", mean));
            }
            sb.append(String.format(Locale.ROOT, "%n"));
        }
        PairedDifference gain = gain(repeats);
        List<PairedDifference> differences = repeats.stream().map(DemoReport::difference).toList();
        PairedDifference perRepeat = repeats.size() > 1 ? perRepeat(differences) : null;
        Map<String, Double> dice = meanDice(repeats);
        sb.append(String.format(Locale.ROOT, "%npre-trained minus scratch, per held-out study%s: %s%n",
                repeats.size() > 1 ? " (averaged over the repeats)" : "", gain));
        if (perRepeat != null) {
            sb.append("per fine-tuning seed:");
            for (int i = 0; i < repeats.size(); i++) {
                sb.append(String.format(Locale.ROOT, " %+.3f (seed %d)", differences.get(i).mean(),
                        repeats.get(i).seed()));
            }
            sb.append(String.format(Locale.ROOT, "; %+.3f ± %.3f (standard error over %d seeds; ahead on %d, behind "
                    + "on %d)%n", perRepeat.mean(), perRepeat.standardError(), perRepeat.cases(),
                    perRepeat.aBetter(), perRepeat.bBetter()));
        }
        sb.append(String.format(Locale.ROOT, "=> %s%n",
                verdict(gain, perRepeat, dice.get(Demo.PRETRAINED), dice.get(Demo.SCRATCH))));
        if (repeats.size() == 1) {
            // Measured: float rounding alone moved a tiny demo's difference from +0.007 to +0.019 (docs/demo.md).
            sb.append(String.format(Locale.ROOT, "   %s%n", SINGLE_SEED_CAVEAT));
        }
        sb.append(missingBlock(s.missing(), repeats, dice));
        for (Demo.Repeat rep : repeats) {
            for (Map.Entry<String, SegmentationFineTuning.Result> e : rep.tuned().entrySet()) {
                sb.append(String.format(Locale.ROOT, "validation: %s%s best mean Dice %.3f at epoch %d%n",
                        e.getKey(), repeats.size() > 1 ? " (seed " + rep.seed() + ")" : "", e.getValue().bestDice(),
                        e.getValue().bestEpoch()));
            }
        }
        if (retrieval != null) {
            // Against chance, with the mean rank's significance: 8-16 pairs make any single recall noisy.
            sb.append(String.format(Locale.ROOT, "%nMG-3D retrieval on %d held-out CT volume-report pairs:%n",
                    retrieval.reportToVolume().ranks().length)).append(Retrieval.againstChance(retrieval))
                    .append(Retrieval.summary(retrieval));
            if (trainingRetrieval != null) {
                sb.append(String.format(Locale.ROOT, "the same on its %d training pairs (does it fit its own?):%n",
                        trainingRetrieval.reportToVolume().ranks().length))
                        .append(Retrieval.againstChance(trainingRetrieval));
            }
            if (mg3dLosses != null) {
                sb.append("MG-3D losses, first -> last logged step:").append(mg3dLosses).append('\n');
            }
        }
        if (transfer != null) {
            sb.append(CtTransfer.block(transfer));
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

    /**
     * The pre-trained model on the held-out studies without {@code missing}, filled with its templates against its
     * training mean and against zeros: paired by study and judged as the main comparison. The block a user reads to
     * see what the learned templates are worth beside a constant.
     */
    static String missingBlock(Modality missing, List<Demo.Repeat> repeats, Map<String, Double> dice) {
        String templates = Demo.missingRow(Demo.PRETRAINED, missing, ModalityFill.TEMPLATES);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%nwithout %s (removed from every held-out "
                + "study): pre-trained, complete %.3f; filled with templates %.3f, training mean %.3f, zeros %.3f; "
                + "from scratch, training mean %.3f, zeros %.3f%n", missing.token(), dice.get(Demo.PRETRAINED),
                dice.get(templates), dice.get(Demo.missingRow(Demo.PRETRAINED, missing, ModalityFill.MEAN)),
                dice.get(Demo.missingRow(Demo.PRETRAINED, missing, ModalityFill.ZEROS)),
                dice.get(Demo.missingRow(Demo.SCRATCH, missing, ModalityFill.MEAN)),
                dice.get(Demo.missingRow(Demo.SCRATCH, missing, ModalityFill.ZEROS))));
        for (ModalityFill other : List.of(ModalityFill.MEAN, ModalityFill.ZEROS)) {
            String row = Demo.missingRow(Demo.PRETRAINED, missing, other);
            PairedDifference d = gain(repeats, templates, row);
            PairedDifference perRepeat = repeats.size() > 1 ? perRepeat(repeats.stream()
                    .map(r -> gain(List.of(r), templates, row)).toList()) : null;
            String than = other == ModalityFill.MEAN ? " of the training mean" : " of zeros";
            sb.append(String.format(Locale.ROOT, "templates minus %s, per held-out study: %s%n=> %s%n",
                    other == ModalityFill.MEAN ? "training mean" : "zeros", d, verdict(d, perRepeat,
                            dice.get(templates), dice.get(row), "the templates are", than)));
        }
        return sb.toString();
    }

    /** Each row's held-out mean Dice over regions, averaged over the repeats. */
    static Map<String, Double> meanDice(List<Demo.Repeat> repeats) {
        Map<String, Double> dice = new LinkedHashMap<>();
        for (String row : repeats.get(0).heldOut().keySet()) {
            dice.put(row, repeats.stream().mapToDouble(r -> r.heldOut().get(row).overall(MetricsReport.DICE)
                    .nanMean()).average().orElse(Double.NaN));
        }
        return dice;
    }

    /**
     * Pre-trained minus scratch, paired by held-out study: per study, the mean Dice over the regions, averaged over
     * the repeats (the studies are the independent units; the repeats of one study are not).
     */
    static PairedDifference gain(List<Demo.Repeat> repeats) {
        return gain(repeats, Demo.PRETRAINED, Demo.SCRATCH);
    }

    /** {@link #gain(List)} of row {@code a} minus row {@code b}. */
    static PairedDifference gain(List<Demo.Repeat> repeats, String a, String b) {
        List<String> cases = repeats.get(0).heldOut().get(a).cases();
        double[] x = new double[cases.size()];
        double[] y = new double[cases.size()];
        for (Demo.Repeat r : repeats) {
            double[] ra = PairedDifference.perCase(r.heldOut().get(a), cases, MetricsReport.DICE);
            double[] rb = PairedDifference.perCase(r.heldOut().get(b), cases, MetricsReport.DICE);
            for (int i = 0; i < cases.size(); i++) {
                x[i] += ra[i] / repeats.size();
                y[i] += rb[i] / repeats.size();
            }
        }
        return PairedDifference.of(x, y);
    }

    /** One repeat's pre-trained minus scratch, paired by held-out study. */
    static PairedDifference difference(Demo.Repeat r) {
        return gain(List.of(r), Demo.PRETRAINED, Demo.SCRATCH);
    }

    /**
     * The repeats' mean differences ({@link #difference}) against zero: their mean, the standard error over the
     * repeats and how many are ahead or behind. The repeats are the independent units of the training noise.
     */
    static PairedDifference perRepeat(List<PairedDifference> differences) {
        double[] d = differences.stream().mapToDouble(PairedDifference::mean).toArray();
        return PairedDifference.of(d, new double[d.length]);
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
