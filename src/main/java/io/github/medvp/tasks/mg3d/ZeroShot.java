package io.github.medvp.tasks.mg3d;

import io.github.medvp.train.Settings;
import io.github.medvp.tasks.metrics.Metrics;
import ai.djl.ndarray.NDManager;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.text.ReportDataset;
import io.github.medvp.engine.Engines;
import io.github.medvp.train.RunFolder;
import io.github.medvp.io.AtomicFiles;
import io.github.medvp.io.OutputFolder;
import io.github.medvp.pretrain.mg3d.Mg3dCheckpoint;
import io.github.medvp.pretrain.mg3d.Mg3dData;
import io.github.medvp.pretrain.mg3d.Mg3dEmbedder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Zero-shot classification with an MG-3D checkpoint: for each label of a labelled volume list, a positive prompt
 * ("Pleural effusion is present.") and a negative one ("No pleural effusion."), from {@link Prompts} templates, are
 * embedded as reports and scored
 * against every volume embedding; the score is the softmax probability of the positive prompt over the pair at
 * τ = 0.1, and a volume is called positive when it exceeds 0.5 (the positive prompt is closer). Accuracy and ROC AUC
 * per label ({@link Metrics}) over the volumes whose label is known.
 * <p>
 * Writes {@code zeroshot_metrics.csv} (label, n, positives, accuracy, auc) and {@code zeroshot_scores.csv} (one row
 * per volume, one column per label) into the output folder.
 */
public final class ZeroShot {

    /** Temperature of the prompt-pair softmax (MG-3D's contrastive τ). */
    public static final double TEMPERATURE = 0.1;

    /**
     * One label's result.
     *
     * @param label the label name
     * @param n volumes with a known value
     * @param positives of which positive
     * @param accuracy fraction called correctly
     * @param auc ROC AUC of the scores (NaN when only one class is present)
     */
    public record ClassResult(String label, int n, int positives, double accuracy, double auc) {
    }

    /**
     * The result.
     *
     * @param classes per label
     * @param ids volume ids, in list order
     * @param scores [volume][label] positive-prompt probabilities
     */
    public record Result(List<ClassResult> classes, List<String> ids, double[][] scores) {
    }

    private ZeroShot() {
    }

    /**
     * The prompt templates of zero-shot classification: {@value #LABEL} stands for the label name, lower case.
     *
     * @param positive the finding is there, default {@value #POSITIVE}
     * @param negative the finding is not there, default {@value #NEGATIVE}
     */
    public record Prompts(String positive, String negative) {

        /** The placeholder of the label in a template. */
        public static final String LABEL = "{label}";
        /** The default positive template; grammatical for count and mass nouns alike ("Emphysema is present."). */
        public static final String POSITIVE = "{label} is present.";
        /** The default negative template. */
        public static final String NEGATIVE = "No {label}.";
        /** The default pair. */
        public static final Prompts DEFAULT = new Prompts(POSITIVE, NEGATIVE);

        /** @throws io.github.medvp.SettingsException when a template lacks {@value #LABEL} */
        public Prompts {
            check("positive", positive);
            check("negative", negative);
            if (positive.strip().equalsIgnoreCase(negative.strip())) {
                throw io.github.medvp.SettingsException.of("negative", "'" + negative + "'",
                        "a template different from the positive one");
            }
        }

        private static void check(String setting, String template) {
            if (template == null || !template.contains(LABEL)) {
                throw io.github.medvp.SettingsException.of(setting, "'" + template + "'",
                        "a sentence containing " + LABEL + ", e.g. '" + (setting.equals("positive") ? POSITIVE
                                : NEGATIVE) + "'");
            }
        }

        /**
         * @param label a label name such as CT-RATE's "Pleural effusion"
         * @return the two prompts: "Pleural effusion is present.", "No pleural effusion." by default
         */
        public String[] of(String label) {
            String l = label.toLowerCase(Locale.ROOT).replace('_', ' ').strip();
            return new String[] {fill(positive, l), fill(negative, l)};
        }

        private static String fill(String template, String label) {
            String s = template.replace(LABEL, label).strip();
            return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
        }
    }

    /**
     * @param label a label name such as CT-RATE's "Pleural effusion"
     * @return the default prompt pair: "Pleural effusion is present.", "No pleural effusion."
     */
    public static String[] defaultPrompts(String label) {
        return Prompts.DEFAULT.of(label);
    }

