package io.github.medvp.tasks.metrics;

import io.github.medvp.tasks.classification.Classification;
import io.github.medvp.tasks.segmentation.LabelCheck;
import io.github.medvp.tasks.segmentation.LabelSpec;
import io.github.medvp.tasks.segmentation.Postprocess;
import io.github.medvp.tasks.segmentation.Segmentation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Csv;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.io.AtomicFiles;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.OutputFolder;
import io.github.medvp.io.Volume;
import io.github.medvp.train.MetricsLog;

/**
 * Evaluates saved predictions against ground truth and writes the reports.
 * <p>
 * <b>Segmentation</b> ({@link #segmentation}): predictions are a folder of NIfTI files, one per case, named
 * {@code <case>.nii.gz} or {@code <case>_<anything>.nii.gz} (e.g. {@code _seg}, {@code _pred}); each is a label map
 * (3D, values as the {@link LabelSpec} says; BraTS 2023 predictions with ET=3 are remapped like the truth) or
 * probability maps (4D, X×Y×Z×K): K = number of regions, set where the probability is above 0.5 (sigmoid regions);
 * or, for exclusive classes, K = classes + 1 with background first, the most probable channel. Ground truth is a
 * manifest or folder of studies with {@code _seg} label maps ({@link StudyManifest#load}). Prediction and truth must
 * be on the same grid. A label map (truth or prediction) holding values the {@link LabelSpec} does not know is refused
 * ({@link LabelCheck}) rather than counted as background. Per case and region: Dice ({@link Metrics#dice}, 1 when
 * both are empty, 0 when only the truth is) and HD95 in millimetres from the truth's voxel spacing (NaN when either
 * mask is empty, left out of the averages and counted). Writes {@value #CASES_CSV} and {@value #SUMMARY_CSV}
 * ({@link MetricsReport}: mean, std, NaN-mean and median per region and over regions).
 * <p>
 * <b>Classification</b> ({@link #classification}): a CSV with a header {@code case,true,predicted,<p_0>,...,<p_K-1>}
 * (columns found by name; the probability columns are all the others, in order, and name the classes, a
 * {@code p_}/{@code prob_} prefix removed); labels are class indices or class names. Writes {@value #CLASS_CSV}
 * (accuracy, balanced accuracy, ROC AUC per class one-vs-rest and their mean over the defined ones) and
 * {@value #CONFUSION_CSV} (rows true class, columns predicted).
 */
public final class Evaluation {

    /** Per-case segmentation metrics file. */
    public static final String CASES_CSV = "metrics_cases.csv";
    /** Segmentation summary file. */
    public static final String SUMMARY_CSV = "metrics_summary.csv";
    /** Classification metrics file. */
    public static final String CLASS_CSV = "classification_metrics.csv";
    /** Confusion matrix file. */
    public static final String CONFUSION_CSV = "confusion_matrix.csv";
    /** Progress stage name. */
    public static final String STAGE = "evaluate";

    private Evaluation() {
    }

    /**
     * Evaluates a folder of segmentation predictions.
     *
     * @param predictions folder of NIfTI predictions
     * @param truth manifest {@code .json} or folder of studies with label maps
     * @param labels what label values mean
     * @param output folder for the CSV files (created)
     * @param progress one update per case; cancel honoured between cases
     * @return the report (also written), whose {@link MetricsReport#table()} summarises it
     * @throws IOException when a file cannot be read or written
     * @throws MedvpException when a case has no prediction, grids differ or a file does not fit the labels
     */
    public static MetricsReport segmentation(Path predictions, Path truth, LabelSpec labels, Path output,
            Progress progress) throws IOException {
        if (!Files.isDirectory(predictions)) {
            throw new MedvpException("predictions " + predictions + " is not a folder of NIfTI files");
        }
        List<Study> cases = StudyManifest.load(truth, ModalityNames.defaults()).all().stream()
                .filter(s -> s.label() != null).toList();
        if (cases.isEmpty()) {
            throw new MedvpException("ground truth " + truth + " has no case with a label map (<case>_seg.nii.gz)");
        }
        Map<String, Path> files = predictionFiles(predictions);
        List<String> missing = new ArrayList<>();
        for (Study s : cases) {
            if (find(files, s.id()) == null) {
                missing.add(s.id());
            }
        }
        if (!missing.isEmpty()) {
            throw new MedvpException(missing.size() + " of " + cases.size() + " cases have no prediction in "
                    + predictions + " (e.g. " + missing.get(0) + "); name predictions <case>.nii.gz or "
                    + "<case>_pred.nii.gz");
        }
        MetricsReport report = MetricsReport.builder().setRegions(labels.names().toArray(String[]::new)).build();
        for (int i = 0; i < cases.size(); i++) {
            progress.checkCancelled();
            Study s = cases.get(i);
            Volume gt = NiftiReader.read(s.label());
            int[] dims = dims(gt);
            float[] truthValues = gt.toFloatImg().update(null).getCurrentStorageArray();
            LabelCheck.check(labels, s.label(), truthValues);
            boolean[][] truthMasks = labelMasks(labels, truthValues, dims);
            Path file = find(files, s.id());
            boolean[][] pred = predictedMasks(NiftiReader.read(file), file, dims, labels);
            report.addSegmentation(s.id(), pred, truthMasks, dims, gt.geometry().spacing());
            progress.update(STAGE, i + 1, cases.size(), s.id());
        }
        try (OutputFolder folder = OutputFolder.create(output)) {
            report.writeCases(output.resolve(CASES_CSV));
            report.writeSummary(output.resolve(SUMMARY_CSV));
            folder.keep();
        }
        return report;
    }

