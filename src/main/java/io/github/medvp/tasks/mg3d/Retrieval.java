package io.github.medvp.tasks.mg3d;

import ai.djl.ndarray.NDManager;
import io.github.medvp.MedvpException;
import io.github.medvp.train.Settings;
import io.github.medvp.Progress;
import io.github.medvp.data.text.EncodedReport;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Cross-modal retrieval metrics (MG-3D downstream task 9): for a similarity matrix of N reports × N volumes whose
 * diagonal holds the true pairs, the rank of the true partner of every query in both directions, Recall@K (the
 * fraction of queries whose partner ranks within the first K) and the median rank (1-based).
 * <p>
 * A partner's rank is 1 + the number of candidates scoring strictly higher, so ties count in the query's favour
 * (exactly equal scores only arise for identical inputs).
 */
public final class Retrieval {

    /** The K of the reported Recall@K: R@1/5/10 and CT-CLIP's R@50/100, which MG-3D reports for CT-RATE. */
    public static final int[] KS = {1, 5, 10, 50, 100};

    private Retrieval() {
    }

    /**
     * One direction's result.
     *
     * @param ranks the 1-based rank of each query's partner
     * @param recall Recall@K for each K of {@link #KS}
     * @param medianRank the median of the ranks
     */
    public record Direction(int[] ranks, double[] recall, double medianRank) {

        /**
         * @param k a K of {@link #KS}
         * @return Recall@K
         */
        public double recallAt(int k) {
            for (int i = 0; i < KS.length; i++) {
                if (KS[i] == k) {
                    return recall[i];
                }
            }
            throw new IllegalArgumentException("Recall@" + k + " is not computed; use one of " + Arrays.toString(KS));
        }
    }

    /**
     * Both directions.
     *
     * @param reportToVolume queries are reports, candidates volumes
     * @param volumeToReport queries are volumes, candidates reports
     */
    public record Result(Direction reportToVolume, Direction volumeToReport) {
    }

    /**
     * @param similarity (N reports) × (N volumes), row i column i the true pair
     * @return ranks and recalls both ways
     */
    public static Result evaluate(double[][] similarity) {
        int n = similarity.length;
        if (n == 0) {
            throw new IllegalArgumentException("retrieval needs at least one pair, got an empty similarity matrix");
        }
        for (double[] row : similarity) {
            if (row.length != n) {
                throw new IllegalArgumentException("retrieval needs a square similarity matrix, got " + n + " rows of "
                        + row.length);
            }
        }
        int[] r2v = new int[n];
        int[] v2r = new int[n];
        for (int i = 0; i < n; i++) {
            int rowRank = 1;
            int colRank = 1;
            for (int j = 0; j < n; j++) {
                rowRank += similarity[i][j] > similarity[i][i] ? 1 : 0;
                colRank += similarity[j][i] > similarity[i][i] ? 1 : 0;
            }
            r2v[i] = rowRank;
            v2r[i] = colRank;
        }
        return new Result(direction(r2v), direction(v2r));
    }

    /**
     * Cosine similarities of two sets of embeddings.
     *
     * @param reports N rows
     * @param volumes N rows of the same width
     * @return the N×N matrix of cosines
     */
    public static double[][] cosine(float[][] reports, float[][] volumes) {
        double[][] s = new double[reports.length][volumes.length];
        for (int i = 0; i < reports.length; i++) {
            for (int j = 0; j < volumes.length; j++) {
                s[i][j] = cos(reports[i], volumes[j]);
            }
        }
        return s;
    }

