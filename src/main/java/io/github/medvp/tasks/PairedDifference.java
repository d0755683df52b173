package io.github.medvp.tasks;

import java.util.List;
import java.util.Locale;

import io.github.medvp.MedvpException;

/**
 * The paired difference of two models' per-case scores on the same cases: its mean, the standard error of that mean
 * (sample standard deviation over √n) and how many cases each model wins. Pairing removes the spread between cases
 * (an easy study is easy for both models), so a few held-out studies can tell a real difference from noise; a
 * difference counts as clear when its mean is more than {@link #MARGIN} standard errors from zero (about the 95 %
 * level of a t-test for a dozen cases or more).
 *
 * @param cases cases with a finite score for both models
 * @param mean mean of {@code a − b}
 * @param standardError sample standard deviation of {@code a − b} over √cases (NaN for one case)
 * @param aBetter cases where {@code a} scores higher
 * @param bBetter cases where {@code b} scores higher
 */
public record PairedDifference(int cases, double mean, double standardError, int aBetter, int bBetter) {

    /** Standard errors a mean difference must exceed to be called clear. */
    public static final double MARGIN = 2;

    /**
     * @param a per-case scores of the first model
     * @param b the second model's, same cases in the same order; cases where either is NaN are left out
     * @return the paired difference
     * @throws MedvpException when the lengths differ or no case has both scores
     */
    public static PairedDifference of(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new MedvpException("paired scores need the same cases, got " + a.length + " and " + b.length);
        }
        int n = 0, aBetter = 0, bBetter = 0;
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            if (Double.isFinite(a[i]) && Double.isFinite(b[i])) {
                n++;
                sum += a[i] - b[i];
                aBetter += a[i] > b[i] ? 1 : 0;
                bBetter += b[i] > a[i] ? 1 : 0;
            }
        }
        if (n == 0) {
            throw new MedvpException("no case has a score from both models");
        }
        double mean = sum / n, ss = 0;
        for (int i = 0; i < a.length; i++) {
            if (Double.isFinite(a[i]) && Double.isFinite(b[i])) {
                double d = a[i] - b[i] - mean;
                ss += d * d;
            }
        }
        double se = n > 1 ? Math.sqrt(ss / (n - 1) / n) : Double.NaN;
        return new PairedDifference(n, mean, se, aBetter, bBetter);
    }

    /**
     * Per-case mean over regions of one metric (regions where the metric is undefined are left out; NaN when none is
     * defined).
     *
     * @param report the evaluation
     * @param caseIds the cases, in the order wanted
     * @param metric e.g. {@link MetricsReport#DICE}
     * @return one value per case
     */
    public static double[] perCase(MetricsReport report, List<String> caseIds, String metric) {
        double[] v = new double[caseIds.size()];
        for (int i = 0; i < v.length; i++) {
            double sum = 0;
            int n = 0;
            for (String r : report.regions()) {
                double x = report.value(caseIds.get(i), r, metric);
                if (!Double.isNaN(x)) {
                    sum += x;
                    n++;
                }
            }
            v[i] = n > 0 ? sum / n : Double.NaN;
        }
        return v;
    }

    /** @return +1 when {@code a} is clearly ahead, −1 when clearly behind, 0 when the difference is within noise */
    public int verdict() {
        if (!(standardError >= 0)) {
            return 0;
        }
        return mean > MARGIN * standardError ? 1 : mean < -MARGIN * standardError ? -1 : 0;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%+.3f ± %.3f (standard error over %d cases; better on %d, worse on %d)",
                mean, standardError, cases, aBetter, bBetter);
    }
}
