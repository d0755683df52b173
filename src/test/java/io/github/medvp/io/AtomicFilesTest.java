package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
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
        assertEquals("cannot write " + f + ": disk full", e.getMessage());
        assertEquals("old", Files.readString(f));
        try (var list = Files.list(tmp)) {
            assertEquals(List.of(f), list.toList());
        }
    }

    @Test
    void aFailureNamesTheTargetAndTheReasonNotTheTemporaryFile() throws IOException {
        Path f = tmp.resolve("last.safetensors");
        // The file system names the temporary file, and only that: AccessDeniedException's message is the path.
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, ch -> {
            throw new AccessDeniedException(tmp.resolve("last.safetensors.tmp-0123456789ab").toString());
        }));
        assertEquals("cannot write " + f + ": permission denied", e.getMessage());
        Path file = Files.writeString(tmp.resolve("runs"), "a file where a folder should be");
        Path inside = file.resolve("metrics.csv");
        e = assertThrows(IOException.class, () -> AtomicFiles.write(inside, new byte[1]));
        assertEquals("cannot write " + inside + ": " + file + " is not a folder", e.getMessage());
        Path missing = tmp.resolve("nowhere").resolve("x.csv");
        e = assertThrows(IOException.class, () -> AtomicFiles.write(missing, new byte[1]));
        assertEquals("cannot write " + missing + ": folder " + missing.getParent() + " does not exist",
                e.getMessage());
    }

    @Test
    void streamsMayBeClosedByTheWriterAndFilesFollowTheUmask() throws IOException {
        Path f = tmp.resolve("x.gz");
        AtomicFiles.writeStream(f, out -> {
            try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                z.write("content".getBytes(StandardCharsets.UTF_8));
            }
        });
        try (var in = new GZIPInputStream(Files.newInputStream(f))) {
            assertEquals("content", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Path probe = Files.createFile(tmp.resolve("probe"));
        if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
            assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(f));
        }
    }

    @Test
    void staleTemporaryFilesAreTheOldOnesOfTheWritersNaming() throws IOException {
        Path sub = Files.createDirectories(tmp.resolve("checkpoints"));
        Path old = Files.writeString(sub.resolve("last.safetensors.tmp-0123456789ab"), "x");
        Path fresh = Files.writeString(tmp.resolve("best.safetensors.tmp-0123456789ac"), "x");
        Path other = Files.writeString(tmp.resolve("curves.png.tmp"), "x");
        Instant lock = Instant.now();
        Files.setLastModifiedTime(old, FileTime.from(lock.minusSeconds(60)));
        Files.setLastModifiedTime(other, FileTime.from(lock.minusSeconds(60)));
        Files.setLastModifiedTime(fresh, FileTime.from(lock.plusSeconds(60)));
        assertEquals(List.of(old), AtomicFiles.removeStale(tmp, lock, 2));
        assertTrue(Files.exists(fresh) && Files.exists(other));
    }
}
