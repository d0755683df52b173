package io.github.medvp.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds small torch.save-style archives from hand-written pickle bytes for tests. */
final class TorchZips {
    private TorchZips() {
    }

    /** Writes {@code archive/data.pkl} plus the given {@code archive/data/<key>} storages to {@code file}. */
    static Path write(Path file, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(pickle);
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                z.putNextEntry(new ZipEntry("archive/data/" + e.getKey()));
                z.write(e.getValue());
            }
        }
        return file;
    }

    /** Concatenates pickle pieces given as ISO-8859-1 strings (opcodes are single characters). */
    static byte[] pickle(String... parts) {
        return String.join("", parts).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
