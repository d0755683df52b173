package io.github.medvp.tasks.mg3d;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.TestProgress;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retrieval ranks and recalls, and zero-shot scores, on hand-made similarity matrices; lists refused up front. */
class RetrievalTest {

    @Test
    void ranksRecallsAndMedianBothWays() {
        // Row i: report i; column j: volume j; the diagonal holds the true pairs.
        double[][] s = {
            {0.9, 0.1, 0.2},
            {0.8, 0.5, 0.7},
            {0.0, 0.6, 0.3},
        };
        Retrieval.Result r = Retrieval.evaluate(s);
        // Report 0: its volume is best (rank 1); report 1: 0.8 and 0.7 beat 0.5 (rank 3); report 2: 0.6 beats 0.3.
        assertArrayEquals(new int[] {1, 3, 2}, r.reportToVolume().ranks());
        // Volume 0: 0.9 is best; volume 1: 0.6 beats 0.5; volume 2: 0.7 beats 0.3.
        assertArrayEquals(new int[] {1, 2, 2}, r.volumeToReport().ranks());
        assertEquals(1.0 / 3, r.reportToVolume().recallAt(1), 1e-12);
        assertEquals(1.0, r.reportToVolume().recallAt(5), 1e-12);
        assertEquals(2.0, r.reportToVolume().medianRank(), 0);
        assertEquals(2.0, r.volumeToReport().medianRank(), 0);
    }

