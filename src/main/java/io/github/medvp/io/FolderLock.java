package io.github.medvp.io;

import io.github.medvp.MedvpException;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An exclusive lock on a folder, so that two processes never write the same folder (a requeued cluster job while
 * the old one still runs, the same command started twice). The lock is the operating system's lock on the file
 * {@link #NAME} in the folder: it is released when the holder closes it or exits in any way, a crash included, so
 * it is never stale. The file records the holder's process id and host for the refusal message; it stays in the
 * folder after release (removing it would let two processes lock two different files of the same name).
 * <p>
 * The byte locked lies far beyond the file's text, so the text stays readable where locks are mandatory (Windows).
 * Within one JVM the operating system does not tell two locks apart, and closing any channel of the file can drop
 * the lock (POSIX), so the locks this JVM holds are also kept in a table and the file is never opened twice.
 */
public final class FolderLock implements AutoCloseable {

    /** The lock file in the locked folder. */
    public static final String NAME = ".lock";

    private static final long REGION = Long.MAX_VALUE - 1;
    private static final Pattern HOLDER = Pattern.compile("pid (\\d+) host (\\S+) since (\\S+)");
    private static final Map<Path, FolderLock> HELD = new ConcurrentHashMap<>();
    private static final List<FileChannel> STRAY = new CopyOnWriteArrayList<>();

    private final Path key;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Instant since;

    private FolderLock(Path key, Path file, FileChannel channel, FileLock lock, Instant since) {
        this.key = key;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.since = since;
    }

    /**
     * Locks {@code dir}, which must exist.
     *
     * @param what how to name the folder in the message, e.g. {@code run folder}
     * @return the lock, held until {@link #close}
     * @throws MedvpException when another process, or another run in this one, holds it: the message names the
     *     folder and the holder's process id
     * @throws IOException when the lock file cannot be created
     */
    public static FolderLock acquire(Path dir, String what) throws IOException {
        Path key = dir.toRealPath();
        Path file = dir.resolve(NAME);
        synchronized (HELD) {
            FolderLock mine = HELD.get(key);
            if (mine != null) {
                throw held(dir, what, "another run of this process, process " + ProcessHandle.current().pid()
                        + " (since " + mine.since + ")");
            }
            for (int attempt = 0;; attempt++) {
                FileChannel ch;
                try {
                    ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
                } catch (IOException e) {
                    throw FileError.writing(file, e);
                }
                FileLock lock;
                try {
                    lock = ch.tryLock(REGION, 1, false);
                } catch (OverlappingFileLockException e) {
                    // Locked through a path the table did not recognise (a hard link): held by this process all
                    // the same. The channel stays open, since closing it could release the other channel's lock.
                    STRAY.add(ch);
                    throw held(dir, what, "another run of this process, process " + ProcessHandle.current().pid());
                } catch (IOException e) {
                    ch.close();
                    throw FileError.writing(file, e);
                } catch (RuntimeException e) {
                    ch.close();
                    throw e;
                }
                if (lock == null) {
                    String holder = holder(ch);
                    ch.close();
                    throw held(dir, what, holder);
                }
                if (Files.notExists(file) && attempt < 3) {
                    // The holder removed the folder's files (a failed start) between our open and lock: the lock
                    // is on a file that is gone, so it would not exclude anyone.
                    ch.close();
                    continue;
                }
                Instant since = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                String text = "pid " + ProcessHandle.current().pid() + " host " + host() + " since " + since + "\n";
                ch.truncate(0);
                AtomicFiles.writeFully(ch, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                FolderLock l = new FolderLock(key, file, ch, lock, since);
                HELD.put(key, l);
                return l;
            }
        }
    }

    /** @return when the lock was taken (whole seconds); files older than this were left by earlier holders */
    public Instant since() {
        return since;
    }

    /** @return the lock file */
    public Path file() {
        return file;
    }

    /** Releases the lock; the lock file stays. Never throws. */
    @Override
    public void close() {
        synchronized (HELD) {
            HELD.remove(key, this);
            try {
                channel.close();
            } catch (IOException e) {
                // Closing the channel releases the lock whatever else fails.
            }
        }
    }

    private static MedvpException held(Path dir, String what, String holder) {
        return new MedvpException(what + " " + dir + " is in use by " + holder + "; wait for that run to end or "
                + "stop it, or choose another folder");
    }

    /** "process 123 on host h since t", from the lock file the holder wrote. */
    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(512);
            int n = Math.max(0, ch.read(b, 0));
            Matcher m = HOLDER.matcher(new String(b.array(), 0, n, StandardCharsets.UTF_8));
            if (m.find()) {
                return "process " + m.group(1) + " on host " + m.group(2) + " (since " + m.group(3) + ")";
            }
        } catch (IOException e) {
            // The message then names no process id.
        }
        return "another process";
    }

    private static String host() {
        for (String name : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String h = System.getenv(name);
            if (h != null && !h.isBlank()) {
                return h.trim();
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
