package io.github.medvp.tasks.metrics;

import io.github.medvp.tasks.segmentation.Postprocess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.medvp.io.AtomicFiles;
import io.github.medvp.train.MetricsLog;

/**
 * Per-case metric values of an evaluation (a value per case, region and metric) and their summary, written as CSV
 * files and shown as a terminal table.
 * <p>
 * Averaging follows the reference ({@code cal_metrics} in BrainMVP's {@code Downstream/train_utils.py}): per region the
 * NaN-mean over cases (an undefined value such as the HD95 of an empty mask is left out, and counted as not valid),
 * then the plain mean of those over the regions. The summary also gives the plain mean (NaN as soon as one case is NaN,
 * like {@code numpy.mean}), the population standard deviation of the valid values ({@code numpy.nanstd}, ddof 0) and
 * their median ({@code numpy.nanmedian}: the mean of the two middle values for an even count).
 * <p>
 * Thread-safe: validation workers may add cases concurrently; cases keep the order they were added in.
 * <pre>{@code
 * MetricsReport report = MetricsReport.builder().setRegions("TC", "WT", "ET").build();
 * report.addSegmentation(id, predMasks, truthMasks, dims, spacing);
 * report.writeCases(dir.resolve("metrics_cases.csv"));
 * report.writeSummary(dir.resolve("metrics_summary.csv"));
 * progress.log(report.table());
 * }</pre>
 */
public final class MetricsReport {

    /** Metric name of {@link Metrics#dice}. */
    public static final String DICE = "dice";
    /** Metric name of {@link Metrics#hd95}, in millimetres. */
    public static final String HD95 = "hd95";
    /** The region name of the mean-over-regions rows of the summary. */
    public static final String MEAN_OVER_REGIONS = "mean";

    private final List<String> regions;
    private final List<String> metrics;
    private final Map<String, double[][]> cases = new LinkedHashMap<>();

    private MetricsReport(Builder b) {
        this.regions = b.regions;
        this.metrics = b.metrics;
    }

    /** A builder; regions are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Region (or class) names, in column order. */
    public List<String> regions() {
        return regions;
    }

    /** Metric names. */
    public List<String> metrics() {
        return metrics;
    }

    /** Case ids, in the order they were added. */
    public synchronized List<String> cases() {
        return List.copyOf(cases.keySet());
    }

    /**
     * Adds one case.
     *
     * @param values {@code [region][metric]} in the order of {@link #regions()} and {@link #metrics()}
     * @throws IllegalArgumentException for a case id added before (it would count twice) or a wrong shape
     */
    public synchronized void add(String caseId, double[][] values) {
        if (values.length != regions.size()) {
            throw new IllegalArgumentException(values.length + " regions for case " + caseId + ", report has "
                    + regions.size());
        }
        double[][] copy = new double[values.length][];
        for (int r = 0; r < values.length; r++) {
            if (values[r].length != metrics.size()) {
                throw new IllegalArgumentException(values[r].length + " values for case " + caseId + " region "
                        + regions.get(r) + ", report has metrics " + metrics);
            }
            copy[r] = values[r].clone();
        }
        if (cases.putIfAbsent(caseId, copy) != null) {
            throw new IllegalArgumentException("case " + caseId + " was already added");
        }
    }

    /**
     * Computes and adds Dice and HD95 of every region of one case; other metrics of the report are NaN.
     *
     * @param pred predicted masks, one per region ({@link Postprocess})
     * @param truth ground-truth masks, one per region
     * @param dims grid (X, Y, Z)
     * @param spacing voxel size in millimetres (X, Y, Z)
     */
    public void addSegmentation(String caseId, boolean[][] pred, boolean[][] truth, int[] dims, double[] spacing) {
        int dice = metrics.indexOf(DICE);
        int hd = metrics.indexOf(HD95);
        if (dice < 0 || hd < 0) {
            throw new IllegalStateException("addSegmentation needs metrics " + DICE + " and " + HD95 + ", report has "
                    + metrics);
        }
        if (pred.length != regions.size() || truth.length != regions.size()) {
            throw new IllegalArgumentException(pred.length + " predicted and " + truth.length + " true masks for "
                    + regions.size() + " regions");
        }
        double[][] v = new double[regions.size()][metrics.size()];
        for (int r = 0; r < v.length; r++) {
            Arrays.fill(v[r], Double.NaN);
            v[r][dice] = Metrics.dice(pred[r], truth[r]);
            v[r][hd] = Metrics.hd95(pred[r], truth[r], dims, spacing);
        }
        add(caseId, v);
    }

