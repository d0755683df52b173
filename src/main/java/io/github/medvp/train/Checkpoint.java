package io.github.medvp.train;

import com.google.gson.JsonObject;
import io.github.medvp.io.HostTensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One training checkpoint: a JSON header and named tensors in three sections, told apart by name prefix:
 * {@link #MODEL} (block parameters), {@link #OPTIM} (optimiser state) and {@link #EXTRA} (free trainables such as
 * BrainMVP's modality templates). Stored by {@link Checkpoints} as one safetensors file whose metadata key
 * {@value Checkpoints#METADATA_KEY} holds the header.
 * <p>
 * The header is what the caller fills (method, preset, every setting, seeds) plus what {@link TrainLoop} adds
 * (step, epoch, guard counters); {@link Checkpoints#write} adds the format and project versions.
 *
 * @param header the JSON header (not copied: do not modify after construction)
 * @param tensors all tensors, keys with their section prefix
 */
public record Checkpoint(JsonObject header, Map<String, HostTensor> tensors) {

    /** Prefix of model (block) parameters. */
    public static final String MODEL = "model.";
    /** Prefix of optimiser state. */
    public static final String OPTIM = "optim.";
    /** Prefix of free trainables. */
    public static final String EXTRA = "extra.";

    public Checkpoint {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** The tensors of one section with the prefix removed, in file order. */
    public Map<String, HostTensor> section(String prefix) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** The optimiser step the checkpoint was taken after (header field {@code step}). */
    public long step() {
        return header.get("step").getAsLong();
    }
}
