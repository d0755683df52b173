package io.github.medvp.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A file that could not be written, read or created, said in one line a user can act on: the file they named and
 * what went wrong ({@code cannot write out/x.csv: permission denied}). The file system's own exceptions carry only
 * a path as their message ({@link AccessDeniedException}) or a temporary name, so they are turned into this where
 * MedVP knows which file was meant, and {@link #describe} words any other I/O failure for the launcher.
 */
public final class FileError extends IOException {
    private static final long serialVersionUID = 1L;

    private FileError(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param file the file the user named (not a temporary one)
     * @param e what the file system reported
     * @return {@code e} itself when it already names its file this way, else {@code cannot write FILE: REASON}
     */
    public static IOException writing(Path file, IOException e) {
        return e instanceof FileError ? e : new FileError("cannot write " + file + ": " + reason(file, e), e);
    }

    /**
     * @param file the file the user named
     * @param e what the file system reported
     * @return {@code e} itself when it already names its file this way, else {@code cannot read FILE: REASON}
     */
    public static IOException reading(Path file, IOException e) {
        return e instanceof FileError ? e : new FileError("cannot read " + file + ": " + reason(file, e), e);
    }

    /**
     * @param folder the folder the user named
     * @param e what the file system reported
     * @return {@code e} itself when it already names its folder this way, else {@code cannot create folder ...}
     */
    public static IOException creatingFolder(Path folder, IOException e) {
        if (e instanceof FileError) {
            return e;
        }
        String why = e instanceof FileAlreadyExistsException f && f.getFile() != null
                ? f.getFile() + " is a file, not a folder" : reason(folder, e);
        return new FileError("cannot create folder " + folder + ": " + why, e);
    }

    /**
     * One line for any failure: {@code cannot access FILE: REASON} for the file system's own exceptions (whose
     * message is a bare path), else the message.
     *
     * @param e the failure
     * @return the line
     */
    public static String describe(Throwable e) {
        if (e instanceof FileSystemException f && !(e instanceof FileError) && f.getFile() != null) {
            String other = f.getOtherFile() == null ? "" : " or " + f.getOtherFile();
            return "cannot access " + f.getFile() + other + ": " + reason(Path.of(f.getFile()), f);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * What went wrong, in words: permission denied, not a folder, no space left on the device, ...
     *
     * @param file the file the user named, to find the part of its path that is not a folder; may be null
     * @param e what the file system reported
     * @return the reason
     */
    public static String reason(Path file, IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return notAFolder(file);
        }
        if (e instanceof NoSuchFileException) {
            Path parent = file == null ? null : file.toAbsolutePath().getParent();
            return parent != null && !Files.isDirectory(parent) ? "folder " + file.getParent()
                    + " does not exist" : "no such file or folder";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "it already exists";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "the folder is not empty";
        }
        if (e instanceof FileSystemLoopException) {
            return "too many symbolic links";
        }
        String text = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (text == null || text.isBlank()) {
            return e.getClass().getSimpleName();
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("not a directory")) {
            return notAFolder(file);
        }
        if (lower.contains("no space left")) {
            return "no space left on the device";
        }
        if (lower.contains("quota")) {
            return "disk quota exceeded";
        }
        if (lower.contains("read-only file system")) {
            return "read-only file system";
        }
        if (lower.contains("permission denied") || lower.contains("access is denied")) {
            return "permission denied";
        }
        if (lower.contains("is a directory")) {
            return "it is a folder";
        }
        return text;
    }

    /** "X is not a folder" for the nearest ancestor of {@code file} that exists and is a file. */
    private static String notAFolder(Path file) {
        for (Path p = file == null ? null : file.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return Files.isDirectory(p) ? "not a folder" : p + " is not a folder";
            }
        }
        return "not a folder";
    }
}
