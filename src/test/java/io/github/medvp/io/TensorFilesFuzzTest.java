package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Feeds arbitrary bytes to {@link TensorFiles#readStateDict(Path)}: whatever the content, the only exception allowed
 * to escape is {@link IOException}. Under plain {@code mvn test} this replays the seed corpus in
 * {@code TensorFilesFuzzTestInputs/readStateDict}; run with {@code JAZZER_FUZZ=1} to fuzz.
 */
class TensorFilesFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void readStateDict(byte[] content) throws IOException {
        Path f = Files.createTempFile("medvp-fuzz", ".bin");
        try {
            Files.write(f, content);
            Map<String, HostTensor> tensors;
            try {
                tensors = TensorFiles.readStateDict(f);
            } catch (IOException expected) {
                return;
            }
            for (HostTensor t : tensors.values()) {
                assertEquals(t.numel() * t.dtype().itemSize(), t.byteSize(), t.toString());
            }
        } finally {
            Files.delete(f);
        }
    }
}
