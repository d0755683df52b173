package io.github.medvp.tasks.metrics;

import io.github.medvp.tasks.Dims;
import io.github.medvp.tasks.segmentation.Postprocess;
import java.util.Arrays;

/**
 * Evaluation metrics on host arrays: segmentation overlap and surface distance per case and region, and
 * classification scores per data set.
 * <p>
 * Masks are {@code boolean[]} over a grid (X, Y, Z) with X fastest, index {@code x + nx*(y + ny*z)}, the layout of
 * {@link io.github.medvp.data.Sample}; {@link Postprocess} makes them from network outputs and label channels.
 * <p>
 * Undefined values are {@code NaN}, never an exception, so that a report can NaN-average over cases: HD95 with an
 * empty mask, AUC without positives or negatives. Malformed input (length mismatch, out-of-range class) throws
 * {@link IllegalArgumentException}.
 */
public final class Metrics {

    private Metrics() {
    }

    // ------------------------------------------------------------------------------------------------ segmentation

    /**
     * Dice of one region of one case, BrainMVP's rule ({@code EDiceLoss.binary_dice} with {@code metric_mode} in the
     * reference's {@code Downstream/loss/dice.py}): with an empty ground truth 1 when the prediction is empty too, else
     * 0; otherwise {@code 2|P∩G| / (|P| + |G|)}.
     */
    public static double dice(boolean[] pred, boolean[] truth) {
        sameLength(pred.length, truth.length);
        long p = 0, g = 0, both = 0;
        for (int i = 0; i < pred.length; i++) {
            boolean a = pred[i], b = truth[i];
            if (a) {
                p++;
            }
            if (b) {
                g++;
                if (a) {
                    both++;
                }
            }
        }
        if (g == 0) {
            return p == 0 ? 1 : 0;
        }
        return 2.0 * both / (p + g);
    }

    /** {@link #hausdorff} at the 95th percentile, the HD95 of the BraTS challenges. */
    public static double hd95(boolean[] pred, boolean[] truth, int[] dims, double[] spacing) {
        return hausdorff(pred, truth, dims, spacing, 95);
    }

