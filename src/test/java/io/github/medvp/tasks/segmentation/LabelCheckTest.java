package io.github.medvp.tasks.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.TestProgress;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Split;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Label values outside a label description, or not whole, are found, named, refused or (skip_bad) dropped. */
class LabelCheckTest {

    @TempDir
    Path dir;

    @Test
    void knownValuesFollowRegionsClassesAndRemapping() {
        assertEquals("0-2, 4", LabelSpec.brats().transform().knownValues());
        assertEquals("0-4", LabelSpec.brats2023().transform().knownValues());
        assertEquals("0-255", LabelSpec.binary().transform().knownValues());
        assertEquals("0-3, 7", LabelSpec.parse("classes:CSF=1;GM=2;WM=3;remap=7:0").transform().knownValues());
        float[] map = {0, 1, 2, 4, 3.9999f, 7, 200, 0.5f, Float.NaN, -1, 7};
        assertArrayEquals(new float[] {-1, 0.5f, 7, 200, Float.NaN},
                LabelSpec.brats().transform().unknownValues(map, 10));
        // The scan stops at the given number of distinct values: the first two found.
        assertArrayEquals(new float[] {7, 200}, LabelSpec.brats().transform().unknownValues(map, 2));
        assertNull(LabelCheck.problem(LabelSpec.brats(), Path.of("a.nii.gz"), new float[] {0, 1, 2, 4, 3.9999f}));
        String p = LabelCheck.problem(LabelSpec.parse("classes:CSF=1;GM=2;WM=3"), Path.of("a_seg.nii.gz"),
                new float[] {0, 3, 7, 2.5f});
        assertTrue(p.startsWith("label map a_seg.nii.gz holds values 2.5, 7 that the labels classes[CSF, GM, WM] "
                + "do not know (known: whole numbers 0-3)"), p);
    }

    private Path labels(String name, float... values) throws Exception {
        Path f = dir.resolve(name);
        NiftiWriter.write(new Volume(ArrayImgs.floats(values, values.length, 1, 1), Geometry.ofSpacing(1, 1, 1)), f);
        return f;
    }

    @Test
    void studiesWithUnknownValuesAreRefusedOrDropped() throws Exception {
        Study a = new Study("a", List.of(), labels("a_seg.nii.gz", 0, 1, 2), null, null, "t");
        Study b = new Study("b", List.of(), labels("b_seg.nii.gz", 0, 1, 7), null, null, "t");
        Study c = new Study("c", List.of(), labels("c_seg.nii.gz", 0, 4), null, null, "t");
        Study t = new Study("t", List.of(), labels("t_seg.nii.gz", 9), null, null, "t");
        StudyManifest m = new StudyManifest(Map.of(Split.TRAINING, List.of(a, b), Split.VALIDATION, List.of(c),
                Split.TEST, List.of(t)), "data");
        MedvpException e = assertThrows(MedvpException.class,
                () -> LabelCheck.checked(m, LabelSpec.brats(), false, Progress.NONE));
        assertTrue(e.getMessage().startsWith("study b: label map " + dir.resolve("b_seg.nii.gz") + " holds values 7 "),
                e.getMessage());
        List<String> logged = new ArrayList<>();
        Progress log = TestProgress.logging(logged);
        StudyManifest kept = LabelCheck.checked(m, LabelSpec.brats(), true, log);
        assertEquals(List.of(a), kept.training());
        assertEquals(List.of(c), kept.validation());
        assertEquals(List.of(t), kept.test(), "test studies are not read");
        assertEquals(1, logged.size());
        assertTrue(logged.get(0).startsWith("skip_bad: study b left out: label map"), logged.get(0));
        StudyManifest noValidation = new StudyManifest(Map.of(Split.TRAINING, List.of(a), Split.VALIDATION,
                List.of(b)), "data");
        e = assertThrows(MedvpException.class, () -> LabelCheck.checked(noValidation, LabelSpec.brats(), true, log));
        assertTrue(e.getMessage().startsWith("no validation study left"), e.getMessage());
    }
}
