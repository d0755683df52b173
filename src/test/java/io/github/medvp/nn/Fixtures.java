package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Access to the shared parity fixtures ({@code -Dmedvp.shared}, set by Surefire). */
public final class Fixtures {

    private Fixtures() {
    }

    /** @return the fixture folder; skips the test when ../shared is not there */
    public static Path parity(String name) {
        String shared = System.getProperty("medvp.shared");
        Path dir = shared == null ? null : Paths.get(shared, "parity", name);
        Assumptions.assumeTrue(dir != null && Files.isDirectory(dir),
                "../shared not found (medvp.shared=" + shared + "): parity fixture " + name + " skipped");
        return dir;
    }

    /** Reads a safetensors file (DJL's NDList codec understands the format) into name -> array. */
    public static Map<String, NDArray> safetensors(NDManager manager, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            NDList list = NDList.decode(manager, in);
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (NDArray a : list) {
                out.put(a.getName(), a);
            }
            return out;
        }
    }

    /** Maximum absolute difference. */
    public static float maxAbs(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }
}
