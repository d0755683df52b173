package io.github.medvp.io;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The reference parity folders under {@code ../shared/parity}; tests using them are skipped when it is absent. */
final class ParityDirs {
    static final List<String> MODELS = List.of("uniformer-tiny-c1", "uniformer-tiny-c4", "swin-tiny");

    private ParityDirs() {
    }

    /** The folder of one parity model, or a skipped test when the shared material is not there. */
    static Path dir(String model) {
        Path shared = Path.of(System.getProperty("medvp.shared", "../shared"));
        Path dir = shared.resolve("parity").resolve(model);
        assumeTrue(Files.isDirectory(dir), "../shared not found (" + dir.toAbsolutePath() + "); parity test skipped");
        return dir;
    }

    static JsonObject meta(String model) throws IOException {
        return JsonParser.parseString(Files.readString(dir(model).resolve("meta.json"))).getAsJsonObject();
    }
}
