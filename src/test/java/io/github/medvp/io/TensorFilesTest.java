package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The format is told by content: a safetensors header length can begin with another format's magic bytes. */
class TensorFilesTest {

    @TempDir
    Path tmp;

    /** A safetensors file whose first two bytes are {@code first}, {@code second}: metadata grown until they are. */
    private Path withLeadingBytes(int first, int second) throws IOException {
        Map<String, HostTensor> t = Map.of("w", HostTensor.ofFloats(new long[] {2}, 1.5f, -2));
        Path f = tmp.resolve(String.format("x%02x%02x.safetensors", first, second));
        // The header grows by one byte per metadata character, padded to 8: search near the length wanted.
        int wanted = first | second << 8;
        long base = headerLength(write(f, t, 0));
        for (long n = Math.max(0, wanted - base - 16); n <= wanted - base + 16; n++) {
            if (headerLength(write(f, t, (int) n)) == wanted) {
                return f;
            }
        }
        throw new AssertionError("no metadata length gives a header starting with " + first + ", " + second);
    }

    private static Path write(Path f, Map<String, HostTensor> t, int pad) throws IOException {
        TensorFiles.write(f, t, Map.of("pad", "a".repeat(pad)));
        return f;
    }

    private static long headerLength(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            return java.nio.ByteBuffer.wrap(in.readNBytes(8)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        }
    }

    @Test
    void aHeaderLengthThatLooksLikeAPickleOrAZipIsStillSafetensors() throws IOException {
        // 0x80 opens a legacy PyTorch pickle (a BrainMVP small-preset checkpoint had a 0x019c80-byte header);
        // "PK" opens torch.save's zip archive.
        for (int[] magic : new int[][] {{0x80, 0x01}, {'P', 'K'}}) {
            Map<String, HostTensor> read = TensorFiles.readStateDict(withLeadingBytes(magic[0], magic[1]));
            assertEquals(1, read.size());
            assertArrayEquals(new float[] {1.5f, -2}, read.get("w").toFloatArray());
        }
    }

    @Test
    void aLegacyPickleIsStillExplained() throws IOException {
        // Protocol 2, then LONG1 with the 10-byte magic number of torch's legacy format.
        Path f = Files.write(tmp.resolve("legacy.pt"), new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc,
            (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19});
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> TensorFiles.readStateDict(f));
        assertTrue(e.getMessage().contains("legacy (pre-1.6) PyTorch format"), e.getMessage());
    }
}
