package io.github.medvp.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one entry point for model weights: reads safetensors or PyTorch checkpoints, chosen by content rather than by
 * file name, and writes safetensors.
 */
public final class TensorFiles {
    private TensorFiles() {
    }

    /**
     * Reads the tensors of a safetensors file or the state dict of a {@code torch.save} file (see
     * {@link TorchCheckpoint#readStateDict(Path)}).
     *
     * @throws IOException if the file cannot be read, is neither format, or is invalid; the message names the file
     */
    public static Map<String, HostTensor> readStateDict(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(9);
        }
        // Safetensors first: its first 8 bytes are the header length, which can start with the bytes of a zip
        // ("PK") or of a legacy pickle (0x80): a 0x019c80-byte header did. Neither of those has '{' at byte 8 (a zip
        // has its compression method there, a legacy pickle its magic number).
        if (head.length == 9 && head[8] == '{') {
            return Safetensors.read(file).tensors();
        }
        if (head.length >= 2 && head[0] == 'P' && head[1] == 'K' || head.length >= 1 && (head[0] & 0xff) == 0x80) {
            return TorchCheckpoint.readStateDict(file); // zip archive, or a legacy pickle it explains
        }
        throw new IOException(file + ": is neither a safetensors file nor a PyTorch checkpoint");
    }

    /**
     * Atomically writes {@code tensors} and {@code metadata} (may be empty) as safetensors, see
     * {@link Safetensors#write(Path, Map, Map)}.
     */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
            throws IOException {
        Safetensors.write(file, tensors, metadata);
    }
}
