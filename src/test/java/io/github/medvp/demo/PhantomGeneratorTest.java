package io.github.medvp.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.ManifestValidator;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.manifest.Split;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.data.manifest.ValidationReport;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Volume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated data set as files: determinism, layout, manifests, labels, grade rule, CT scaling, reports.csv. */
class PhantomGeneratorTest {

    @TempDir
    static Path shared;
    private static PhantomGenerator.Result data;

    @BeforeAll
    static void generate() throws IOException {
        data = PhantomGenerator.builder().optStudies(12).optCt(6).optSeed(3).build()
                .generate(shared.resolve("demo"), Progress.NONE);
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedOtherData(@TempDir Path tmp) throws IOException {
        PhantomGenerator.Builder b = PhantomGenerator.builder().optStudies(2).optCt(2).optSize(32, 32, 28);
        b.optSeed(11).build().generate(tmp.resolve("a"), Progress.NONE);
        b.optSeed(11).build().generate(tmp.resolve("b"), Progress.NONE);
        b.optSeed(12).build().generate(tmp.resolve("c"), Progress.NONE);
        List<Path> files = files(tmp.resolve("a"));
        // 2 x (5 images + seg), manifest and labels, 2 CT volumes, CT manifest, lesion task and 3 report lists
        assertEquals(2 * 6 + 2 + 2 + 5, files.size(), files.toString());
        boolean anyDifferent = false;
        for (Path f : files) {
            Path rel = tmp.resolve("a").relativize(f);
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(tmp.resolve("b").resolve(rel)), rel.toString());
            Path other = tmp.resolve("c").resolve(rel);
            anyDifferent |= !Files.exists(other) || !java.util.Arrays.equals(Files.readAllBytes(f),
                    Files.readAllBytes(other));
        }
        assertTrue(anyDifferent);
    }

    @Test
    void theFolderIsDiscoveredAndValidatesWithoutProblems() throws IOException {
        ModalityNames names = ModalityNames.defaults();
        StudyManifest found = StudyManifest.discover(data.mriFolder(), names);
        assertEquals(12, found.all().size());
        for (Study s : found.all()) {
            assertEquals(List.of(Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2, Modality.PD),
                    s.modalities(), s.id());
            assertNotNull(s.label(), s.id());
        }
        ValidationReport report = new ManifestValidator(names, true).validate(found.all(), Progress.NONE);
        assertTrue(report.isClean(), report.details());
        assertEquals(0, report.problemCount());
    }

    @Test
    void theManifestHasTheSplitsAndClassesOfLabelsCsv() throws IOException {
        StudyManifest m = StudyManifest.readJson(data.manifest(), null, ModalityNames.defaults());
        assertEquals(3, m.test().size()); // round(12 * 0.25)
        assertEquals(2, m.validation().size()); // round(12 * 0.125)
        assertEquals(7, m.training().size());
        assertTrue(new ManifestValidator(ModalityNames.defaults(), true).validate(m.all(), Progress.NONE).isClean());
        List<Map<String, String>> labels = DemoCsv.read(data.labels());
        assertEquals(12, labels.size());
        for (Map<String, String> row : labels) {
            Study s = m.all().stream().filter(st -> st.id().equals(row.get("case"))).findFirst().orElseThrow();
            assertEquals(Integer.parseInt(row.get("class")), s.classLabel(), s.id());
            assertEquals(row.get("split"), m.training().contains(s) ? "training"
                    : m.validation().contains(s) ? "validation" : "test");
            assertEquals(data.mriFolder().resolve(s.id()).resolve(s.id() + "_t1ce.nii.gz").toAbsolutePath(),
                    s.images().get(Modality.T1C).path().toAbsolutePath());
        }
    }

