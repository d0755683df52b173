package io.github.medvp.data.manifest;

import io.github.medvp.data.Fixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.medvp.MedvpException;

class StudyManifestTest {

    @TempDir
    Path dir;

    private final ModalityNames names = ModalityNames.defaults();

    private Path json(String text) throws IOException {
        Path p = dir.resolve("list.json");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void referenceListWithTrainingAndValidation() throws IOException {
        Path p = json("{\"training\": [{\"image\": [\"BraTS2021_00000/BraTS2021_00000_flair.nii.gz\","
                + " \"BraTS2021_00000/BraTS2021_00000_t1ce.nii.gz\"], \"label\": \"BraTS2021_00000/BraTS2021_00000_seg.nii.gz\"},"
                + " {\"image\": [\"IXI002-Guys-0828-T2.nii.gz\", \"IXI002-Guys-0828-MRA.nii.gz\"]}],"
                + " \"validation\": [{\"image\": [\"BraTS-MEN-00004-000-t2f.nii.gz\", \"BraTS-MEN-00004-000-t1n.nii.gz\"]}]}");
        Path base = dir.resolve("data/BraTS2021");
        StudyManifest m = StudyManifest.readJson(p, base, names);
        assertEquals(2, m.training().size());
        assertEquals(1, m.validation().size());
        assertEquals(0, m.test().size());
        assertEquals(3, m.pretraining().size());
        Study s = m.training().get(0);
        assertEquals("BraTS2021_00000", s.id());
        assertEquals(List.of(Modality.FLAIR, Modality.T1C), s.modalities());
        assertEquals(base.resolve("BraTS2021_00000/BraTS2021_00000_t1ce.nii.gz"), s.images().get(Modality.T1C).path());
        assertEquals(base.resolve("BraTS2021_00000/BraTS2021_00000_seg.nii.gz"), s.label());
        assertEquals("IXI002-Guys-0828", m.training().get(1).id());
        assertEquals(List.of(Modality.T2, Modality.MRA), m.training().get(1).modalities());
        assertEquals(List.of(Modality.FLAIR, Modality.T1), m.validation().get(0).modalities());
        assertTrue(m.validation().get(0).source().contains("validation[0]"));
    }

    @Test
    void referenceListsResolveUnderTheirKeyAndMerge() throws IOException {
        Path jsons = Files.createDirectories(dir.resolve("jsons"));
        Path a = jsons.resolve("dataset_BrainAtlas_registration_sir24.json");
        Files.writeString(a, "{\"training\": [{\"image\": [\"IXI002-Guys-0828-T1.nii.gz\"]}]}");
        Path b = jsons.resolve("dataset_UCSF_upright_sir24.json");
        Files.writeString(b, "{\"training\": [{\"image\": [\"x/UCSF-PDGM-004_ADC.nii.gz\"], \"id\": \"IXI002-Guys-0828\"}],"
                + " \"validation\": [{\"image\": [\"UCSF-PDGM-005_DWI.nii.gz\"]}]}");
        Path root = dir.resolve("data");
        StudyManifest ma = StudyManifest.readReference(a, root, names);
        assertEquals(root.resolve("BrainAtlas_registration_sir24/IXI002-Guys-0828-T1.nii.gz"),
                ma.training().get(0).channels().get(0).path());
        StudyManifest merged = StudyManifest.merge(List.of(ma, StudyManifest.readReference(b, root, names)));
        assertEquals(List.of("IXI002-Guys-0828", "IXI002-Guys-0828#2"), merged.training().stream().map(Study::id)
                .toList());
        assertEquals(3, merged.pretraining().size());
        assertEquals(Modality.ADC, merged.training().get(1).modalities().get(0));
        assertThrows(MedvpException.class, () -> StudyManifest.readReference(json("{}"), root, names));
    }

    @Test
    void monaiDatalistWith4dImagesClassesAndReports() throws IOException {
        Path p = json("{\"modality\": {\"0\": \"FLAIR\", \"1\": \"T1w\", \"2\": \"t1gd\"},"
                + " \"training\": [{\"image\": \"imagesTr/BRATS_001.nii.gz\", \"label\": 2, \"report\": \"glioma\"}],"
                + " \"test\": [\"imagesTs/BRATS_485.nii.gz\"]}");
        ModalityNames msd = names.withAliases("T1w=t1,t1gd=t1c");
        StudyManifest m = StudyManifest.readJson(p, null, msd);
        Study s = m.training().get(0);
        assertEquals("BRATS_001", s.id());
        assertEquals(List.of(Modality.FLAIR, Modality.T1, Modality.T1C), s.modalities());
        assertEquals(2, s.channels().get(2).volume());
        assertEquals(dir.resolve("imagesTr/BRATS_001.nii.gz"), s.channels().get(2).path());
        assertEquals(2, s.classLabel());
        assertNull(s.label());
        assertEquals("glioma", s.report());
        assertEquals(3, m.test().get(0).channels().size(), "bare test file names are records too");
        // Without the aliases the tokens stay, unresolved, for the validator to report.
        Study raw = StudyManifest.readJson(p, null, names).training().get(0);
        assertNull(raw.channels().get(1).modality());
        assertEquals("T1w", raw.channels().get(1).token());
    }

    @Test
    void ctStudiesOfADecathlonListAndAFolderValidate() throws IOException {
        // MSD Task06_Lung's dataset.json names its one channel "CT".
        Files.createDirectories(dir.resolve("imagesTr"));
        Files.createDirectories(dir.resolve("labelsTr"));
        Fixtures.constant(dir.resolve("imagesTr/lung_001.nii.gz"), new int[] {4, 3, 2}, -1000f);
        Fixtures.constant(dir.resolve("labelsTr/lung_001.nii.gz"), new int[] {4, 3, 2}, 0f);
        Path p = json("{\"modality\": {\"0\": \"CT\"}, \"training\": [{\"image\": \"./imagesTr/lung_001.nii.gz\","
                + " \"label\": \"./labelsTr/lung_001.nii.gz\"}]}");
        StudyManifest m = StudyManifest.readJson(p, null, names).validated(new ManifestValidator(names, true), false,
                io.github.medvp.Progress.NONE);
        assertEquals(List.of(Modality.CT), m.training().get(0).modalities());
        Path folder = Files.createDirectories(dir.resolve("ct"));
        Fixtures.constant(folder.resolve("case1_CT.nii.gz"), new int[] {4, 3, 2}, 40f);
        Fixtures.constant(folder.resolve("case2_ct.nii.gz"), new int[] {4, 3, 2}, 40f);
        StudyManifest found = StudyManifest.discover(folder, names).validated(new ManifestValidator(names, false),
                false, io.github.medvp.Progress.NONE);
        assertEquals(2, found.training().size());
        found.training().forEach(st -> assertEquals(List.of(Modality.CT), st.modalities()));
    }

    @Test
    void writtenManifestsReadBackTheSame() throws IOException {
        Path p = json("{\"modality\": {\"0\": \"FLAIR\", \"1\": \"T1w\"},"
                + " \"training\": [{\"image\": \"imagesTr/BRATS_001.nii.gz\", \"label\": \"l/BRATS_001.nii.gz\"},"
                + " {\"image\": [\"c/c_t2.nii.gz\", \"c/c_swi.nii.gz\"], \"class\": 1, \"report\": \"r\"}],"
                + " \"test\": [{\"image\": [\"d/d_t1.nii\"], \"label\": 0}]}");
        StudyManifest m = StudyManifest.readJson(p, null, names).withTrainingFraction(1, 1);
        Path out = dir.resolve("run/manifest.json");
        Files.createDirectories(out.getParent());
        m.writeJson(out);
        StudyManifest back = StudyManifest.readJson(out, Path.of("/elsewhere"), names);
        for (Split s : Split.values()) {
            assertEquals(m.get(s).size(), back.get(s).size());
            for (int i = 0; i < m.get(s).size(); i++) {
                Study a = m.get(s).get(i), b = back.get(s).get(i);
                assertEquals(a.id(), b.id());
                assertEquals(a.channels(), b.channels());
                assertEquals(a.label(), b.label());
                assertEquals(a.classLabel(), b.classLabel());
                assertEquals(a.report(), b.report());
            }
        }
        assertEquals(0, back.validation().size());
    }

    @Test
    void hintNamesListedFilesAndIdsStayUnique() throws IOException {
        Path p = json("{\"channel_names\": [\"t1\", \"t2\"], \"training\": ["
                + "{\"image\": [\"a/case_0000.nii.gz\", \"a/case_0001.nii.gz\"], \"label\": \"a/case.nii.gz\"},"
                + "{\"image\": [\"b/case_0000.nii.gz\", \"b/case_0001.nii.gz\"], \"id\": \"case\"}]}");
        StudyManifest m = StudyManifest.readJson(p, null, names);
        assertEquals(List.of(Modality.T1, Modality.T2), m.training().get(0).modalities());
        assertEquals("case", m.training().get(0).id());
        assertEquals("case#2", m.training().get(1).id());
    }

    @Test
    void badFilesAreNamed() throws IOException {
        IOException io = assertThrows(IOException.class, () -> StudyManifest.readJson(json("{oops"), null, names));
        assertTrue(io.getMessage().contains("list.json"), io.getMessage());
        MedvpException e = assertThrows(MedvpException.class,
                () -> StudyManifest.readJson(json("{\"train\": []}"), null, names));
        assertTrue(e.getMessage().contains("no \"training\""), e.getMessage());
        e = assertThrows(MedvpException.class,
                () -> StudyManifest.readJson(json("{\"training\": [{\"label\": \"x.nii\"}]}"), null, names));
        assertTrue(e.getMessage().contains("training[0] has no \"image\""), e.getMessage());
    }

    @Test
    void discoverFlatBratsFolders() throws IOException {
        for (String f : new String[] { "BraTS-GLI-00000-000-t2f.nii.gz", "BraTS-GLI-00000-000-t1c.nii.gz",
                "BraTS-GLI-00000-000-seg.nii.gz", "BraTS-GLI-00000-000-t1n.nii.gz", "BraTS-GLI-00002-000-t2w.nii.gz",
                "BraTS-GLI-00002-000-swi.nii.gz", "notes.txt", ".hidden_t1.nii" }) {
            Files.writeString(dir.resolve(f), "x");
        }
        List<Study> s = StudyManifest.discover(dir, names).training();
        assertEquals(2, s.size());
        assertEquals("BraTS-GLI-00000-000", s.get(0).id());
        assertEquals(List.of(Modality.FLAIR, Modality.T1, Modality.T1C), s.get(0).modalities(), "template order");
        assertEquals(dir.resolve("BraTS-GLI-00000-000-seg.nii.gz"), s.get(0).label());
        assertEquals(2, s.get(1).channels().size());
        assertNull(s.get(1).channels().get(1).modality(), "unknown swi kept for the validator");
    }

    @Test
    void discoverOneFolderPerStudy() throws IOException {
        for (String c : new String[] { "BraTS2021_00001", "BraTS2021_00000" }) {
            Files.createDirectories(dir.resolve(c));
            for (String m : new String[] { "t2", "flair", "t1ce", "t1", "seg" }) {
                Files.writeString(dir.resolve(c).resolve(c + "_" + m + ".nii.gz"), "x");
            }
        }
        List<Study> s = StudyManifest.discover(dir, names).training();
        assertEquals(List.of("BraTS2021_00000", "BraTS2021_00001"), s.stream().map(Study::id).toList());
        assertEquals(List.of(Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2), s.get(1).modalities());
        assertTrue(s.get(1).label().endsWith("BraTS2021_00001_seg.nii.gz"));
    }

    private StudyManifest numbered(int n) {
        List<Study> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(new Study("s" + i, List.of(new Study.Channel("t1", Modality.T1, Path.of("s" + i + "_t1.nii"))), null,
                    null, null, "test"));
        }
        return new StudyManifest(Map.of(Split.TRAINING, l), "test");
    }