    /**
     * Runs retrieval on a volume-report list with an MG-3D checkpoint and writes {@code retrieval_summary.csv}
     * (direction, Recall@1/5/10/50/100, median rank) and {@code retrieval_ranks.csv} (id, report→volume rank,
     * volume→report rank) into {@code output}.
     *
     * @param checkpoint an MG-3D checkpoint
     * @param list the pairs ({@link ReportDataset})
     * @param output folder for the CSV files
     * @param device auto, cpu, gpu or gpu:N
     * @param batchSize volumes per forward pass
     * @param progress progress and cancel
     * @return the metrics
     * @throws IOException when files cannot be read or written
     */
    public static Result run(Path checkpoint, Path list, Path output, String device, int batchSize,
            Progress progress) throws IOException {
        Settings.range("batch", batchSize, 1, 4096);
        ReportDataset dataset = ReportDataset.read(list);
        if (dataset.size() == 0) {
            throw new MedvpException(list + " lists no volume-report pairs: retrieval needs at least one");
        }
        Engines.pytorch();
        try (NDManager manager = NDManager.newBaseManager(Engines.device(device))) {
            Mg3dCheckpoint ck = Mg3dCheckpoint.load(RunFolder.checkpointIn(checkpoint, "model", false, progress),
                    manager);
            Mg3dData data = new Mg3dData(dataset, ck.encoder(), null, ck.config().pipeline(), null);
            Mg3dEmbedder embedder = new Mg3dEmbedder(ck, manager, batchSize);
            float[][] volumes = embedder.volumes(data, progress);
            List<EncodedReport> reports = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                reports.add(data.report(i));
                ids.add(dataset.get(i).id());
            }
            Result r = evaluate(cosine(embedder.reports(reports), volumes));
            write(r, ids, output);
            return r;
        }
    }

    /**
     * @param r a result
     * @param ids the pair ids, in order
     * @param output folder receiving the CSV files
     * @throws IOException when writing fails
     */
    public static void write(Result r, List<String> ids, Path output) throws IOException {
        StringBuilder s = new StringBuilder("direction");
        for (int k : KS) {
            s.append(",recall_at_").append(k);
        }
        s.append(",median_rank\n");
        for (Direction d : List.of(r.reportToVolume(), r.volumeToReport())) {
            s.append(d == r.reportToVolume() ? "report_to_volume" : "volume_to_report");
            for (double x : d.recall()) {
                s.append(String.format(Locale.ROOT, ",%.6f", x));
            }
            s.append(String.format(Locale.ROOT, ",%.1f%n", d.medianRank()));
        }
        StringBuilder ranks = new StringBuilder("id,report_to_volume_rank,volume_to_report_rank\n");
        for (int i = 0; i < ids.size(); i++) {
            ranks.append(ZeroShot.csv(ids.get(i))).append(',').append(r.reportToVolume().ranks()[i]).append(',')
                    .append(r.volumeToReport().ranks()[i]).append('\n');
        }
        try (OutputFolder folder = OutputFolder.create(output)) {
            AtomicFiles.write(output.resolve("retrieval_summary.csv"), s.toString().getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(output.resolve("retrieval_ranks.csv"),
                    ranks.toString().getBytes(StandardCharsets.UTF_8));
            folder.keep();
        }
    }

    /**
     * @param r a result
     * @return a few lines for the user
     */
    public static String summary(Result r) {
        StringBuilder s = new StringBuilder();
        for (Direction d : List.of(r.reportToVolume(), r.volumeToReport())) {
            s.append(d == r.reportToVolume() ? "report->volume" : "volume->report");
            for (int i = 0; i < KS.length; i++) {
                s.append(String.format(Locale.ROOT, " R@%d=%.3f", KS[i], d.recall()[i]));
            }
            s.append(String.format(Locale.ROOT, " median rank=%.1f (of %d)%n", d.medianRank(), d.ranks().length));
        }
        return s.toString();
    }

    static double cos(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < a.length; k++) {
            dot += (double) a[k] * b[k];
            na += (double) a[k] * a[k];
            nb += (double) b[k] * b[k];
        }
        return dot / Math.max(Math.sqrt(na * nb), 1e-12);
    }

    private static Direction direction(int[] ranks) {
        double[] recall = new double[KS.length];
        for (int i = 0; i < KS.length; i++) {
            int hits = 0;
            for (int r : ranks) {
                hits += r <= KS[i] ? 1 : 0;
            }
            recall[i] = ranks.length == 0 ? Double.NaN : (double) hits / ranks.length;
        }
        int[] sorted = ranks.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return new Direction(ranks, recall, median);
    }
}