    @Test
    void classLabelsFollowTheGradeRuleOnTheWrittenLabelMaps() throws IOException {
        int high = 0;
        for (Map<String, String> row : DemoCsv.read(data.labels())) {
            String id = row.get("case");
            Volume seg = NiftiReader.read(data.mriFolder().resolve(id).resolve(id + "_seg.nii.gz"));
            float[] l = seg.toFloatImg().update(null).getCurrentStorageArray();
            long core = 0, et = 0;
            for (float v : l) {
                core += v == 1 || v == 4 ? 1 : 0;
                et += v == 4 ? 1 : 0;
            }
            double[] sp = seg.geometry().spacing();
            double diameter = Math.cbrt(6 * core * sp[0] * sp[1] * sp[2] / Math.PI);
            boolean expected = et > 0 && diameter >= 0.12 * (64 + 64 + 56) / 3.0;
            assertEquals(expected ? "1" : "0", row.get("class"), id + " core " + diameter + " mm, ET " + et);
            assertEquals(expected ? "high" : "low", row.get("grade"), id);
            high += expected ? 1 : 0;
        }
        assertTrue(high > 0 && high < 12, "both grades occur: " + high + " of 12 high");
    }

    @Test
    void theGradeRuleAtItsEdges() {
        double[] fov = { 64, 64, 56 }; // mean edge 61.33 mm, threshold 7.36 mm
        assertTrue(PhantomGenerator.isHighGrade(true, 7.37, fov));
        assertFalse(PhantomGenerator.isHighGrade(true, 7.35, fov));
        assertFalse(PhantomGenerator.isHighGrade(false, 100, fov));
        assertTrue(PhantomGenerator.isHighGrade(true, 25.5, new double[] { 240, 240, 155 }));
    }

    @Test
    void ctVolumesStoreHounsfieldUnitsThroughNiftiScaling() throws IOException {
        for (PhantomGenerator.Generated g : data.ct()) {
            Volume v = NiftiReader.read(g.images().get(0));
            assertEquals(1, v.slope());
            assertEquals(-1024, v.intercept());
            float[] hu = v.toFloatImg().update(null).getCurrentStorageArray();
            assertEquals(-1000, hu[0], 40, "a corner is air"); // noise sigma 6 HU
            long bone = 0;
            for (float h : hu) {
                bone += h > 700 ? 1 : 0;
            }
            assertTrue(bone > hu.length / 100, g.id() + ": skull above 700 HU in " + bone + " voxels");
        }
    }

    @Test
    void oneHeadCtVolumesDifferOnlyByTumourAndNoise(@TempDir Path tmp) throws IOException {
        PhantomGenerator.Builder b = PhantomGenerator.builder().optStudies(1).optCt(3).optSize(32, 32, 28);
        List<float[]> same = ctVoxels(b.optCtCohort(new CtCohort(0, 1, 8, true)).build()
                .generate(tmp.resolve("one"), Progress.NONE));
        List<float[]> drawn = ctVoxels(b.optCtCohort(new CtCohort(0, 1, 8, false)).build()
                .generate(tmp.resolve("many"), Progress.NONE));
        for (int i = 1; i < same.size(); i++) {
            // Without tumours, one head's volumes differ by the noise alone: sigma 6 HU per volume, sqrt(2) of it
            // between two; drawn heads differ by anatomy (air against skull at their edges) or by their grids.
            assertEquals(6 * Math.sqrt(2), rms(same.get(0), same.get(i)), 1.0, "volume " + i + " of one head");
            assertTrue(drawn.get(0).length != drawn.get(i).length || rms(drawn.get(0), drawn.get(i)) > 100,
                    "volume " + i + " of drawn heads");
        }
        PhantomGenerator.Result lesions = b.optCtCohort(new CtCohort(1, 1.4, 0, true)).build()
                .generate(tmp.resolve("lesions"), Progress.NONE);
        for (PhantomGenerator.Generated g : lesions.ct()) {
            assertTrue(g.findings().lesion(), g.id());
        }
        MedvpException e = assertThrows(MedvpException.class, () -> new CtCohort(0.5, 3, 0, true));
        assertTrue(e.getMessage().contains("ct_lesion_scale"), e.getMessage());
    }

    private static List<float[]> ctVoxels(PhantomGenerator.Result r) throws IOException {
        List<float[]> out = new ArrayList<>();
        for (PhantomGenerator.Generated g : r.ct()) {
            out.add(NiftiReader.read(g.images().get(0)).toFloatImg().update(null).getCurrentStorageArray());
        }
        return out;
    }