    private static List<String> ids(List<Study> l) {
        return l.stream().map(Study::id).toList();
    }

    @Test
    void splitsByIdsOrSeededFractions() {
        StudyManifest m = numbered(10).withSplit(List.of("s3", "s1"), List.of("s9"));
        assertEquals(List.of("s1", "s3"), ids(m.validation()));
        assertEquals(List.of("s9"), ids(m.test()));
        assertEquals(7, m.training().size());
        MedvpException e = assertThrows(MedvpException.class, () -> numbered(3).withSplit(List.of("s7"), List.of()));
        assertTrue(e.getMessage().contains("s7"), e.getMessage());

        StudyManifest r = numbered(20).withRandomSplit(0.2, 0.1, 42);
        assertEquals(4, r.validation().size());
        assertEquals(2, r.test().size());
        assertEquals(14, r.training().size());
        Set<String> union = new HashSet<>(ids(r.all()));
        assertEquals(20, union.size(), "disjoint and complete");
        assertEquals(ids(r.validation()), ids(numbered(20).withRandomSplit(0.2, 0.1, 42).validation()));
        assertNotEquals(ids(r.validation()), ids(numbered(20).withRandomSplit(0.2, 0.1, 43).validation()));
        List<String> train = ids(r.training());
        assertEquals(train.stream().sorted((a, b) -> Integer.parseInt(a.substring(1)) - Integer.parseInt(b.substring(1)))
                .toList(), train, "original order kept");
    }

