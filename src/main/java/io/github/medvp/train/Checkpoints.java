package io.github.medvp.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.medvp.MedvpException;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.Safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes and reads {@link Checkpoint}s, and moves them in and out of a model and its optimiser.
 * <p>
 * Reading fails with a one-line {@link MedvpException} that says what the file is and what to do: a damaged or
 * truncated file, a raw state dict of a reference implementation (which the import converts), a file of a newer
 * format, or tensors that do not fit the model (named).
 */
public final class Checkpoints {

    /** The safetensors metadata key holding the JSON header. */
    public static final String METADATA_KEY = "medvp";
    /** The header layout version written by this code; older versions are read, newer ones refused. */
    public static final int FORMAT_VERSION = 1;

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues()
            .create();

    private Checkpoints() {
    }

    /** The version of this build (from the jar manifest), or {@code dev} when run from classes. */
    public static String projectVersion() {
        String v = Checkpoints.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * A checkpoint of {@code params} and {@code optimizer} (may be null) with {@code header} (copied).
     */
    public static Checkpoint capture(JsonObject header, NamedParameters params, Optimizer optimizer) {
        Map<String, HostTensor> tensors = new LinkedHashMap<>(params.toHost(Checkpoint.MODEL, Checkpoint.EXTRA));
        if (optimizer != null) {
            optimizer.state().forEach((k, v) -> tensors.put(Checkpoint.OPTIM + k, v));
        }
        return new Checkpoint(header.deepCopy(), tensors);
    }

    /**
     * Copies a checkpoint's model and free tensors into {@code params} and its optimiser state into {@code optimizer}
     * (skipped when null).
     *
     * @param source the file, for messages
     */
    public static void restore(Checkpoint c, Path source, NamedParameters params, Optimizer optimizer) {
        params.load(c.tensors(), Checkpoint.MODEL, Checkpoint.EXTRA, source.toString());
        if (optimizer != null) {
            Map<String, HostTensor> state = c.section(Checkpoint.OPTIM);
            if (state.isEmpty()) {
                throw new MedvpException(source + " holds no optimiser state, so training cannot resume from it; "
                        + "use it as initial weights instead");
            }
            optimizer.loadState(state, source.toString());
        }
    }

    /**
     * Writes {@code c} atomically (a crash leaves either the old file or the new one), adding {@code format} and
     * {@code project_version} to the stored header.
     *
     * @throws MedvpException when a tensor holds NaN or infinite values: nothing is written, so the previous
     *     checkpoint (the last good state, to resume from with other settings) is not replaced by a broken one
     */
    public static void write(Path file, Checkpoint c) throws IOException {
        for (Map.Entry<String, HostTensor> e : c.tensors().entrySet()) {
            if (!e.getValue().allFinite()) {
                throw new MedvpException("not writing checkpoint " + file + ": tensor " + e.getKey()
                        + " holds NaN or infinite values, so training diverged (any earlier checkpoint is kept); "
                        + "resume from it with a lower learning rate or gradient clipping");
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        JsonObject h = c.header().deepCopy();
        h.addProperty("format", FORMAT_VERSION);
        h.addProperty("project_version", projectVersion());
        Safetensors.write(file, c.tensors(), Map.of(METADATA_KEY, GSON.toJson(h)));
    }

    /**
     * Reads a checkpoint.
     *
     * @throws MedvpException when the file is missing, damaged, not a MedVP checkpoint, or of a newer format
     */
    public static Checkpoint read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new MedvpException("checkpoint " + file + " does not exist");
        }
        Safetensors.Contents contents;
        try {
            contents = Safetensors.read(file);
        } catch (IOException e) {
            throw new MedvpException("cannot read checkpoint " + file + " (damaged or cut short by a crash?): "
                    + e.getMessage(), e);
        }
        String json = contents.metadata().get(METADATA_KEY);
        if (json == null) {
            throw new MedvpException(file + " is not a MedVP checkpoint (no '" + METADATA_KEY + "' header): "
                    + "to start from weights of a reference implementation, use the import command instead");
        }
        JsonObject header;
        try {
            JsonElement parsed = JsonParser.parseString(json);
            header = parsed.getAsJsonObject();
        } catch (RuntimeException e) {
            throw new MedvpException("checkpoint " + file + " has a damaged header: " + e.getMessage(), e);
        }
        if (!header.has("format") || !header.has("step")) {
            throw new MedvpException("checkpoint " + file + " has a header without 'format' or 'step'");
        }
        int format = header.get("format").getAsInt();
        if (format > FORMAT_VERSION) {
            throw new MedvpException("checkpoint " + file + " has format " + format + ", written by a newer MedVP ("
                    + jsonString(header, "project_version") + "); update MedVP to read it");
        }
        for (String name : contents.tensors().keySet()) {
            if (!name.startsWith(Checkpoint.MODEL) && !name.startsWith(Checkpoint.OPTIM)
                    && !name.startsWith(Checkpoint.EXTRA)) {
                throw new MedvpException("checkpoint " + file + " holds tensor '" + name + "' outside the model., "
                        + "optim. and extra. sections: the file was changed by another tool");
            }
        }
        return new Checkpoint(header, contents.tensors());
    }

    private static String jsonString(JsonObject o, String key) {
        return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : "unknown version";
    }
}