    /**
     * Scores and metrics from embeddings (the testable core).
     *
     * @param volumes unit volume embeddings
     * @param positive unit embeddings of each label's positive prompt
     * @param negative unit embeddings of each label's negative prompt
     * @param labels label names
     * @param truth [volume][label] 1, 0 or NaN (unknown)
     * @param ids volume ids
     * @return the result
     */
    public static Result score(float[][] volumes, float[][] positive, float[][] negative, List<String> labels,
            double[][] truth, List<String> ids) {
        int n = volumes.length;
        int k = labels.size();
        double[][] scores = new double[n][k];
        for (int v = 0; v < n; v++) {
            for (int c = 0; c < k; c++) {
                double sp = Retrieval.cos(volumes[v], positive[c]) / TEMPERATURE;
                double sn = Retrieval.cos(volumes[v], negative[c]) / TEMPERATURE;
                scores[v][c] = 1 / (1 + Math.exp(sn - sp));
            }
        }
        List<ClassResult> classes = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            List<Integer> known = new ArrayList<>();
            for (int v = 0; v < n; v++) {
                if (!Double.isNaN(truth[v][c])) {
                    known.add(v);
                }
            }
            boolean[] pos = new boolean[known.size()];
            double[] s = new double[known.size()];
            int positives = 0;
            int correct = 0;
            for (int i = 0; i < known.size(); i++) {
                int v = known.get(i);
                pos[i] = truth[v][c] > 0.5;
                s[i] = scores[v][c];
                positives += pos[i] ? 1 : 0;
                correct += (s[i] > 0.5) == pos[i] ? 1 : 0;
            }
            double auc = positives == 0 || positives == known.size() ? Double.NaN : Metrics.rocAuc(pos, s);
            classes.add(new ClassResult(labels.get(c), known.size(), positives,
                    known.isEmpty() ? Double.NaN : (double) correct / known.size(), auc));
        }
        return new Result(classes, ids, scores);
    }

    /**
     * Runs zero-shot classification of a labelled list.
     *
     * @param checkpoint an MG-3D checkpoint
     * @param list a labelled volume list ({@link ReportDataset}; label columns or a labels file)
     * @param labelsCsv a CSV of labels by volume name, or null when the list has label columns
     * @param output folder for the CSV files
     * @param device auto, cpu, gpu or gpu:N
     * @param batchSize volumes per forward pass
     * @param progress progress and cancel
     * @return the result
     * @throws IOException when files cannot be read or written
     */
    public static Result run(Path checkpoint, Path list, Path labelsCsv, Path output, String device, int batchSize,
            Progress progress) throws IOException {
        return run(checkpoint, list, labelsCsv, output, device, batchSize, Prompts.DEFAULT, progress);
    }

    /**
     * As {@link #run(Path, Path, Path, Path, String, int, Progress)} with the given prompt templates.
     *
     * @param prompts the positive and negative templates
     */
    public static Result run(Path checkpoint, Path list, Path labelsCsv, Path output, String device, int batchSize,
            Prompts prompts, Progress progress) throws IOException {
        Settings.range("batch", batchSize, 1, 4096);
        ReportDataset.Builder b = ReportDataset.builder(list).optStrictLabels(true);
        if (labelsCsv != null) {
            b.optLabels(labelsCsv);
        }
        ReportDataset dataset = b.build();
        if (dataset.size() == 0) {
            throw new MedvpException(list + " lists no volumes: zero-shot classification needs at least one "
                    + "labelled volume");
        }
        List<String> labels = dataset.labelNames();
        if (labels.isEmpty()) {
            throw new MedvpException(list + " has no label columns: zero-shot classification needs labels (add "
                    + "columns of yes/no or 1/0 such as CT-RATE's abnormality names, or give a labels CSV)"
                    + (dataset.ignoredColumns().isEmpty() ? "" : "; not labels: " + dataset.ignoredColumns()));
        }
        if (!dataset.ignoredColumns().isEmpty()) {
            progress.log("zero-shot: columns ignored, not yes/no labels: "
                    + String.join(", ", dataset.ignoredColumns()));
        }
        Engines.pytorch();
        try (NDManager manager = NDManager.newBaseManager(Engines.device(device))) {
            Mg3dCheckpoint ck = Mg3dCheckpoint.load(RunFolder.checkpointIn(checkpoint, "model", false, progress),
                    manager);
            int[] size = ck.config().size();
            Mg3dData data = new Mg3dData(dataset, ck.encoder(), null, ck.config().pipeline(), null);
            Mg3dEmbedder embedder = new Mg3dEmbedder(ck, manager, batchSize);
            float[][] volumes = embedder.volumes(data, progress);
            List<String> pos = new ArrayList<>();
            List<String> neg = new ArrayList<>();
            for (String l : labels) {
                String[] p = prompts.of(l);
                progress.log("zero-shot " + l + ": '" + p[0] + "' vs '" + p[1] + "'");
                pos.add(p[0]);
                neg.add(p[1]);
            }
            double[][] truth = new double[dataset.size()][labels.size()];
            List<String> ids = new ArrayList<>();
            for (int v = 0; v < dataset.size(); v++) {
                ids.add(dataset.get(v).id());
                for (int c = 0; c < labels.size(); c++) {
                    Double value = dataset.get(v).labels().get(labels.get(c));
                    truth[v][c] = value == null ? Double.NaN : value;
                }
            }
            Result r = score(volumes, embedder.texts(pos), embedder.texts(neg), labels, truth, ids);
            write(r, output);
            return r;
        }
    }

    /**
     * @param r a result
     * @param output folder receiving {@code zeroshot_metrics.csv} and {@code zeroshot_scores.csv}
     * @throws IOException when writing fails
     */
    public static void write(Result r, Path output) throws IOException {
        StringBuilder m = new StringBuilder("label,n,positives,accuracy,auc\n");
        for (ClassResult c : r.classes()) {
            m.append(String.format(Locale.ROOT, "%s,%d,%d,%.6f,%.6f%n", csv(c.label()), c.n(), c.positives(),
                    c.accuracy(), c.auc()));
        }
        StringBuilder s = new StringBuilder("id");
        for (ClassResult c : r.classes()) {
            s.append(',').append(csv(c.label()));
        }
        s.append('\n');
        for (int v = 0; v < r.ids().size(); v++) {
            s.append(csv(r.ids().get(v)));
            for (double x : r.scores()[v]) {
                s.append(String.format(Locale.ROOT, ",%.6f", x));
            }
            s.append('\n');
        }
        try (OutputFolder folder = OutputFolder.create(output)) {
            AtomicFiles.write(output.resolve("zeroshot_metrics.csv"), m.toString().getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(output.resolve("zeroshot_scores.csv"), s.toString().getBytes(StandardCharsets.UTF_8));
            folder.keep();
        }
    }

    static String csv(String v) {
        return v.contains(",") || v.contains("\"") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }
}