    /** The value of one case, region and metric. */
    public synchronized double value(String caseId, String region, String metric) {
        double[][] v = cases.get(caseId);
        if (v == null) {
            throw new IllegalArgumentException("no case " + caseId);
        }
        return v[index(regions, region, "region")][index(metrics, metric, "metric")];
    }

    /**
     * Statistics of one metric over cases.
     *
     * @param cases number of cases
     * @param valid cases with a defined (non-NaN) value
     * @param mean plain mean (NaN if any case is NaN)
     * @param std population standard deviation of the valid values
     * @param nanMean mean of the valid values (the reference's average)
     * @param median median of the valid values
     */
    public record Stats(int cases, int valid, double mean, double std, double nanMean, double median) {
    }

    /** Statistics over cases of one metric in one region. */
    public synchronized Stats stats(String metric, String region) {
        int m = index(metrics, metric, "metric");
        int r = index(regions, region, "region");
        double sum = 0, validSum = 0;
        int valid = 0;
        for (double[][] v : cases.values()) {
            double x = v[r][m];
            sum += x;
            if (!Double.isNaN(x)) {
                validSum += x;
                valid++;
            }
        }
        double nanMean = valid == 0 ? Double.NaN : validSum / valid;
        double ss = 0;
        double[] values = new double[valid];
        int j = 0;
        for (double[][] v : cases.values()) {
            double x = v[r][m];
            if (!Double.isNaN(x)) {
                ss += (x - nanMean) * (x - nanMean);
                values[j++] = x;
            }
        }
        Arrays.sort(values);
        int n = cases.size();
        return new Stats(n, valid, n == 0 ? Double.NaN : sum / n, valid == 0 ? Double.NaN : Math.sqrt(ss / valid),
                nanMean, Metrics.quantile(values, 0.5));
    }

    /**
     * The mean over regions of the per-region statistics of one metric: {@code nanMean} is the reference's headline
     * figure (NaN-mean over cases, then mean over regions), {@code median} the mean of the per-region medians.
     * {@code std} is NaN (a spread over cases is not defined for a mean of per-region means); {@code valid} counts
     * the cases valid in every region.
     */
    public synchronized Stats overall(String metric) {
        double mean = 0, nanMean = 0, median = 0;
        for (String r : regions) {
            Stats s = stats(metric, r);
            mean += s.mean();
            nanMean += s.nanMean();
            median += s.median();
        }
        int m = index(metrics, metric, "metric");
        int valid = 0;
        for (double[][] v : cases.values()) {
            boolean all = true;
            for (double[] region : v) {
                all &= !Double.isNaN(region[m]);
            }
            valid += all ? 1 : 0;
        }
        int k = regions.size();
        return new Stats(cases.size(), valid, mean / k, Double.NaN, nanMean / k, median / k);
    }