    /**
     * Percentile Hausdorff distance in the units of {@code spacing} (millimetres for NIfTI), defined as MONAI's
     * {@code compute_hausdorff_distance(percentile=p, spacing=spacing)}: the surface of a mask is its voxels with a
     * face neighbour (6-connectivity) outside the mask or outside the grid ({@code mask ^ binary_erosion(mask)});
     * for each surface voxel of one mask the distance to the nearest surface voxel of the other is taken, the
     * {@code p}-th percentile of each direction with linear interpolation ({@code torch.quantile}), and the
     * larger of the two is the result.
     * <p>
     * {@code NaN} when either mask is empty (MONAI returns inf or nan with a warning; NaN lets a report leave such
     * cases out of a NaN-mean and count them).
     *
     * @param dims (X, Y, Z)
     * @param spacing voxel size along X, Y, Z
     * @param percentile in [0, 100]; 100 gives the classical Hausdorff distance
     */
    public static double hausdorff(boolean[] pred, boolean[] truth, int[] dims, double[] spacing, double percentile) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + percentile);
        }
        double[][] d = surfaceDistances(pred, truth, dims, spacing);
        if (d == null) {
            return Double.NaN;
        }
        return Math.max(quantile(d[0], percentile / 100), quantile(d[1], percentile / 100));
    }

    /**
     * Directed surface distances both ways: {@code [0]} from each surface voxel of {@code pred} to the nearest
     * surface voxel of {@code truth}, {@code [1]} the reverse, each sorted ascending; {@code null} when either
     * mask is empty. The building block of {@link #hausdorff} and of average surface distances.
     */
    public static double[][] surfaceDistances(boolean[] pred, boolean[] truth, int[] dims, double[] spacing) {
        sameLength(pred.length, truth.length);
        Dims.voxels(dims, pred.length);
        if (spacing.length != 3) {
            throw new IllegalArgumentException("spacing needs three values: " + Arrays.toString(spacing));
        }
        int[] box = unionBox(pred, truth, dims);
        if (box == null || !any(pred) || !any(truth)) {
            return null;
        }
        // Every surface voxel lies in the bounding box of the union, so the distance transforms only need that box
        // (exact: the nearest feature of a voxel in the box is in the box); a small tumour in a 240×240×155 volume
        // costs a fraction of the whole grid.
        int[] sub = { box[3] - box[0], box[4] - box[1], box[5] - box[2] };
        boolean[] sp = surface(pred, dims, box, sub);
        boolean[] sg = surface(truth, dims, box, sub);
        return new double[][] { directed(sp, sg, sub, spacing), directed(sg, sp, sub, spacing) };
    }

    /** Distances from each {@code from} voxel to the nearest {@code to} voxel, sorted. */
    private static double[] directed(boolean[] from, boolean[] to, int[] dims, double[] spacing) {
        double[] d2 = DistanceTransform.squared(to, dims, spacing);
        int n = 0;
        for (boolean b : from) {
            if (b) {
                n++;
            }
        }
        double[] out = new double[n];
        for (int i = 0, j = 0; i < from.length; i++) {
            if (from[i]) {
                out[j++] = Math.sqrt(d2[i]);
            }
        }
        Arrays.sort(out);
        return out;
    }

    /**
     * The surface of {@code mask} inside {@code box} (start x, y, z, end x, y, z, exclusive), as a mask over the
     * box; neighbours are looked up in the whole grid, and the grid border counts as outside.
     */
    private static boolean[] surface(boolean[] mask, int[] dims, int[] box, int[] sub) {
        int nx = dims[0], ny = dims[1], nz = dims[2];
        int sxy = nx * ny;
        boolean[] out = new boolean[sub[0] * sub[1] * sub[2]];
        int o = 0;
        for (int z = box[2]; z < box[5]; z++) {
            for (int y = box[1]; y < box[4]; y++) {
                int i = box[0] + nx * (y + ny * z);
                for (int x = box[0]; x < box[3]; x++, i++, o++) {
                    if (!mask[i]) {
                        continue;
                    }
                    out[o] = x == 0 || x == nx - 1 || y == 0 || y == ny - 1 || z == 0 || z == nz - 1
                            || !mask[i - 1] || !mask[i + 1] || !mask[i - nx] || !mask[i + nx]
                            || !mask[i - sxy] || !mask[i + sxy];
                }
            }
        }
        return out;
    }

    /** Bounding box {x0, y0, z0, x1, y1, z1} (end exclusive) of {@code a | b}, or {@code null} if both are empty. */
    private static int[] unionBox(boolean[] a, boolean[] b, int[] dims) {
        int nx = dims[0], ny = dims[1];
        int[] box = { Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1, -1 };
        int i = 0;
        for (int z = 0; z < dims[2]; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, i++) {
                    if (a[i] || b[i]) {
                        box[0] = Math.min(box[0], x);
                        box[3] = Math.max(box[3], x + 1);
                        box[1] = Math.min(box[1], y);
                        box[4] = Math.max(box[4], y + 1);
                        box[2] = Math.min(box[2], z);
                        box[5] = Math.max(box[5], z + 1);
                    }
                }
            }
        }
        return box[3] < 0 ? null : box;
    }

    /**
     * The {@code q}-quantile of ascending {@code sorted} values with linear interpolation between order statistics
     * (numpy's and torch's default); NaN for no values.
     */
    public static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = pos - lo;
        return frac == 0 ? sorted[lo] : sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
    }

    private static boolean any(boolean[] m) {
        for (boolean b : m) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------- classification

    /**
     * Confusion matrix {@code [truth][predicted]} (rows are the true class, as in scikit-learn).
     *
     * @param classes number of classes; labels must be in {@code 0..classes-1}
     */
    public static long[][] confusionMatrix(int[] truth, int[] pred, int classes) {
        sameLength(truth.length, pred.length);
        long[][] m = new long[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            m[label(truth[i], classes)][label(pred[i], classes)]++;
        }
        return m;
    }

    /** Fraction of correct predictions; NaN for no samples. */
    public static double accuracy(int[] truth, int[] pred) {
        sameLength(truth.length, pred.length);
        if (truth.length == 0) {
            return Double.NaN;
        }
        long hit = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] == pred[i]) {
                hit++;
            }
        }
        return (double) hit / truth.length;
    }

    /**
     * Mean per-class recall over the classes present in {@code truth} (scikit-learn's
     * {@code balanced_accuracy_score}, which also leaves absent classes out); NaN for no samples.
     */
    public static double balancedAccuracy(int[] truth, int[] pred, int classes) {
        long[][] m = confusionMatrix(truth, pred, classes);
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            long row = 0;
            for (long v : m[c]) {
                row += v;
            }
            if (row > 0) {
                sum += (double) m[c][c] / row;
                present++;
            }
        }
        return present == 0 ? Double.NaN : sum / present;
    }

    /**
     * Area under the ROC curve of scores for a binary truth, as the Mann–Whitney statistic: the probability that
     * a random positive scores higher than a random negative, ties counting one half (mid-ranks). Equals
     * scikit-learn's {@code roc_auc_score}. NaN without positives or without negatives.
     *
     * @throws IllegalArgumentException for a NaN score
     */
    public static double rocAuc(boolean[] positive, double[] score) {
        sameLength(positive.length, score.length);
        int n = score.length;
        long pos = 0;
        for (boolean p : positive) {
            if (p) {
                pos++;
            }
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(score[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[a], score[b]));
        // Sum of the (1-based, tie-averaged) ranks of the positives; a run of equal scores shares its mean rank.
        double rankSum = 0;
        for (int i = 0; i < n;) {
            int j = i;
            long posInRun = 0;
            while (j < n && score[order[j]] == score[order[i]]) {
                if (positive[order[j]]) {
                    posInRun++;
                }
                j++;
            }
            double meanRank = (i + 1 + j) / 2.0;
            rankSum += posInRun * meanRank;
            i = j;
        }
        double u = rankSum - pos * (pos + 1) / 2.0;
        return u / ((double) pos * neg);
    }

    /**
     * One-vs-rest ROC AUC of each class: class {@code k} positive against all others, scored by column {@code k}.
     *
     * @param scores {@code [sample][class]}, e.g. softmax probabilities
     */
    public static double[] rocAucPerClass(int[] truth, double[][] scores) {
        sameLength(truth.length, scores.length);
        int classes = scores.length == 0 ? 0 : scores[0].length;
        double[] out = new double[classes];
        boolean[] positive = new boolean[truth.length];
        double[] column = new double[truth.length];
        for (int k = 0; k < classes; k++) {
            for (int i = 0; i < truth.length; i++) {
                if (scores[i].length != classes) {
                    throw new IllegalArgumentException("sample " + i + " has " + scores[i].length + " scores, not "
                            + classes);
                }
                positive[i] = label(truth[i], classes) == k;
                column[i] = scores[i][k];
            }
            out[k] = rocAuc(positive, column);
        }
        return out;
    }

    /**
     * Macro-averaged one-vs-rest ROC AUC (scikit-learn {@code roc_auc_score(multi_class="ovr", average="macro")}):
     * the plain mean of {@link #rocAucPerClass}. NaN when a class has no positive or no negative sample (where
     * scikit-learn raises); use the per-class values to average over the defined ones instead.
     */
    public static double rocAucOneVsRest(int[] truth, double[][] scores) {
        double[] per = rocAucPerClass(truth, scores);
        double sum = 0;
        for (double v : per) {
            sum += v;
        }
        return per.length == 0 ? Double.NaN : sum / per.length;
    }

    private static int label(int v, int classes) {
        if (v < 0 || v >= classes) {
            throw new IllegalArgumentException("class " + v + " outside 0.." + (classes - 1));
        }
        return v;
    }

    private static void sameLength(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("lengths differ: " + a + " and " + b);
        }
    }
}
