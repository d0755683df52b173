package io.github.medvp.nn.swin;

import io.github.medvp.nn.Presets;
import java.util.Locale;

/** MG-3D's Swin sizes: {@code b} (Swin-B, the reference), {@code l} (Swin-L), {@code tiny} (tests, demos). */
public enum SwinPreset {
    /** Small widths for tests and demos. */
    TINY,
    /** Swin-B, the reference's encoder. */
    B,
    /** Swin-L. */
    L;

    /** @return an unbuilt encoder of this size */
    public Swin3d.Builder encoder() {
        return switch (this) {
            case TINY -> Presets.swinTiny();
            case B -> Presets.swinB();
            case L -> Presets.swinL();
        };
    }

    /** @return the name as users and checkpoint headers write it ({@code b}) */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
