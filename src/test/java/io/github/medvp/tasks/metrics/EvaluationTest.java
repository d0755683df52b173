package io.github.medvp.tasks.metrics;

import io.github.medvp.tasks.segmentation.LabelSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import net.imglib2.img.array.ArrayImgs;

/** Evaluation of saved predictions: hand-computed Dice, HD95 (mm), empty ground truth, AUC and confusion matrix. */
class EvaluationTest {

    private static final int[] DIMS = { 6, 5, 4 };
    /** 2 mm along X: HD95 must be in millimetres. */
    private static final Geometry GRID = Geometry.ofSpacing(2, 1, 1);

    @TempDir
    Path dir;

    private static int at(int x, int y, int z) {
        return x + DIMS[0] * (y + DIMS[1] * z);
    }

    private static void labels(Path file, int... xyzLabel) throws Exception {
        byte[] b = new byte[DIMS[0] * DIMS[1] * DIMS[2]];
        for (int i = 0; i < xyzLabel.length; i += 4) {
            b[at(xyzLabel[i], xyzLabel[i + 1], xyzLabel[i + 2])] = (byte) xyzLabel[i + 3];
        }
        NiftiWriter.write(new Volume(ArrayImgs.unsignedBytes(b, DIMS[0], DIMS[1], DIMS[2]), GRID), file);
    }

    /**
     * Three BraTS 2023 cases (ET = 3). A: truth oedema at x 1, 2 and ET at x 3 (row y 1, z 1); the prediction adds
     * oedema at x 4. B: empty truth, empty prediction. C: empty truth, a probability map with WT set at one voxel.
     */
    private Path[] brats() throws Exception {
        Path truth = Files.createDirectories(dir.resolve("truth"));
        Path pred = Files.createDirectories(dir.resolve("pred"));
        labels(truth.resolve("A_seg.nii.gz"), 1, 1, 1, 2, 2, 1, 1, 2, 3, 1, 1, 3);
        labels(truth.resolve("B_seg.nii.gz"));
        labels(truth.resolve("C_seg.nii.gz"));
        labels(pred.resolve("A_pred.nii.gz"), 1, 1, 1, 2, 2, 1, 1, 2, 3, 1, 1, 3, 4, 1, 1, 2);
        labels(pred.resolve("B.nii.gz"));
        int n = DIMS[0] * DIMS[1] * DIMS[2];
        float[] p = new float[3 * n];
        p[n + at(0, 0, 0)] = 0.9f; // WT channel
        p[at(5, 4, 3)] = 0.4f; // TC channel, below 0.5
        NiftiWriter.write(new Volume(ArrayImgs.floats(p, DIMS[0], DIMS[1], DIMS[2], 3), GRID),
                pred.resolve("C_probabilities.nii.gz"));
        return new Path[] { pred, truth };
    }

    @Test
    void segmentationDiceAndHd95ByHand() throws Exception {
        Path[] d = brats();
        Path out = dir.resolve("out");
        MetricsReport r = Evaluation.segmentation(d[0], d[1], LabelSpec.parse("brats2023"), out,
                Progress.NONE);
        assertEquals(List.of("A", "B", "C"), r.cases());
        // A, WT: prediction x 1..4, truth x 1..3 → 2·3 / 7. Directed distances prediction → truth {0, 0, 0, 2 mm}:
        // the 95th percentile at 0.95·3 = 2.85 → 0.85·2 = 1.7 mm; truth → prediction all 0.
        assertEquals(6.0 / 7, r.value("A", "WT", "dice"), 1e-12);
        assertEquals(1.7, r.value("A", "WT", "hd95"), 1e-12);
        // TC and ET (label 3 remapped to 4): the same single voxel.
        assertEquals(1, r.value("A", "ET", "dice"), 0);
        assertEquals(0, r.value("A", "TC", "hd95"), 0);
        // Empty truth: 1 when the prediction is empty too, else 0; HD95 undefined.
        assertEquals(1, r.value("B", "WT", "dice"), 0);
        assertTrue(Double.isNaN(r.value("B", "WT", "hd95")));
        assertEquals(0, r.value("C", "WT", "dice"), 0);
        assertEquals(1, r.value("C", "TC", "dice"), 0);
        // WT over cases {6/7, 1, 0}: mean 0.619048, population std 0.441601, median 6/7.
        List<String> summary = Files.readAllLines(out.resolve(Evaluation.SUMMARY_CSV));
        assertTrue(summary.contains("dice,WT,3,3,0.619048,0.441601,0.619048,0.857143"), summary.toString());
        assertTrue(summary.contains("hd95,WT,3,1,nan,0,1.70000,1.70000"), summary.toString());
        assertEquals(10, Files.readAllLines(out.resolve(Evaluation.CASES_CSV)).size());
    }

    @Test
    void aCaseWithoutPredictionIsNamed() throws Exception {
        Path[] d = brats();
        Files.delete(d[0].resolve("B.nii.gz"));
        MedvpException e = assertThrows(MedvpException.class, () -> Evaluation.segmentation(d[0], d[1],
                LabelSpec.parse("brats"), dir.resolve("out"), Progress.NONE));
        assertTrue(e.getMessage().startsWith("1 of 3 cases have no prediction") && e.getMessage().contains("B"),
                e.getMessage());
        assertThrows(MedvpException.class, () -> LabelSpec.parse("tumour"));
    }

