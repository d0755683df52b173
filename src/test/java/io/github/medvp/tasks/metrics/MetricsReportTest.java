package io.github.medvp.tasks.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsReportTest {

    private static final double NAN = Double.NaN;

    @TempDir
    Path dir;

    private static MetricsReport threeCases() {
        MetricsReport r = MetricsReport.builder().setRegions("TC", "WT").build();
        r.add("a", new double[][] {{0.5, 2}, {1.0, 1}});
        r.add("b", new double[][] {{0.7, NAN}, {0.0, 3}});
        r.add("c,1", new double[][] {{0.9, 4}, {0.5, 5}});
        return r;
    }

    @Test
    void nanMeanOverCasesThenMeanOverRegions() {
        MetricsReport r = threeCases();
        MetricsReport.Stats tcDice = r.stats("dice", "TC");
        assertEquals(0.7, tcDice.mean(), 1e-15);
        assertEquals(0.7, tcDice.nanMean(), 1e-15);
        assertEquals(Math.sqrt((0.04 + 0 + 0.04) / 3), tcDice.std(), 1e-15);
        MetricsReport.Stats tcHd = r.stats("hd95", "TC");
        assertTrue(Double.isNaN(tcHd.mean()));
        assertEquals(3, tcHd.nanMean(), 1e-15);
        assertEquals(1, tcHd.std(), 1e-15);
        assertEquals(2, tcHd.valid());
        assertEquals(3, tcHd.median(), 1e-15);
        assertEquals(0.5, r.stats("dice", "WT").median(), 1e-15);
        assertEquals(0.6, r.overall("dice").median(), 1e-15);
        assertEquals(3, tcHd.cases());
        MetricsReport.Stats hd = r.overall("hd95");
        assertEquals((3 + 3) / 2.0, hd.nanMean(), 1e-15);
        assertEquals(2, hd.valid());
        assertEquals((0.7 + 0.5) / 2, r.overall("dice").nanMean(), 1e-15);
    }

    @Test
    void writesCaseAndSummaryFiles() throws Exception {
        MetricsReport r = threeCases();
        r.writeCases(dir.resolve("cases.csv"));
        r.writeSummary(dir.resolve("summary.csv"));
        List<String> cases = Files.readAllLines(dir.resolve("cases.csv"));
        assertEquals("case,region,dice,hd95", cases.get(0));
        assertEquals("a,TC,0.500000,2", cases.get(1));
        assertEquals("b,TC,0.700000,nan", cases.get(3));
        assertEquals("\"c,1\",WT,0.500000,5", cases.get(6));
        assertEquals(7, cases.size());
        List<String> summary = Files.readAllLines(dir.resolve("summary.csv"));
        assertEquals("metric,region,cases,valid,mean,std,nanmean,median", summary.get(0));
        assertEquals("hd95,TC,3,2,nan,1,3,3", summary.get(4));
        assertEquals("hd95,mean,3,2,nan,nan,3,3", summary.get(6));
        assertEquals("dice,mean,3,3,0.600000,nan,0.600000,0.600000", summary.get(3));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files are left");
        }
    }

    @Test
    void tableShowsEveryRegionAndTheMean() {
        String t = threeCases().table();
        String[] lines = t.split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[0].startsWith("region"));
        assertTrue(lines[1].startsWith("TC "), t);
        assertTrue(lines[1].contains("3.0000 ± 1.0000 (2 valid)"), t);
        assertTrue(lines[3].startsWith("mean"), t);
        assertTrue(lines[3].contains("0.6000"), t);
    }

    @Test
    void segmentationCasesComputeDiceAndHd95() {
        MetricsReport r = MetricsReport.builder().setRegions("lesion").build();
        boolean[] g = new boolean[27];
        g[13] = true;
        boolean[] p = new boolean[27];
        p[13] = true;
        p[14] = true;
        r.addSegmentation("x", new boolean[][] {p}, new boolean[][] {g}, new int[] {3, 3, 3}, new double[] {2, 1, 1});
        assertEquals(2.0 / 3, r.value("x", "lesion", "dice"), 1e-15);
        // Directed distances {0, 2} and {0}: the 95th percentile interpolates to 1.9.
        assertEquals(1.9, r.value("x", "lesion", "hd95"), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> r.add("x", new double[][] {{1, 1}}));
        assertThrows(IllegalArgumentException.class, () -> MetricsReport.builder().setRegions("mean"));
    }
}