    private static int[] dims(Volume v) {
        long[] d = v.dimensions();
        return new int[] { Math.toIntExact(d[0]), Math.toIntExact(d[1]), Math.toIntExact(d[2]) };
    }

    /** Masks of a prediction file: a 3D label map or 4D probability maps (see the class comment). */
    static boolean[][] predictedMasks(Volume v, Path file, int[] dims, LabelSpec labels) {
        long[] d = v.dimensions();
        if (d[0] != dims[0] || d[1] != dims[1] || d[2] != dims[2]) {
            throw new MedvpException("prediction " + file + " has grid " + Arrays.toString(d) + ", the ground truth "
                    + Arrays.toString(dims) + "; write predictions on the input's grid");
        }
        float[] values = v.toFloatImg().update(null).getCurrentStorageArray();
        int n = dims[0] * dims[1] * dims[2];
        long k = d.length == 3 ? 1 : Arrays.stream(d, 3, d.length).reduce(1, (a, b) -> a * b);
        if (k == 1) {
            LabelCheck.check(labels, file, values);
            return labelMasks(labels, values, dims);
        }
        int regions = labels.names().size();
        float[][] channels = new float[(int) k][];
        for (int c = 0; c < k; c++) {
            channels[c] = Arrays.copyOfRange(values, c * n, (c + 1) * n);
        }
        if (k == regions) {
            return Postprocess.masks(channels);
        }
        if (labels.exclusive() && k == regions + 1) {
            return labels.masks(channels); // the most probable channel, background first
        }
        throw new MedvpException("prediction " + file + " has " + k + " channels; expected " + regions
                + " region probabilities" + (labels.exclusive() ? " or " + (regions + 1) + " class probabilities "
                        + "with background first" : "") + " for labels '" + labels + "'");
    }

    /** The region or class masks of a label map: the spec's label transform, then values above 0.5. */
    static boolean[][] labelMasks(LabelSpec labels, float[] values, int[] dims) {
        Sample s = Sample.of(dims, null, List.of(), new float[][] { values }, null);
        return Postprocess.masks(labels.transform().apply(s, null).label());
    }

