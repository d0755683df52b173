package io.github.medvp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Compares the loss columns of two runs' {@code metrics.csv}, step by step (data-parallel tests). */
public final class SameLosses {

    private SameLosses() {
    }

    /**
     * @param one the first run folder
     * @param two the second
     * @param columns the loss columns to compare
     * @param relative the largest relative difference allowed (absolute below 1e-6)
     * @param steps how many log lines at least
     * @return the largest relative difference seen
     */
    public static double assertSame(Path one, Path two, List<String> columns, double relative, int steps)
            throws IOException {
        Map<String, double[]> a = MetricsLog.read(RunFolder.metricsCsv(one));
        Map<String, double[]> b = MetricsLog.read(RunFolder.metricsCsv(two));
        assertTrue(a.get("step").length >= steps, "only " + a.get("step").length + " log lines");
        assertEquals(a.get("step").length, b.get("step").length, "log lines");
        double worst = 0;
        for (String c : columns) {
            double[] x = a.get(c);
            double[] y = b.get(c);
            for (int i = 0; i < x.length; i++) {
                double d = Math.abs(x[i] - y[i]) / Math.max(1e-6, Math.abs(x[i]));
                worst = Math.max(worst, d);
                assertTrue(d < relative, c + " at line " + (i + 1) + ": " + x[i] + " and " + y[i] + "\n"
                        + java.nio.file.Files.readString(RunFolder.metricsCsv(one)) + "\n"
                        + java.nio.file.Files.readString(RunFolder.metricsCsv(two)));
            }
        }
        return worst;
    }
}