    private static double rms(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return Math.sqrt(sum / a.length);
    }

    @Test
    void skullStrippedStudiesAreZeroOutsideTheBrainAndKeepTheWholeTumour(@TempDir Path tmp) throws IOException {
        PhantomGenerator.Result stripped = PhantomGenerator.builder().optStudies(2).optSeed(3).optSkullStripped(true)
                .build().generate(tmp, Progress.NONE);
        for (PhantomGenerator.Generated g : stripped.studies()) {
            float[] label = NiftiReader.read(g.label()).toFloatImg().update(null).getCurrentStorageArray();
            float[] t1c = NiftiReader.read(g.images().get(2)).toFloatImg().update(null).getCurrentStorageArray();
            int inside = 0;
            for (Path image : g.images()) {
                float[] v = NiftiReader.read(image).toFloatImg().update(null).getCurrentStorageArray();
                int zero = 0;
                for (int i = 0; i < v.length; i++) {
                    zero += v[i] == 0 ? 1 : 0;
                    assertTrue(label[i] == 0 || v[i] > 0, image + ": tumour voxel " + i + " stripped");
                    // The same brain mask in every modality.
                    assertEquals(t1c[i] == 0, v[i] == 0, image + ": voxel " + i);
                }
                inside = v.length - zero;
                // The brain is a minority of the head's field of view: scalp, skull and the air around are gone.
                assertTrue(zero > v.length / 2, image + ": " + zero + " of " + v.length + " voxels are 0");
            }
            assertTrue(inside > label.length / 20, g.id() + ": brain of " + inside + " voxels");
        }
        // Without stripping the air holds Rician noise, so a corner is not 0.
        float[] whole = NiftiReader.read(data.studies().get(0).images().get(0)).toFloatImg().update(null)
                .getCurrentStorageArray();
        assertTrue(whole[0] != 0 || whole[whole.length - 1] != 0);
    }

    @Test
    void mimicsLookLikeTumourOutsideTheLabelsAndChangeNothingElse(@TempDir Path tmp) throws IOException {
        PhantomGenerator.Builder b = PhantomGenerator.builder().optStudies(3).optSeed(3).optSkullStripped(true);
        List<PhantomGenerator.Generated> plain = b.build().generate(tmp.resolve("plain"), Progress.NONE).studies();
        List<PhantomGenerator.Generated> mimic = b.optMimics(true).build().generate(tmp.resolve("mimics"),
                Progress.NONE).studies();
        for (int s = 0; s < plain.size(); s++) {
            PhantomGenerator.Generated p = plain.get(s), m = mimic.get(s);
            assertArrayEquals(Files.readAllBytes(p.label()), Files.readAllBytes(m.label()), p.id() + ": labels");
            assertEquals(p.findings().toString(), m.findings().toString());
            float[] label = voxels(p.label());
            float[] flair0 = voxels(p.images().get(0)), flair = voxels(m.images().get(0));
            float[] t1c0 = voxels(p.images().get(2)), t1c = voxels(m.images().get(2));
            int hyperintense = 0, plexus = 0, changed = 0, brain = 0;
            double hyperFlair = 0, oedemaFlair = 0, plexusT1c = 0, enhancingT1c = 0;
            int oedema = 0, enhancing = 0;
            for (int i = 0; i < label.length; i++) {
                brain += flair0[i] > 0 ? 1 : 0;
                changed += flair[i] != flair0[i] || t1c[i] != t1c0[i] ? 1 : 0;
                if (label[i] == 2) {
                    oedema++;
                    oedemaFlair += flair0[i];
                } else if (label[i] == 4) {
                    enhancing++;
                    enhancingT1c += t1c0[i];
                } else if (label[i] == 0 && flair[i] > 1.6 * flair0[i] && t1c[i] < t1c0[i]) {
                    hyperintense++; // white matter turned bright on FLAIR, not enhancing
                    hyperFlair += flair[i];
                } else if (label[i] == 0 && t1c[i] > 2 * t1c0[i]) {
                    plexus++; // ventricular CSF turned enhancing
                    plexusT1c += t1c[i];
                }
            }
            String id = p.id() + ": ";
            assertTrue(hyperintense >= 10, id + hyperintense + " hyperintense voxels");
            assertTrue(plexus >= 10, id + plexus + " plexus voxels");
            assertTrue(changed < brain / 10, id + changed + " of " + brain + " brain voxels changed");
            // As bright as what they mimic (bias fields and noise aside).
            if (oedema > 0) {
                assertTrue(hyperFlair / hyperintense > 0.8 * oedemaFlair / oedema, id + "hyperintensities too dark");
            }
            if (enhancing > 0) {
                // Small, so mostly partial volume with CSF at these spacings.
                assertTrue(plexusT1c / plexus > 0.6 * enhancingT1c / enhancing, id + "plexus too dark");
            }
        }
    }