    @Test
    void trainingFractionIsASeededOrderedSubset() {
        StudyManifest m = numbered(10).withRandomSplit(0.2, 0, 1);
        StudyManifest f = m.withTrainingFraction(0.4, 7);
        assertEquals(3, f.training().size(), "round(8 × 0.4)");
        assertEquals(ids(m.validation()), ids(f.validation()));
        assertTrue(ids(m.training()).containsAll(ids(f.training())));
        assertEquals(ids(f.training()), ids(m.withTrainingFraction(0.4, 7).training()));
        assertEquals(1, numbered(10).withTrainingFraction(0.01, 1).training().size(), "at least one");
        assertThrows(MedvpException.class, () -> m.withTrainingFraction(0, 1));
        Set<List<String>> draws = new HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            draws.add(ids(m.withTrainingFraction(0.4, seed).training()));
        }
        assertTrue(draws.size() > 5, "the seed matters");
    }

    @Test
    void loadTakesAFolderOrAManifestAndNamesAMissingPath(@TempDir Path tmp) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("flat"));
        for (String id : List.of("a", "b")) {
            for (String m : List.of("flair", "T1GD")) {
                Fixtures.constant(folder.resolve(id + "_" + m + ".nii.gz"), new int[] {2, 2, 2}, 1f);
            }
        }
        ModalityNames names = ModalityNames.defaults().withAliases("T1GD=t1c");
        StudyManifest found = StudyManifest.load(folder, names);
        assertEquals(2, found.training().size());
        assertEquals(Modality.T1C, found.training().get(0).channels().get(1).modality(), "aliases apply");
        Path json = tmp.resolve("list.json");
        found.writeJson(json);
        StudyManifest read = StudyManifest.load(json, names);
        assertEquals(found.training().get(1).files(), read.training().get(1).files());
        MedvpException e = assertThrows(MedvpException.class, () -> StudyManifest.load(tmp.resolve("gone"), names));
        assertTrue(e.getMessage().startsWith("data " + tmp.resolve("gone") + " does not exist"), e.getMessage());
        assertThrows(MedvpException.class, () -> StudyManifest.load(folder.resolve("a_flair.nii.gz"), names));
    }
}
