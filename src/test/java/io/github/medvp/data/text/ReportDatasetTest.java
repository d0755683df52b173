package io.github.medvp.data.text;

import io.github.medvp.data.manifest.Split;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.MedvpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportDatasetTest {

    private static Path touch(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.write(file, new byte[] {0});
    }

    @Test
    void readsCtRateColumnsQuotedTextNestedLayoutAndLabels(@TempDir Path dir) throws Exception {
        touch(dir.resolve("train/train_1/train_1_a/train_1_a_1.nii.gz"));
        touch(dir.resolve("vols/other.nii.gz"));
        Path list = dir.resolve("train_reports.csv");
        Files.writeString(list, "\uFEFFVolumeName,ClinicalInformation_EN,Technique_EN,Findings_EN,Impressions_EN\r\n"
                + "train_1_a_1.nii.gz,Cough.,Non-contrast,\"Lungs clear, no nodule.\nHeart normal.\","
                + "\"No \"\"acute\"\" finding.\"\r\n"
                + "vols/other.nii.gz,,,,Effusion.\r\n");
        Path labels = dir.resolve("train_predicted_labels.csv");
        Files.writeString(labels, "VolumeName,Emphysema,Lung nodule\ntrain_1_a_1.nii.gz,1,0\nother.nii.gz,0,1\n");
        ReportDataset d = ReportDataset.builder(list).optLabels(labels).build();
        assertEquals(2, d.size());
        ReportRecord a = d.get(0);
        assertEquals("train_1_a_1", a.id());
        assertEquals(dir.resolve("train/train_1/train_1_a/train_1_a_1.nii.gz"), a.volume());
        assertEquals("Lungs clear, no nodule.\nHeart normal.", a.findings());
        assertEquals("No \"acute\" finding.", a.impression());
        assertEquals(List.of("Emphysema", "Lung nodule"), d.labelNames());
        assertEquals(1.0, a.labels().get("Emphysema"));
        assertEquals(0.0, a.labels().get("Lung nodule"));
        ReportRecord b = d.get(1);
        assertEquals(dir.resolve("vols/other.nii.gz"), b.volume());
        assertEquals("", b.findings());
        assertEquals(1.0, b.labels().get("Lung nodule"));
        assertEquals("Effusion.", b.text());
    }

    @Test
    void numericColumnsOfTheListAreLabelsAndJsonWorksToo(@TempDir Path dir) throws Exception {
        touch(dir.resolve("a.nii.gz"));
        touch(dir.resolve("b.nii"));
        Path csv = dir.resolve("list.csv");
        Files.writeString(csv, "image,findings,impression,effusion,note\na.nii.gz,F1,I1,1,x\nb.nii,F2,I2,,y\n");
        ReportDataset d = ReportDataset.read(csv);
        assertEquals(List.of("effusion"), d.labelNames());
        assertTrue(Double.isNaN(d.get(1).labels().get("effusion")));
        assertEquals("b", d.get(1).id());
        Path json = dir.resolve("list.json");
        Files.writeString(json, "{\"training\": [{\"id\": \"s1\", \"image\": \"a.nii.gz\", \"findings\": \"F1\","
                + " \"labels\": {\"effusion\": 1}}], \"validation\": [{\"image\": \"b.nii\", \"impression\": \"I2\","
                + " \"effusion\": false}]}");
        ReportDataset train = ReportDataset.read(json);
        assertEquals("s1", train.get(0).id());
        assertEquals(1.0, train.get(0).labels().get("effusion"));
        ReportDataset val = ReportDataset.builder(json).optSplit(Split.VALIDATION).build();
        assertEquals("I2", val.get(0).impression());
        assertEquals(0.0, val.get(0).labels().get("effusion"));
        Path array = dir.resolve("array.json");
        Files.writeString(array, "[{\"VolumeName\": \"a.nii.gz\", \"Findings_EN\": \"F\"}]");
        assertEquals("F", ReportDataset.read(array).get(0).findings());
    }

    @Test
    void errorsNameTheFileRowAndColumn(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("list.csv");
        Files.writeString(csv, "VolumeName,Technique_EN\nx.nii.gz,CT\n");
        MedvpException e = assertThrows(MedvpException.class, () -> ReportDataset.read(csv));
        assertTrue(e.getMessage().contains("list.csv") && e.getMessage().contains("Findings_EN"), e.getMessage());
        Files.writeString(csv, "Findings_EN\nclear\n");
        e = assertThrows(MedvpException.class, () -> ReportDataset.read(csv));
        assertTrue(e.getMessage().contains("VolumeName"), e.getMessage());
        Files.writeString(csv, "VolumeName,Findings_EN\nok.nii.gz,a\ntrain_7_b_2.nii.gz,b\n");
        touch(dir.resolve("ok.nii.gz"));
        e = assertThrows(MedvpException.class, () -> ReportDataset.read(csv));
        assertTrue(e.getMessage().contains("row 2") && e.getMessage().contains("train_7_b_2.nii.gz")
                && e.getMessage().contains("train_7_b"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertEquals(2, ReportDataset.builder(csv).optCheckFiles(false).build().size());
        Files.writeString(csv, "VolumeName,Findings_EN\nok.nii.gz,\"never closed\n");
        e = assertThrows(MedvpException.class, () -> ReportDataset.read(csv));
        assertTrue(e.getMessage().contains("line 2: unbalanced quote"), e.getMessage());
        e = assertThrows(MedvpException.class, () -> ReportDataset.read(dir.resolve("nope.csv")));
        assertTrue(e.getMessage().contains("nope.csv"), e.getMessage());
    }

    @Test
    void yesNoColumnsAreLabelsAndTheOthersAreNamed(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("list.csv");
        Files.writeString(csv, "image,findings,Effusion,Nodule,age,Technique_EN,Mass\n"
                + "a.nii.gz,F1,yes,1.0,63,Non-contrast,1\n"
                + "b.nii.gz,F2,No,0,70,No,maybe\n"
                + "c.nii.gz,F3,,TRUE,58,,0\n");
        ReportDataset d = ReportDataset.builder(csv).optCheckFiles(false).build();
        assertEquals(List.of("Effusion", "Nodule"), d.labelNames());
        assertEquals(List.of("age", "Technique_EN", "Mass"), d.ignoredColumns());
        assertEquals(1.0, d.get(0).labels().get("Effusion"));
        assertEquals(0.0, d.get(1).labels().get("Effusion"));
        assertTrue(Double.isNaN(d.get(2).labels().get("Effusion")));
        assertEquals(1.0, d.get(2).labels().get("Nodule"));
        // Zero-shot scores the labels: a column mixing yes/no with something else is refused, naming it.
        MedvpException e = assertThrows(MedvpException.class,
                () -> ReportDataset.builder(csv).optCheckFiles(false).optStrictLabels(true).build());
        assertTrue(e.getMessage().contains("list.csv") && e.getMessage().contains("'Mass'")
                && e.getMessage().contains("'maybe' (row 2)"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        // A labels file is held to the same rule.
        Files.writeString(csv, "image,findings\na.nii.gz,F1\n");
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, "VolumeName,Effusion\na.nii.gz,2\n");
        e = assertThrows(MedvpException.class, () -> ReportDataset.builder(csv).optLabels(labels)
                .optCheckFiles(false).optStrictLabels(true).build());
        assertTrue(e.getMessage().contains("labels.csv") && e.getMessage().contains("'2'"), e.getMessage());
    }

    @Test
    void aQuoteThatShiftsColumnsIsRefusedWithItsLine(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("list.csv");
        Files.writeString(csv, "VolumeName,Findings_EN,Emphysema\na.nii.gz,\"clear, no nodule,1\n"
                + "b.nii.gz,none,0\nc.nii.gz,\"x\",1\n");
        MedvpException e = assertThrows(MedvpException.class,
                () -> ReportDataset.builder(csv).optCheckFiles(false).build());
        assertTrue(e.getMessage().startsWith(csv + " line 2: unbalanced quote"), e.getMessage());
    }

    @Test
    void splitByPatientKeepsReconstructionsTogether(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("VolumeName,Findings_EN\n");
        for (int p = 1; p <= 20; p++) {
            for (String rec : new String[] {"a_1", "a_2", "b_1"}) {
                csv.append("train_").append(p).append('_').append(rec).append(".nii.gz,text\n");
            }
        }
        Path list = dir.resolve("l.csv");
        Files.writeString(list, csv);
        ReportDataset d = ReportDataset.builder(list).optCheckFiles(false).build();
        ReportDataset[] parts = d.splitByPatient(0.25, 3);
        assertEquals(60, parts[0].size() + parts[1].size());
        assertEquals(15, parts[1].size()); // 5 patients × 3 reconstructions
        Set<String> first = new HashSet<>();
        parts[0].records().forEach(r -> first.add(ReportDataset.patient(r)));
        parts[1].records().forEach(r -> assertTrue(!first.contains(ReportDataset.patient(r))));
        assertEquals(parts[1].records(), d.splitByPatient(0.25, 3)[1].records());
    }
}