    private static float[] voxels(Path file) throws IOException {
        return NiftiReader.read(file).toFloatImg().update(null).getCurrentStorageArray();
    }

    @Test
    void reportsCsvHasCtRatesColumnsAndLabelsMatchingTheText() throws IOException {
        assertEquals(List.of("VolumeName", "ClinicalInformation_EN", "Technique_EN", "Findings_EN", "Impressions_EN",
                "Lesion", "Enhancement", "Necrosis", "Oedema", "Midline shift"), DemoCsv.header(data.reports()));
        List<Map<String, String>> rows = DemoCsv.read(data.reports());
        assertEquals(6, rows.size());
        int lesions = 0;
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> r = rows.get(i);
            PhantomGenerator.Generated g = data.ct().get(i);
            assertEquals(g.images().get(0).getFileName().toString(), r.get("VolumeName"));
            assertTrue(r.get("VolumeName").matches("(train|valid)_\\d+_a_1\\.nii\\.gz"), r.get("VolumeName"));
            String text = r.get("Findings_EN") + " " + r.get("Impressions_EN");
            boolean lesion = "1".equals(r.get("Lesion"));
            lesions += lesion ? 1 : 0;
            assertEquals(g.findings().lesion(), lesion);
            assertEquals(lesion, text.contains(" lobe"), text);
            if (lesion) {
                assertTrue(text.contains(g.findings().hemisphere() + " " + g.findings().lobe())
                        || text.contains(g.findings().lobe() + " lobe of the " + g.findings().hemisphere()), text);
            }
            assertEquals("1".equals(r.get("Midline shift")), text.contains("midline shift of")
                    || text.contains("midline is displaced") || text.contains("midline shift to"), text);
            // Abbreviations are followed by numbers, so splitting at ". " + capital letter keeps sentences whole.
            assertFalse(text.matches(".*approx\\. [A-Z].*"), text);
        }
        assertTrue(lesions > 0 && lesions < 6, lesions + " of 6 with lesion");
    }

    @Test
    void badSettingsNameTheSetting() {
        MedvpException e = assertThrows(MedvpException.class,
                () -> PhantomGenerator.builder().optModalities(List.of(Modality.MRA)).build());
        assertTrue(e.getMessage().contains("mra"), e.getMessage());
        e = assertThrows(MedvpException.class, () -> PhantomGenerator.builder().optSize(8, 64, 64).build());
        assertTrue(e.getMessage().contains("size"), e.getMessage());
    }

    @Test
    void theSplitsOfTheResultAreThoseOfTheManifest() throws IOException {
        StudyManifest m = StudyManifest.readJson(data.manifest(), null, ModalityNames.defaults());
        for (PhantomGenerator.Generated g : data.studies()) {
            List<Study> in = m.get(g.split());
            assertTrue(in.stream().anyMatch(s -> s.id().equals(g.id())), g.id() + " in " + g.split());
        }
        assertTrue(data.ct().stream().anyMatch(g -> g.split() == Split.VALIDATION));
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().collect(java.util.stream.Collectors.toCollection(
                    ArrayList::new));
        }
    }
}
