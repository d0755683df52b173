package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Feeds arbitrary pickle bytes straight to the restricted unpickler (reaching it through a zip archive, as
 * {@link TensorFilesFuzzTest} does, leaves most mutations in the zip structure). Storages are served from a
 * zero-filled buffer of the declared size; only {@link IOException} may escape.
 */
class TorchPickleFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void load(byte[] pickle) throws IOException {
        try {
            TorchPickle.load(pickle, "fuzz", (dtype, key, numel) -> {
                // Declared sizes are capped by the unpickler; keep the fuzzer's memory small anyway.
                if (numel > 1 << 16) {
                    throw new IOException("large storage");
                }
                return ByteBuffer.allocate((int) numel * dtype.itemSize());
            });
        } catch (IOException e) {
            assertEquals(true, e.getMessage().startsWith("fuzz: "), e.getMessage());
        }
    }
}
