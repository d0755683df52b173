package io.github.medvp.io;

import java.awt.image.RenderedImage;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes files so that readers see either the old content or the complete new content, never a partial file, even
 * after a crash: the content goes to {@code <name>.tmp-<12 hex digits>} in the same folder, is flushed to disk, and
 * is then renamed over the target, after which the folder itself is flushed where the platform allows it.
 * <p>
 * The temporary file is created like any other file, so the result has the permissions the umask gives (unlike
 * {@code Files.createTempFile}, which makes owner-only files). A failure names the target, not the temporary file,
 * and says what went wrong ({@link FileError}). A writer killed mid-way leaves its temporary file behind; whoever
 * owns the folder again removes such leftovers with {@link #removeStale}.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern TEMPORARY = Pattern.compile(".+\\.tmp-[0-9a-f]{12}");

    private AtomicFiles() {
    }

    /** Writes the content of a file through a channel positioned at 0. */
    @FunctionalInterface
    public interface ContentWriter {
        void write(FileChannel channel) throws IOException;
    }

    /** Writes the content of a file to a stream; closing the stream is allowed and does not end the write. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Atomically replaces (or creates) {@code target} with what {@code writer} writes. On failure the target is
     * unchanged and the temporary file is removed.
     *
     * @throws IOException a {@link FileError} naming {@code target} and the reason
     */
    public static void write(Path target, ContentWriter writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        byte[] suffix = new byte[6];
        RANDOM.nextBytes(suffix);
        Path tmp = dir.resolve(abs.getFileName() + ".tmp-" + HexFormat.of().formatHex(suffix));
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writer.write(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                // Same folder, so this only happens on unusual file systems; a plain replace is the best left.
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } catch (IOException e) {
            throw FileError.writing(target, e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // The failure being reported matters more; removeStale takes the file later.
                }
            }
        }
        syncDirectory(dir);
    }

    /** Atomically replaces (or creates) {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    /** Atomically replaces (or creates) {@code target} with what {@code writer} writes to a buffered stream. */
    public static void writeStream(Path target, StreamWriter writer) throws IOException {
        write(target, ch -> {
            // Closing by the writer (a GZIP stream's close, an ImageIO call) must not close the channel before
            // it is flushed to disk.
            OutputStream keepOpen = new FilterOutputStream(Channels.newOutputStream(ch)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            };
            OutputStream out = new BufferedOutputStream(keepOpen, 1 << 16);
            writer.write(out);
            out.flush();
        });
    }

    /**
     * Atomically replaces (or creates) {@code target} with {@code image} in {@code format} ({@code png}). The
     * encoder works in memory: ImageIO's stream writing would otherwise put a cache file in the temporary folder.
     */
    public static void writeImage(Path target, RenderedImage image, String format) throws IOException {
        writeStream(target, out -> {
            try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
                if (!ImageIO.write(image, format, ios)) {
                    throw new IOException("no " + format + " encoder");
                }
            }
        });
    }

    /** Writes all remaining bytes of {@code b}; a single channel write may write fewer. */
    public static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** @return whether {@code file} is named as the temporary files of {@link #write} are */
    public static boolean isTemporary(Path file) {
        return TEMPORARY.matcher(file.getFileName().toString()).matches();
    }

    /**
     * Removes the temporary files of writes that never finished: those named as {@link #write} names them and last
     * modified before {@code before}, in {@code dir} and its subfolders down to {@code depth} levels. Only for a
     * folder nobody else writes in (a run folder whose lock this process holds), where every such file is a
     * leftover of a killed process.
     *
     * @return the files removed
     * @throws IOException when the folder cannot be listed
     */
    public static List<Path> removeStale(Path dir, Instant before, int depth) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> stale;
        try (Stream<Path> s = Files.walk(dir, depth)) {
            stale = s.filter(p -> isTemporary(p) && Files.isRegularFile(p) && modifiedBefore(p, before)).toList();
        }
        for (Path p : stale) {
            Files.deleteIfExists(p);
        }
        return stale;
    }

    private static boolean modifiedBefore(Path p, Instant before) {
        try {
            return Files.getLastModifiedTime(p).toInstant().isBefore(before);
        } catch (IOException e) {
            return false;
        }
    }

    /** Makes the rename durable; folders cannot be opened for sync on every platform (Windows), which is fine. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort by design: the data itself is already on disk.
        }
    }
}
