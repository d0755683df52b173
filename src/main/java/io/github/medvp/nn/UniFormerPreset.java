package io.github.medvp.nn;

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

    /** @return the name as users and checkpoint headers write it ({@code small}) */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
