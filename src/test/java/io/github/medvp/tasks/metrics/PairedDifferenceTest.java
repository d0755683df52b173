package io.github.medvp.tasks.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.MedvpException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Paired differences against hand-computed values. */
class PairedDifferenceTest {

    @Test
    void meanStandardErrorAndWinsByHand() {
        // Differences 0.1, 0, 0.2 (the NaN case is left out): mean 0.1, sample sd 0.1, SE 0.1 / sqrt(3).
        PairedDifference d = PairedDifference.of(new double[] {0.9, 0.8, 0.7, Double.NaN},
                new double[] {0.8, 0.8, 0.5, 0.3});
        assertEquals(3, d.cases());
        assertEquals(0.1, d.mean(), 1e-12);
        assertEquals(0.1 / Math.sqrt(3), d.standardError(), 1e-12);
        assertEquals(2, d.aBetter());
        assertEquals(0, d.bBetter());
        // 0.1 < 2 x 0.0577: within noise.
        assertEquals(0, d.verdict());
        assertTrue(d.toString().startsWith("+0.100 ± 0.058"), d.toString());
    }

    @Test
    void clearDifferencesEitherWay() {
        // Differences 0.10, 0.12, 0.08: mean 0.1, sd 0.02, SE 0.0115 -> clearly ahead; swapped, clearly behind.
        double[] a = {0.90, 0.72, 0.58};
        double[] b = {0.80, 0.60, 0.50};
        assertEquals(1, PairedDifference.of(a, b).verdict());
        assertEquals(-1, PairedDifference.of(b, a).verdict());
        assertEquals(0, PairedDifference.of(new double[] {0.5}, new double[] {0.1}).verdict(), "one case: no SE");
    }

    @Test
    void studentQuantilesAndAMarginOfOnesChoice() {
        // Tables of the t distribution (two-sided 95 %).
        assertEquals(12.706, PairedDifference.t95(1), 1e-3);
        assertEquals(4.303, PairedDifference.t95(2), 1e-3);
        assertEquals(2.201, PairedDifference.t95(11), 1e-3);
        assertEquals(2.0003, PairedDifference.t95(60), 2e-3);
        assertEquals(1.9799, PairedDifference.t95(120), 2e-3);
        assertThrows(IllegalArgumentException.class, () -> PairedDifference.t95(0));
        // Differences 0.14, 0.08, 0.08: mean 0.1, sd 0.0346, SE 0.02, 5 SE: clear at 2 and at t(2) = 4.30.
        PairedDifference d = PairedDifference.of(new double[] {0.14, 0.08, 0.08}, new double[3]);
        assertEquals(0.02, d.standardError(), 1e-12);
        assertEquals(1, d.verdict(PairedDifference.t95(2)));
        // Differences 0.16, 0.02, 0.12: mean 0.1, sd 0.072, SE 0.0416, 2.4 SE: clear at 2, not at 4.30.
        PairedDifference e = PairedDifference.of(new double[] {0.16, 0.02, 0.12}, new double[3]);
        assertEquals(1, e.verdict());
        assertEquals(0, e.verdict(PairedDifference.t95(2)));
    }

    @Test
    void perCaseMeansOverDefinedRegions() {
        MetricsReport r = MetricsReport.builder().setRegions("TC", "WT").optMetrics(MetricsReport.DICE).build();
        r.add("a", new double[][] {{0.5}, {0.7}});
        r.add("b", new double[][] {{Double.NaN}, {0.4}});
        r.add("c", new double[][] {{Double.NaN}, {Double.NaN}});
        double[] v = PairedDifference.perCase(r, List.of("b", "a", "c"), MetricsReport.DICE);
        assertArrayEquals(new double[] {0.4, 0.6, Double.NaN}, v, 1e-12);
    }

    @Test
    void unpairedInputIsRefused() {
        assertThrows(MedvpException.class, () -> PairedDifference.of(new double[2], new double[3]));
        assertThrows(MedvpException.class, () -> PairedDifference.of(new double[] {Double.NaN},
                new double[] {1}));
    }
}