    /** Writes {@code case,region,<metrics…>}, one row per case and region, atomically. */
    public synchronized void writeCases(Path csv) throws IOException {
        StringBuilder sb = new StringBuilder("case,region");
        for (String m : metrics) {
            sb.append(',').append(cell(m));
        }
        sb.append('\n');
        for (Map.Entry<String, double[][]> e : cases.entrySet()) {
            for (int r = 0; r < regions.size(); r++) {
                sb.append(cell(e.getKey())).append(',').append(cell(regions.get(r)));
                for (double v : e.getValue()[r]) {
                    sb.append(',').append(MetricsLog.format(v));
                }
                sb.append('\n');
            }
        }
        AtomicFiles.write(csv, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code metric,region,cases,valid,mean,std,nanmean,median}: per metric one row per region and a last row
     * with region {@value #MEAN_OVER_REGIONS} ({@link #overall}), atomically.
     */
    public synchronized void writeSummary(Path csv) throws IOException {
        StringBuilder sb = new StringBuilder("metric,region,cases,valid,mean,std,nanmean,median\n");
        for (String m : metrics) {
            for (String r : regions) {
                summaryRow(sb, m, r, stats(m, r));
            }
            summaryRow(sb, m, MEAN_OVER_REGIONS, overall(m));
        }
        AtomicFiles.write(csv, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void summaryRow(StringBuilder sb, String metric, String region, Stats s) {
        sb.append(cell(metric)).append(',').append(cell(region)).append(',').append(s.cases()).append(',')
                .append(s.valid()).append(',').append(MetricsLog.format(s.mean())).append(',')
                .append(MetricsLog.format(s.std())).append(',').append(MetricsLog.format(s.nanMean())).append(',')
                .append(MetricsLog.format(s.median())).append('\n');
    }

    /**
     * A fixed-width table for a terminal or log: one row per region and one for the mean over regions, per metric
     * the NaN-mean ± standard deviation, and the number of valid cases when some are undefined.
     */
    public synchronized String table() {
        List<String[]> rows = new ArrayList<>();
        String[] head = new String[metrics.size() + 2];
        head[0] = "region";
        head[1] = "cases";
        for (int m = 0; m < metrics.size(); m++) {
            head[m + 2] = metrics.get(m);
        }
        rows.add(head);
        List<String> names = new ArrayList<>(regions);
        names.add(MEAN_OVER_REGIONS);
        for (String r : names) {
            String[] row = new String[head.length];
            row[0] = r;
            row[1] = Integer.toString(cases.size());
            for (int m = 0; m < metrics.size(); m++) {
                Stats s = r.equals(MEAN_OVER_REGIONS) ? overall(metrics.get(m)) : stats(metrics.get(m), r);
                String cellText = String.format(Locale.ROOT, "%.4f", s.nanMean());
                if (!Double.isNaN(s.std())) {
                    cellText += String.format(Locale.ROOT, " ± %.4f", s.std());
                }
                if (s.valid() < s.cases()) {
                    cellText += " (" + s.valid() + " valid)";
                }
                row[m + 2] = cellText;
            }
            rows.add(row);
        }
        int[] width = new int[head.length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                sb.append(c == 0 ? "" : "  ").append(row[c]).append(" ".repeat(width[c] - row[c].length()));
            }
            sb.setLength(sb.length() - (width[row.length - 1] - row[row.length - 1].length()));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static int index(List<String> names, String name, String what) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no " + what + " '" + name + "' in " + names);
        }
        return i;
    }

    /** A CSV cell, quoted when it contains a separator, quote or line break (RFC 4180). */
    public static String cell(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** Builder of {@link MetricsReport}. */
    public static final class Builder {
        private List<String> regions;
        private List<String> metrics = List.of(DICE, HD95);

        private Builder() {
        }

        /** Region or class names (required, not {@value MetricsReport#MEAN_OVER_REGIONS}), e.g. TC, WT, ET. */
        public Builder setRegions(String... regions) {
            this.regions = distinct(List.of(regions), "region");
            if (this.regions.contains(MEAN_OVER_REGIONS)) {
                throw new IllegalArgumentException("'" + MEAN_OVER_REGIONS + "' names the mean over regions");
            }
            return this;
        }

        /** Metric names (default {@value MetricsReport#DICE}, {@value MetricsReport#HD95}). */
        public Builder optMetrics(String... metrics) {
            this.metrics = distinct(List.of(metrics), "metric");
            return this;
        }

        private static List<String> distinct(List<String> names, String what) {
            if (names.isEmpty() || names.stream().distinct().count() != names.size()) {
                throw new IllegalArgumentException(what + " names must be given and distinct: " + names);
            }
            return names;
        }

        /** Builds the (empty) report. */
        public MetricsReport build() {
            if (regions == null) {
                throw new IllegalStateException("setRegions is required");
            }
            return new MetricsReport(this);
        }
    }
}