    @Test
    void chanceFiguresAndTheRankSumsSignificance() {
        double[][] s = {
            {0.9, 0.1, 0.2},
            {0.8, 0.5, 0.7},
            {0.0, 0.6, 0.3},
        };
        Retrieval.Direction d = Retrieval.evaluate(s).reportToVolume(); // ranks 1, 3, 2
        assertEquals(2.0, d.meanRank(), 0);
        assertEquals(2.0, d.chanceRank(), 0);
        assertEquals(1.0 / 3, d.chanceRecallAt(1), 1e-12);
        assertEquals(1.0, d.chanceRecallAt(5), 0);
        assertEquals(0.0, d.rankZ(), 1e-12);
        // Three ranks uniform on 1..3 sum to at most 6 in 17 of 27 cases (sum 6: the 6 orders of 1, 2, 3 and 2, 2, 2).
        assertEquals(17.0 / 27, d.rankP(), 1e-12);
        // Eight partners all ranked first: p = (1/8)^8, z = (1 - 4.5) / sqrt(63 / 96).
        double[][] eye = new double[8][8];
        for (int i = 0; i < 8; i++) {
            eye[i][i] = 1;
        }
        Retrieval.Direction perfect = Retrieval.evaluate(eye).volumeToReport();
        assertEquals(Math.pow(8, -8), perfect.rankP(), 1e-20);
        assertEquals(-3.5 / Math.sqrt(63.0 / 96), perfect.rankZ(), 1e-12);
        // All ranks last: p = 1. The normal approximation above the exact range agrees with the exact value.
        assertEquals(1.0, Retrieval.evaluate(negate(eye)).reportToVolume().rankP(), 1e-12);
        int[] ranks = new int[60];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = 1 + (i * 7) % 52; // mean 26.2 of 60 against 30.5 at random
        }
        Retrieval.Direction many = new Retrieval.Direction(ranks, new double[Retrieval.KS.length], 0);
        double exact = many.rankP();
        assertTrue(exact > 0.001 && exact < 0.05, "p " + exact);
        double approx = Retrieval.normalCdf((java.util.Arrays.stream(ranks).sum() + 0.5 - 60 * 30.5)
                / Math.sqrt(60 * (3600 - 1) / 12.0));
        assertEquals(exact, approx, 0.1 * exact, "normal approximation");
        assertEquals(0.975, Retrieval.normalCdf(1.959964), 1e-6);
        assertTrue(Retrieval.againstChance(Retrieval.evaluate(eye)).contains("R@1 1.000 (chance 0.125)"));
    }

    private static double[][] negate(double[][] m) {
        double[][] r = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            r[i] = java.util.Arrays.stream(m[i]).map(v -> -v).toArray();
        }
        return r;
    }

    @Test
    void zeroShotScoresArePairwiseSoftmaxesAndMetricsFollow() {
        float[][] volumes = {{1, 0}, {0, 1}, {0.6f, 0.8f}};
        float[][] pos = {{1, 0}};
        float[][] neg = {{0, 1}};
        double[][] truth = {{1}, {0}, {Double.NaN}};
        ZeroShot.Result r = ZeroShot.score(volumes, pos, neg, List.of("effusion"), truth, List.of("a", "b", "c"));
        // Volume 0: cos 1 vs 0 → 1/(1+e^{-10}); volume 2: 0.6 vs 0.8 → 1/(1+e^{2}).
        assertEquals(1 / (1 + Math.exp(-10)), r.scores()[0][0], 1e-9);
        assertEquals(1 / (1 + Math.exp(2)), r.scores()[2][0], 1e-6);
        ZeroShot.ClassResult c = r.classes().get(0);
        assertEquals(2, c.n());
        assertEquals(1, c.positives());
        assertEquals(1.0, c.accuracy(), 0);
        assertEquals(1.0, c.auc(), 0);
        assertArrayEquals(new String[] {"Pleural effusion is present.", "No pleural effusion."},
                ZeroShot.defaultPrompts("Pleural effusion"));
        // Mass nouns and count nouns alike, and custom templates.
        assertArrayEquals(new String[] {"Emphysema is present.", "No emphysema."}, ZeroShot.defaultPrompts("Emphysema"));
        assertArrayEquals(new String[] {"There is a lung nodule.", "There is no lung nodule."},
                new ZeroShot.Prompts("there is a {label}.", "there is no {label}.").of("Lung_nodule"));
        assertThrows(io.github.medvp.SettingsException.class, () -> new ZeroShot.Prompts("there is a lesion", "no"));
        assertThrows(io.github.medvp.SettingsException.class, () -> new ZeroShot.Prompts("{label}", "{label}"));
    }

    @Test
    void anEmptyListIsRefusedBeforeAnyModelIsRead(@TempDir Path dir) throws Exception {
        Path list = Files.writeString(dir.resolve("empty.csv"), "VolumeName,Findings_EN,Effusion\n");
        Path none = dir.resolve("none.safetensors");
        MedvpException e = assertThrows(MedvpException.class,
                () -> Retrieval.run(none, list, dir.resolve("out"), "cpu", 1, Progress.NONE));
        assertTrue(e.getMessage().startsWith(list + " lists no volume-report pairs"), e.getMessage());
        e = assertThrows(MedvpException.class,
                () -> ZeroShot.run(none, list, null, dir.resolve("out"), "cpu", 1, Progress.NONE));
        assertTrue(e.getMessage().startsWith(list + " lists no volumes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Retrieval.evaluate(new double[0][]));
    }

    @Test
    void zeroShotRefusesAMalformedLabelColumnAndNamesTheIgnoredOnes(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("a.nii.gz"), new byte[] {0});
        Files.write(dir.resolve("b.nii.gz"), new byte[] {0});
        Path list = Files.writeString(dir.resolve("list.csv"),
                "VolumeName,Findings_EN,Effusion,age\na.nii.gz,x,yes,61\nb.nii.gz,y,unsure,70\n");
        Path none = dir.resolve("none.safetensors");
        MedvpException e = assertThrows(MedvpException.class,
                () -> ZeroShot.run(none, list, null, dir.resolve("out"), "cpu", 1, Progress.NONE));
        assertTrue(e.getMessage().contains("'Effusion'") && e.getMessage().contains("'unsure'"), e.getMessage());
        Files.writeString(list, "VolumeName,Findings_EN,Effusion,age\na.nii.gz,x,yes,61\nb.nii.gz,y,no,70\n");
        List<String> logged = new ArrayList<>();
        Progress log = TestProgress.logging(logged);
        // The checkpoint does not exist: the run stops there, after the list has been read.
        assertThrows(Exception.class, () -> ZeroShot.run(none, list, null, dir.resolve("out"), "cpu", 1, log));
        assertEquals(List.of("zero-shot: columns ignored, not yes/no labels: age"), logged);
    }
}
