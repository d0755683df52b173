package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    @Test
    void replacesTheTargetCompletely() throws IOException {
        Path f = tmp.resolve("ckpt.json");
        Files.writeString(f, "old content that is longer");
        AtomicFiles.write(f, "new".getBytes());
        assertEquals("new", Files.readString(f));
        try (var list = Files.list(tmp)) {
            assertEquals(List.of(f), list.toList());
        }
    }

    @Test
    void failedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = tmp.resolve("ckpt.json");
        Files.writeString(f, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, ch -> {
            AtomicFiles.writeFully(ch, ByteBuffer.wrap("partial".getBytes()));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(f));
        try (var list = Files.list(tmp)) {
            assertEquals(List.of(f), list.toList());
        }
    }
}
