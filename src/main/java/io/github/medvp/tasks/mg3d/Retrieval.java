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

        /** @return the mean of the ranks */
        public double meanRank() {
            return Arrays.stream(ranks).average().orElse(Double.NaN);
        }

        /**
         * @param k a K
         * @return Recall@K of a retrieval that ranks the candidates at random: min(K, N) / N
         */
        public double chanceRecallAt(int k) {
            return Math.min(k, ranks.length) / (double) ranks.length;
        }

        /** @return the mean (and median) rank at random, (N + 1) / 2 */
        public double chanceRank() {
            return (ranks.length + 1) / 2.0;
        }

        /**
         * How far the mean rank lies below chance: under the null of a random ranking each partner's rank is uniform
         * on 1..N (mean (N + 1) / 2, variance (N² − 1) / 12), so the mean of N ranks has standard deviation
         * sqrt((N² − 1) / (12 N)).
         *
         * @return the mean rank's z against that null (negative: better than chance), NaN for N = 1
         */
        public double rankZ() {
            int n = ranks.length;
            return n < 2 ? Double.NaN : (meanRank() - chanceRank()) / Math.sqrt((n * (double) n - 1) / (12.0 * n));
        }

        /**
         * The one-sided p-value of the rank sum under the same null (ranks independent and uniform on 1..N): the
         * probability that random ranks sum to at most the observed sum; exact for N ≤ {@value #EXACT_P_MAX}, the
         * normal approximation of {@link #rankZ} (with continuity correction) above.
         *
         * @return the p-value, in (0, 1]
         */
        public double rankP() {
            int n = ranks.length;
            int sum = Arrays.stream(ranks).sum();
            if (n > EXACT_P_MAX) {
                double sd = Math.sqrt(n * ((n * (double) n - 1) / 12.0));
                return normalCdf((sum + 0.5 - n * chanceRank()) / sd);
            }
            // Distribution of the sum of i ranks, i = 1..n, by convolution with the uniform on 1..n: each entry is a
            // window sum of the previous distribution (prefix sums, O(n) per entry count).
            double[] dist = {1};
            for (int i = 0; i < n; i++) {
                double[] prefix = new double[dist.length + 1];
                for (int s = 0; s < dist.length; s++) {
                    prefix[s + 1] = prefix[s] + dist[s];
                }
                double[] next = new double[dist.length + n];
                for (int s = 1; s < next.length; s++) {
                    // next[s] = sum over r = 1..n of dist[s - r] / n.
                    int hi = Math.min(s - 1, dist.length - 1);
                    int lo = Math.max(0, s - n);
                    next[s] = hi < lo ? 0 : (prefix[hi + 1] - prefix[lo]) / n;
                }
                dist = next;
            }
            double p = 0;
            for (int s = 0; s <= Math.min(sum, dist.length - 1); s++) {
                p += dist[s];
            }
            return Math.min(1, p);
        }
    }

    /** Largest N whose {@link Direction#rankP} is computed exactly. */
    static final int EXACT_P_MAX = 200;

    /** Standard normal CDF (Abramowitz and Stegun 7.1.26 for erf, error below 1.5e-7). */
    static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
                + 0.254829592) * t * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
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

    /**
     * Each direction against chance: R@1, R@5 and the median rank next to their values for a random ranking, and
     * the mean rank's z and one-sided p-value ({@link Direction#rankZ}, {@link Direction#rankP}).
     *
     * @param r a result
     * @return one line per direction
     */
    public static String againstChance(Result r) {
        StringBuilder s = new StringBuilder();
        for (Direction d : List.of(r.reportToVolume(), r.volumeToReport())) {
            s.append(String.format(Locale.ROOT, "%s: R@1 %.3f (chance %.3f), R@5 %.3f (chance %.3f), median rank %.1f "
                    + "(chance %.1f); mean rank %.2f against %.1f at random, z = %.2f, p = %.2g%n",
                    d == r.reportToVolume() ? "report->volume" : "volume->report", d.recallAt(1), d.chanceRecallAt(1),
                    d.recallAt(5), d.chanceRecallAt(5), d.medianRank(), d.chanceRank(), d.meanRank(), d.chanceRank(),
                    d.rankZ(), d.rankP()));
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
