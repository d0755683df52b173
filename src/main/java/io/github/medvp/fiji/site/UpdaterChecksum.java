package io.github.medvp.fiji.site;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * SHA-1 checksums exactly as the ImageJ updater records them, so Fiji sees the files of our update site as
 * up to date rather than locally modified.
 * <p>
 * A plain file's checksum covers its path on the site (ASCII) followed by its bytes. A jar's covers its entries
 * sorted by name, each as the name (ASCII) followed by the content, where two kinds of content are normalised so a
 * rebuild without real changes keeps the checksum: {@code .properties} files lose their comment lines (Maven writes
 * a date into one) and {@code META-INF/MANIFEST.MF} contributes only its {@code Main-Class} lines. The updater's
 * manifest filter compares an upper-cased line with the mixed-case {@code "Main-Class:"}, so in fact no line
 * matches and a manifest contributes nothing; we reproduce that, since matching the updater is the point.
 */
public final class UpdaterChecksum {

    private UpdaterChecksum() {
    }

    /** The checksum of a file stored on the site under {@code sitePath} (e.g. {@code jars/medvp.jar}). */
    public static String of(String sitePath, Path file) throws IOException {
        if (sitePath.endsWith(".jar")) {
            return ofJar(file);
        }
        MessageDigest sha1 = sha1();
        sha1.update(sitePath.getBytes(StandardCharsets.US_ASCII));
        sha1.update(Files.readAllBytes(file));
        return HexFormat.of().formatHex(sha1.digest());
    }

    /** The normalised checksum of a jar's entries. */
    public static String ofJar(Path jar) throws IOException {
        MessageDigest sha1 = sha1();
        try (JarFile j = new JarFile(jar.toFile(), false)) {
            List<JarEntry> entries = new ArrayList<>(Collections.list(j.entries()));
            entries.sort((a, b) -> a.getName().compareTo(b.getName()));
            for (JarEntry e : entries) {
                sha1.update(e.getName().getBytes(StandardCharsets.US_ASCII));
                byte[] content;
                try (InputStream in = j.getInputStream(e)) {
                    content = in.readAllBytes();
                }
                if (e.getName().equals("META-INF/MANIFEST.MF")) {
                    continue; // see the class comment: contributes no bytes
                }
                sha1.update(e.getName().endsWith(".properties") ? withoutCommentLines(content) : content);
            }
        }
        return HexFormat.of().formatHex(sha1.digest());
    }

    /**
     * A .properties file as the updater reads it for its checksum: a line starting with '#' is dropped up to, not
     * including, its newline. The updater decides "start of line" with a flag its reader only sets again after a
     * newline that follows a character it did not treat as a comment start, so a comment line that is empty
     * ({@code "#\n"}) or starts with "##" leaves the next line unchecked; we reproduce that too.
     */
    static byte[] withoutCommentLines(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        Reader r = new Reader(in);
        for (int ch = r.read(); ch >= 0; ch = r.read()) {
            out.write(ch);
        }
        return out.toByteArray();
    }

    /** The updater's comment-skipping reader as a small state machine over bytes. */
    private static final class Reader {
        private final byte[] in;
        private int pos;
        private boolean atLineStart = true;

        Reader(byte[] in) {
            this.in = in;
        }

        int read() {
            int ch = pos < in.length ? in[pos++] & 0xff : -1;
            if (atLineStart) {
                if (ch == '#') {
                    // Skip to the newline, reading through this method so the flag evolves as the updater's does.
                    do {
                        ch = read();
                    } while (ch != '\n' && ch != -1);
                } else {
                    atLineStart = false;
                }
            } else if (ch == '\n') {
                atLineStart = true;
            }
            return ch;
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-1", e);
        }
    }
}
