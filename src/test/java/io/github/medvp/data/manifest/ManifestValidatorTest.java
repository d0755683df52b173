package io.github.medvp.data.manifest;

import io.github.medvp.TestProgress;
import io.github.medvp.data.Fixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.io.Geometry;

class ManifestValidatorTest {

    @TempDir
    Path dir;

    private final int[] shape = { 4, 3, 2 };

    private Study.Channel ch(String token, String file) {
        return new Study.Channel(token, ModalityNames.defaults().resolve(token), dir.resolve(file));
    }

    private Study study(String id, Path label, Study.Channel... channels) {
        return new Study(id, List.of(channels), label, null, null, "test");
    }

    private String problems(ValidationReport r, String id) {
        for (ValidationReport.StudyProblems p : r.problems()) {
            if (p.study().id().equals(id)) {
                return String.join(" | ", p.problems());
            }
        }
        return "";
    }

    @Test
    void reportsEveryKindOfProblemPerStudy() throws IOException {
        Fixtures.constant(dir.resolve("a_t1.nii.gz"), shape, 1);
        Fixtures.constant(dir.resolve("a_t2.nii.gz"), shape, 1);
        Fixtures.constant(dir.resolve("a_seg.nii.gz"), shape, 0);
        Fixtures.constant(dir.resolve("b_t2.nii.gz"), new int[] { 4, 3, 3 }, 1);
        Fixtures.write(dir.resolve("c_t2.nii"), new float[24], shape, Geometry.ofSpacing(1, 1, 2));
        Files.write(dir.resolve("d_t1.nii.gz"), new byte[] { 1, 2, 3 });
        Fixtures.write(dir.resolve("e_4d.nii"), new float[48], new int[] { 4, 3, 2, 2 }, Fixtures.oneMm());
        // Valid header, truncated voxel data: passes, proving no voxels are read.
        Path cut = Fixtures.constant(dir.resolve("f_t1.nii"), shape, 1);
        byte[] bytes = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(bytes, 360));

        List<Study> studies = List.of(
                study("good", dir.resolve("a_seg.nii.gz"), ch("t1", "a_t1.nii.gz"), ch("t2", "a_t2.nii.gz")),
                study("missing", null, ch("t1", "a_t1.nii.gz"), ch("flair", "gone_flair.nii.gz")),
                study("unknown", null, ch("swi", "a_t1.nii.gz")),
                study("twice", null, ch("t1", "a_t1.nii.gz"), ch("T1", "a_t2.nii.gz")),
                study("shape", null, ch("t1", "a_t1.nii.gz"), ch("t2", "b_t2.nii.gz")),
                study("affine", null, ch("t1", "a_t1.nii.gz"), ch("t2", "c_t2.nii")),
                study("broken", null, ch("t1", "d_t1.nii.gz")),
                study("empty", null),
                study("labelShape", dir.resolve("b_t2.nii.gz"), ch("t1", "a_t1.nii.gz")),
                study("multi", null, ch("t1", "e_4d.nii"),
                        new Study.Channel("t2", Modality.T2, dir.resolve("e_4d.nii"), 5)),
                study("truncated", null, ch("t1", "f_t1.nii")));
        ValidationReport r = new ManifestValidator(ModalityNames.defaults(), false).validate(studies, Progress.NONE);
        assertEquals("", problems(r, "good"));
        assertEquals("", problems(r, "truncated"));
        assertTrue(problems(r, "missing").contains("missing file " + dir.resolve("gone_flair.nii.gz")));
        assertTrue(problems(r, "unknown").contains("unknown modality 'swi'"), problems(r, "unknown"));
        assertTrue(problems(r, "unknown").contains("accepted: flair (t2f)"));
        assertTrue(problems(r, "twice").startsWith("t1 twice"), problems(r, "twice"));
        assertTrue(problems(r, "shape").contains("shape [4, 3, 3] of " + dir.resolve("b_t2.nii.gz")),
                problems(r, "shape"));
        assertTrue(problems(r, "affine").contains("affine of " + dir.resolve("c_t2.nii")), problems(r, "affine"));
        assertTrue(problems(r, "broken").startsWith("unreadable header: " + dir.resolve("d_t1.nii.gz")),
                problems(r, "broken"));
        assertEquals("no image files", problems(r, "empty"));
        assertTrue(problems(r, "labelShape").contains("shape [4, 3, 3]"), problems(r, "labelShape"));
        assertTrue(problems(r, "multi").contains("has 2 volumes; name its channels"), problems(r, "multi"));
        assertTrue(problems(r, "multi").contains("none for channel 5"), problems(r, "multi"));
        assertEquals(9, r.problems().size());
        assertTrue(r.summary().startsWith("checked 11 studies (17 files): 2 usable, 9 with 10 problems"), r.summary());

        String details = r.details();
        assertTrue(details.contains("\nempty (test):\n  - no image files\n"), details);
        assertEquals(1 + 9 + 10, details.split("\n").length, "summary, one line per bad study and per problem");
        MedvpException e = r.toException();
        assertTrue(e.getMessage().contains("missing: missing file") && e.getMessage().contains("(and 7 more)"),
                e.getMessage());
        assertTrue(new ManifestValidator(ModalityNames.defaults(), true).check(studies.get(2)).contains("no label map"));
    }

    @Test
    void validatedManifestSkipsOrFails() throws IOException {
        Fixtures.constant(dir.resolve("a_t1.nii.gz"), shape, 1);
        Study good = study("good", null, ch("t1", "a_t1.nii.gz"));
        Study bad = study("bad", null, ch("t1", "nope_t1.nii.gz"));
        StudyManifest m = new StudyManifest(Map.of(Split.TRAINING, List.of(good, bad), Split.TEST, List.of(good)), "t");
        ManifestValidator v = new ManifestValidator(ModalityNames.defaults(), false);
        List<String> log = new ArrayList<>();
        Progress p = TestProgress.logging(log);
        StudyManifest kept = m.validated(v, true, p);
        assertEquals(List.of(good), kept.training());
        assertEquals(List.of(good), kept.test());
        assertTrue(log.get(log.size() - 1).startsWith("skipping study bad (test): missing file"), log.toString());
        MedvpException e = assertThrows(MedvpException.class, () -> m.validated(v, false, Progress.NONE));
        assertTrue(e.getMessage().contains("bad: missing file"), e.getMessage());
        StudyManifest allBad = new StudyManifest(Map.of(Split.TRAINING, List.of(bad)), "t");
        assertThrows(MedvpException.class, () -> allBad.validated(v, true, Progress.NONE));
    }
}
