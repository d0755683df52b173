package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFolderTest {
    @TempDir
    Path tmp;

    @Test
    void aFolderWithoutAResultIsRemovedWithTheParentsItNeeded() throws IOException {
        Path out = tmp.resolve("results").resolve("eval");
        try (OutputFolder folder = OutputFolder.create(out)) {
            assertTrue(folder.created() && Files.isDirectory(out));
            Files.writeString(out.resolve("cases.csv"), "half");
        }
        assertFalse(Files.exists(tmp.resolve("results")));
        try (OutputFolder folder = OutputFolder.create(out)) {
            Files.writeString(out.resolve("cases.csv"), "all");
            folder.keep();
        }
        assertEquals("all", Files.readString(out.resolve("cases.csv")));
    }

    @Test
    void aFolderThatExistedIsNeverRemoved() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("mine"));
        try (OutputFolder folder = OutputFolder.create(out)) {
            assertFalse(folder.created());
        }
        assertTrue(Files.isDirectory(out));
    }

    @Test
    void aFileInTheWayIsNamed() throws IOException {
        Path file = Files.writeString(tmp.resolve("out"), "x");
        IOException e = assertThrows(IOException.class, () -> OutputFolder.create(file));
        assertEquals("cannot create folder " + file + ": " + file + " is a file, not a folder", e.getMessage());
    }
}