    /** Prediction files by name without extension. */
    private static Map<String, Path> predictionFiles(Path dir) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String name = p.getFileName().toString();
                if (NiftiReader.isNiftiName(name) && !name.startsWith(".")) {
                    out.put(ModalityNames.stripExtension(name), p);
                }
            }
        }
        return out;
    }

    /** {@code <case>} exactly, else the single {@code <case>_*} or {@code <case>-*}. */
    private static Path find(Map<String, Path> files, String id) {
        Path exact = files.get(id);
        if (exact != null) {
            return exact;
        }
        Path found = null;
        for (Map.Entry<String, Path> e : files.entrySet()) {
            String k = e.getKey();
            if (k.length() > id.length() && k.startsWith(id) && (k.charAt(id.length()) == '_'
                    || k.charAt(id.length()) == '-')) {
                if (found != null) {
                    throw new MedvpException("case " + id + " has two predictions, " + found.getFileName() + " and "
                            + e.getValue().getFileName() + "; keep one");
                }
                found = e.getValue();
            }
        }
        return found;
    }

    /**
     * Classification metrics of a predictions CSV (see the class comment).
     *
     * @param csv the predictions
     * @param output folder for the CSV files (created)
     * @return a short text report (accuracy, balanced accuracy, AUCs, confusion matrix)
     * @throws IOException when a file cannot be read or written
     * @throws MedvpException when the CSV lacks a column or holds an unknown class
     */
    public static String classification(Path csv, Path output) throws IOException {
        if (!Files.isRegularFile(csv)) {
            throw new MedvpException("predictions " + csv + " does not exist: give a CSV case,true,predicted,"
                    + "<probability per class>");
        }
        List<Csv.Row> lines = Csv.read(csv);
        if (lines.size() < 2) {
            throw new MedvpException(csv + " holds no predictions (a header and one row per case are needed)");
        }
        List<String> head = lines.get(0).cells().stream().map(String::trim).toList();
        int truthCol = column(head, csv, "true", "truth", "label");
        int predCol = column(head, csv, "predicted", "prediction", "pred");
        int caseCol = head.indexOf("case");
        List<Integer> probCols = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < head.size(); c++) {
            if (c != truthCol && c != predCol && c != caseCol) {
                probCols.add(c);
                classes.add(head.get(c).replaceFirst("^(p_|prob_)", ""));
            }
        }
        if (probCols.size() < 2) {
            throw new MedvpException(csv + ": " + probCols.size() + " probability columns; one per class (at least 2) "
                    + "is needed after case,true,predicted");
        }
        int k = classes.size();
        int n = lines.size() - 1;
        int[] truth = new int[n];
        int[] pred = new int[n];
        double[][] scores = new double[n][k];
        for (int i = 0; i < n; i++) {
            Csv.Row row = lines.get(i + 1);
            long line = row.line();
            if (row.cells().size() != head.size()) {
                throw new MedvpException(csv + " line " + line + " has " + row.cells().size() + " cells, the header "
                        + head.size());
            }
            truth[i] = classIndex(row.cell(truthCol).trim(), classes, csv, line);
            pred[i] = classIndex(row.cell(predCol).trim(), classes, csv, line);
            for (int c = 0; c < k; c++) {
                String cell = row.cell(probCols.get(c)).trim();
                try {
                    scores[i][c] = Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    throw new MedvpException(csv + " line " + line + ": '" + cell + "' is not a probability");
                }
            }
        }
        double acc = Metrics.accuracy(truth, pred);
        double bal = Metrics.balancedAccuracy(truth, pred, k);
        double[] auc = k == 2 ? binaryAuc(truth, scores) : Metrics.rocAucPerClass(truth, scores);
        double defined = 0;
        int count = 0;
        for (double a : auc) {
            if (!Double.isNaN(a)) {
                defined += a;
                count++;
            }
        }
        double meanAuc = count == 0 ? Double.NaN : defined / count;
        long[][] confusion = Metrics.confusionMatrix(truth, pred, k);

        StringBuilder m = new StringBuilder("metric,value\n");
        m.append("cases,").append(n).append('\n');
        m.append("accuracy,").append(MetricsLog.format(acc)).append('\n');
        m.append("balanced_accuracy,").append(MetricsLog.format(bal)).append('\n');
        for (int c = 0; c < k; c++) {
            m.append(MetricsReport.cell("auc_" + classes.get(c))).append(',').append(MetricsLog.format(auc[c]))
                    .append('\n');
        }
        m.append("auc_mean,").append(MetricsLog.format(meanAuc)).append('\n');
        StringBuilder cm = new StringBuilder("true\\predicted");
        for (String c : classes) {
            cm.append(',').append(MetricsReport.cell(c));
        }
        cm.append('\n');
        for (int t = 0; t < k; t++) {
            cm.append(MetricsReport.cell(classes.get(t)));
            for (long v : confusion[t]) {
                cm.append(',').append(v);
            }
            cm.append('\n');
        }
        try (OutputFolder folder = OutputFolder.create(output)) {
            AtomicFiles.write(output.resolve(CLASS_CSV), m.toString().getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(output.resolve(CONFUSION_CSV), cm.toString().getBytes(StandardCharsets.UTF_8));
            folder.keep();
        }
        return String.format(Locale.ROOT, "%d cases, accuracy %.4f, balanced accuracy %.4f, mean AUC %.4f%n", n, acc,
                bal, meanAuc) + "confusion matrix (rows true, columns predicted):\n" + cm;
    }

    /**
     * Binary AUC: with two classes both one-vs-rest curves are the same ranking of {@code p_1 − p_0}, which does not
     * depend on whether the scores sum to 1; the value is reported for both classes.
     */
    private static double[] binaryAuc(int[] truth, double[][] scores) {
        boolean[] positive = new boolean[truth.length];
        double[] s = new double[truth.length];
        for (int i = 0; i < truth.length; i++) {
            positive[i] = truth[i] == 1;
            s[i] = scores[i][1] - scores[i][0];
        }
        double a = Metrics.rocAuc(positive, s);
        return new double[] { a, a };
    }

    private static int column(List<String> head, Path csv, String... names) {
        for (String n : names) {
            int i = head.indexOf(n);
            if (i >= 0) {
                return i;
            }
        }
        throw new MedvpException(csv + " has no '" + names[0] + "' column; the header must be case,true,predicted,"
                + "<probability per class>");
    }

    private static int classIndex(String cell, List<String> classes, Path csv, long line) {
        int byName = classes.indexOf(cell);
        if (byName >= 0) {
            return byName;
        }
        try {
            int v = Integer.parseInt(cell);
            if (v >= 0 && v < classes.size()) {
                return v;
            }
        } catch (NumberFormatException e) {
            // Neither a name nor an index: reported below.
        }
        throw new MedvpException(csv + " line " + line + ": class '" + cell + "' is neither an index 0.."
                + (classes.size() - 1) + " nor one of " + classes);
    }
}
