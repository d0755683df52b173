package io.github.medvp.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The folder a command writes its results into, removed again when the command fails before it has a result: a
 * rerun with corrected settings then finds no half-written folder. Only what this command created is removed (the
 * folder and any parents it had to create); a folder that existed before is left as it is.
 * <pre>
 * try (OutputFolder out = OutputFolder.create(dir)) {
 *     ... write the results into out.dir() ...
 *     out.keep();
 * }
 * </pre>
 * The static helpers do the same work for callers that manage their folder themselves (run folders).
 */
public final class OutputFolder implements AutoCloseable {

    private final Path dir;
    private final Path created;
    private boolean kept;

    private OutputFolder(Path dir, Path created) {
        this.dir = dir;
        this.created = created;
    }

    /**
     * Creates {@code dir} and its missing parents, or takes it as it is when it exists.
     *
     * @return the folder, to {@link #keep} once it holds a result
     * @throws IOException a {@link FileError} naming the folder and the reason
     */
    public static OutputFolder create(Path dir) throws IOException {
        return new OutputFolder(dir, createDirectories(dir));
    }

    /** @return the folder */
    public Path dir() {
        return dir;
    }

    /** @return whether this command created the folder (and so removes it when it fails) */
    public boolean created() {
        return created != null;
    }

    /** Marks the folder as holding a result: it stays whatever happens next. */
    public void keep() {
        kept = true;
    }

    /** Removes the folder and the parents this created unless {@link #keep} was called; never throws. */
    @Override
    public void close() {
        if (!kept && created != null) {
            deleteTree(created);
        }
    }

    /**
     * Creates {@code dir} and its missing parents.
     *
     * @return the topmost folder this call created (removing it undoes the call), or null when {@code dir} existed
     * @throws IOException a {@link FileError} naming {@code dir} and the reason (permission denied, a file in the
     *     way, ...)
     */
    public static Path createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            return null;
        }
        Path top = abs;
        while (top.getParent() != null && Files.notExists(top.getParent())) {
            top = top.getParent();
        }
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw FileError.creatingFolder(dir, e);
        }
        return top;
    }

    /** @return whether {@code dir} holds nothing but entries {@code ignored} accepts */
    public static boolean isEmpty(Path dir, Predicate<Path> ignored) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (!ignored.test(p)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Deletes {@code path} and everything in it, as far as it can; never throws. */
    public static void deleteTree(Path path) {
        deleteContents(path, p -> false);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Best effort: what is left is harmless and the caller is already reporting a failure.
        }
    }

    /** Deletes everything in {@code dir} except the top-level entries {@code spared} accepts; never throws. */
    public static void deleteContents(Path dir, Predicate<Path> spared) {
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.filter(p -> !p.equals(dir)).sorted(Comparator.reverseOrder()).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return;
        }
        for (Path p : all) {
            if (spared.test(dir.resolve(dir.relativize(p).getName(0)))) {
                continue;
            }
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // Best effort, as above.
            }
        }
    }
}