    @Test
    void labelValuesOutsideTheSchemeAreRefusedNotCountedAsBackground() throws Exception {
        Path[] d = brats();
        // BraTS 2023's ET = 3 read as BraTS 2018-2021 labels: 3 belongs to no region.
        MedvpException e = assertThrows(MedvpException.class, () -> Evaluation.segmentation(d[0], d[1],
                LabelSpec.parse("brats"), dir.resolve("out"), Progress.NONE));
        assertTrue(e.getMessage().contains("A_seg.nii.gz") && e.getMessage().contains("values 3 ")
                && e.getMessage().contains("0-2, 4"), e.getMessage());
        labels(d[1].resolve("A_seg.nii.gz"), 1, 1, 1, 2, 2, 1, 1, 200);
        e = assertThrows(MedvpException.class, () -> Evaluation.segmentation(d[0], d[1],
                LabelSpec.parse("brats2023"), dir.resolve("out"), Progress.NONE));
        assertTrue(e.getMessage().contains("A_seg.nii.gz") && e.getMessage().contains("values 200 "),
                e.getMessage());
        // A prediction label map with a fractional value (a resampled map saved as labels).
        labels(d[1].resolve("A_seg.nii.gz"), 1, 1, 1, 2);
        float[] f = new float[DIMS[0] * DIMS[1] * DIMS[2]];
        f[at(1, 1, 1)] = 0.5f;
        NiftiWriter.write(new Volume(ArrayImgs.floats(f, DIMS[0], DIMS[1], DIMS[2]), GRID),
                d[0].resolve("A_pred.nii.gz"));
        e = assertThrows(MedvpException.class, () -> Evaluation.segmentation(d[0], d[1],
                LabelSpec.parse("brats2023"), dir.resolve("out"), Progress.NONE));
        assertTrue(e.getMessage().contains("A_pred.nii.gz") && e.getMessage().contains("values 0.5 "),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void exclusiveClassesFromLabelsAndProbabilities() throws Exception {
        LabelSpec d = LabelSpec.parse("classes:CSF=1;GM=2");
        assertEquals(List.of("CSF", "GM"), d.names());
        float[] labels = { 0, 1, 2, 2 };
        boolean[][] m = Evaluation.labelMasks(d, labels, new int[] { 4, 1, 1 });
        assertEquals(List.of(false, true, false, false), List.of(m[0][0], m[0][1], m[0][2], m[0][3]));
        assertTrue(m[1][2] && m[1][3] && !m[1][1]);
        // Background, CSF, GM probabilities: the most probable channel wins.
        float[] p = { 0.8f, 0.1f, 0.3f, 0.2f, 0.1f, 0.6f, 0.3f, 0.3f, 0.1f, 0.3f, 0.4f, 0.5f };
        Volume v = new Volume(ArrayImgs.floats(p, 4, 1, 1, 3), GRID);
        boolean[][] q = Evaluation.predictedMasks(v, dir.resolve("x.nii"), new int[] { 4, 1, 1 }, d);
        assertTrue(!q[0][0] && q[0][1] && !q[0][2] && !q[0][3]);
        assertTrue(!q[1][0] && !q[1][1] && q[1][2] && q[1][3]);
    }

    @Test
    void classificationMetricsByHand() throws Exception {
        Path csv = dir.resolve("pred.csv");
        Files.writeString(csv, "case,true,predicted,p_neg,p_pos\n" + "a,0,0,0.9,0.1\n" + "b,0,1,0.4,0.6\n"
                + "c,1,1,0.3,0.7\n" + "d,1,0,0.8,0.2\n" + "e,pos,pos,0.35,0.65\n");
        String text = Evaluation.classification(csv, dir.resolve("cls"));
        List<String> m = Files.readAllLines(dir.resolve("cls").resolve(Evaluation.CLASS_CSV));
        // Accuracy 3/5; recall neg 1/2, pos 2/3 → balanced 7/12.
        assertTrue(m.contains("accuracy,0.600000"), m.toString());
        assertTrue(m.contains("balanced_accuracy,0.583333"), m.toString());
        // Scores p_pos − p_neg: positives 0.4, −0.6, 0.3 against negatives −0.8, 0.2: 5 of 6 pairs ordered.
        assertTrue(m.contains("auc_pos,0.833333") && m.contains("auc_neg,0.833333"), m.toString());
        List<String> cm = Files.readAllLines(dir.resolve("cls").resolve(Evaluation.CONFUSION_CSV));
        assertEquals(List.of("true\\predicted,neg,pos", "neg,1,1", "pos,1,2"), cm);
        assertTrue(text.startsWith("5 cases, accuracy 0.6000"), text);
        // Class names holding commas are quoted, as a CSV writer does.
        Files.writeString(csv, "case,true,predicted,\"p_no, none\",p_pos\na,\"no, none\",pos,0.4,0.6\n"
                + "b,pos,\"no, none\",0.7,0.3\n");
        Evaluation.classification(csv, dir.resolve("quoted"));
        assertEquals(List.of("true\\predicted,\"no, none\",pos", "\"no, none\",0,1", "pos,1,0"),
                Files.readAllLines(dir.resolve("quoted").resolve(Evaluation.CONFUSION_CSV)));
        Files.writeString(csv, "case,true,predicted,p_neg,p_pos\na,0,7,0.9,0.1\n");
        MedvpException e = assertThrows(MedvpException.class, () -> Evaluation.classification(csv, dir));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("'7'"), e.getMessage());
    }
}
