package io.github.medvp.tasks;

import java.util.Arrays;

/**
 * Cross-modal retrieval metrics (MG-3D downstream task 9): for a similarity matrix of N reports × N volumes whose
 * diagonal holds the true pairs, the rank of the true partner of every query in both directions, Recall@K (the
 * fraction of queries whose partner ranks within the first K) and the median rank (1-based).
 * <p>
 * A partner's rank is 1 + the number of candidates scoring strictly higher, so ties count in the query's favour
 * (exactly equal scores only arise for identical inputs).
 */
public final class Retrieval {

    /** The K of the reported Recall@K. */
    public static final int[] KS = {1, 5, 10, 50};

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
