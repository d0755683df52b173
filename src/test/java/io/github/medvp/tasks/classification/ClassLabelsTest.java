package io.github.medvp.tasks.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Split;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class label CSVs read as CSV (quotes, delimiters), and label values that would invent classes refused. */
class ClassLabelsTest {

    @TempDir
    Path dir;

    private static StudyManifest studies(String... ids) {
        List<Study> l = java.util.Arrays.stream(ids).map(id -> new Study(id, List.of(), null, null, null, "t"))
                .toList();
        return new StudyManifest(Map.of(Split.TRAINING, l), "t");
    }

    @Test
    void quotedIdsAndSemicolonFiles() throws Exception {
        Path csv = Files.writeString(dir.resolve("c.csv"), "case,class\n\"a,1\",lesion\nb,\"healthy\"\n");
        ClassLabels l = ClassLabels.attach(studies("a,1", "b"), csv, List.of());
        assertEquals(List.of("healthy", "lesion"), l.classes());
        assertEquals(List.of(1, 0), l.manifest().training().stream().map(Study::classLabel).toList());
        Path semi = Files.writeString(dir.resolve("s.csv"), "id;class\na;1\nb;0\n");
        assertEquals(List.of(1, 0), ClassLabels.attach(studies("a", "b"), semi, List.of()).manifest().training()
                .stream().map(Study::classLabel).toList());
    }

    @Test
    void valuesThatWouldInventClassesAreRefused() throws Exception {
        Path mixed = Files.writeString(dir.resolve("m.csv"), "a,0\nb,1\nc,1.5\n");
        MedvpException e = assertThrows(MedvpException.class,
                () -> ClassLabels.attach(studies("a", "b", "c"), mixed, List.of()));
        assertTrue(e.getMessage().contains("m.csv") && e.getMessage().contains("'1.5'"), e.getMessage());
        Path gap = Files.writeString(dir.resolve("g.csv"), "a,0\nb,1\nc,7\n");
        e = assertThrows(MedvpException.class, () -> ClassLabels.attach(studies("a", "b", "c"), gap, List.of()));
        assertTrue(e.getMessage().contains("g.csv") && e.getMessage().contains("[0, 1, 7]")
                && e.getMessage().contains("[2, 3, 4, 5, 6]"), e.getMessage());
        // With the class names given, 7 is outside the list.
        e = assertThrows(MedvpException.class,
                () -> ClassLabels.attach(studies("a", "b", "c"), gap, List.of("no", "yes")));
        assertTrue(e.getMessage().contains("'7'") && e.getMessage().contains("[no, yes]"), e.getMessage());
        Path twice = Files.writeString(dir.resolve("t.csv"), "a,0\nb,1\na,1\n");
        e = assertThrows(MedvpException.class, () -> ClassLabels.attach(studies("a", "b"), twice, List.of()));
        assertTrue(e.getMessage().contains("t.csv line 3") && e.getMessage().contains("case a"), e.getMessage());
    }
}
