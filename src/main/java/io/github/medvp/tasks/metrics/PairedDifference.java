package io.github.medvp.tasks.metrics;

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

    /** Two-sided 95 % quantiles of Student's t for 1 to 30 degrees of freedom. */
    private static final double[] T95 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
        2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
        2.048, 2.045, 2.042};

    /**
     * The two-sided 95 % quantile of Student's t: how many standard errors a mean of {@code df + 1} values must
     * exceed to differ from zero at that level. For a few values far more than 2 (4.30 for three), since their
     * standard deviation is itself poorly known.
     *
     * @param df degrees of freedom, at least 1
     * @return the quantile (1.96 + 2.4 / df beyond 30, within 0.002 of the exact value)
     */
    public static double t95(int df) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom must be at least 1, got " + df);
        }
        return df <= T95.length ? T95[df - 1] : 1.96 + 2.4 / df;
    }

    /** @return +1 when {@code a} is clearly ahead, −1 when clearly behind, 0 when the difference is within noise */
    public int verdict() {
        return verdict(MARGIN);
    }

    /**
     * @param margin standard errors the mean must exceed, e.g. {@link #t95}{@code (cases − 1)} for few cases
     * @return +1 when {@code a} is ahead by more than that, −1 when behind by more, 0 otherwise (also for one case)
     */
    public int verdict(double margin) {
        if (!(standardError >= 0)) {
            return 0;
        }
        return mean > margin * standardError ? 1 : mean < -margin * standardError ? -1 : 0;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%+.3f ± %.3f (standard error over %d cases; better on %d, worse on %d)",
                mean, standardError, cases, aBetter, bBetter);
    }
}
