package io.github.medvp.nn;

import io.github.medvp.MedvpException;
import java.util.Locale;

/** The UniFormer sizes BrainMVP pre-trains and fine-tunes: {@code small} (the reference's UniFormer-S), {@code tiny}.
 */
public enum UniFormerPreset {
    /** Small widths and depths for tests and demos. */
    TINY,
    /** UniFormer-S, the reference's encoder. */
    SMALL;

    /** @return an unbuilt encoder of this size */
    public UniFormer3d.Builder encoder() {
        return this == TINY ? Presets.tiny() : Presets.small();
    }

    /**
     * @param key a preset's name as checkpoint headers and users write it ({@code small})
     * @param source what named it, for the message ({@code model.safetensors})
     * @return the preset
     * @throws MedvpException for another name
     */
    public static UniFormerPreset of(String key, String source) {
        for (UniFormerPreset p : values()) {
            if (p.key().equals(key)) {
                return p;
            }
        }
        throw new MedvpException(source + ": unknown UniFormer preset '" + key + "'; use tiny or small");
    }

    /** @return the name as users and checkpoint headers write it ({@code small}) */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
