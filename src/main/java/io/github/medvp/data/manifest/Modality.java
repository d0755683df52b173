package io.github.medvp.data.manifest;

import java.util.Locale;

/**
 * The eight MRI modalities BrainMVP knows, in template order: the ordinal is the index of the modality's template
 * ({@code --template_index} in the reference code), so {@code FLAIR.ordinal() == 0} and {@code ADC.ordinal() == 7}.
 * <p>
 * File-name tokens and user spellings are mapped to these by {@link ModalityNames}.
 */
public enum Modality {
    FLAIR, T1, T1C, T2, MRA, PD, DWI, ADC;

    private static final Modality[] VALUES = values();

    /** The canonical lower-case name, as used in checkpoints and settings ({@code "t1c"}). */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Index of this modality's template in the template stack (0..7). */
    public int templateIndex() {
        return ordinal();
    }

    /** The modality with a template index. */
    public static Modality ofTemplateIndex(int index) {
        if (index < 0 || index >= VALUES.length) {
            throw new IllegalArgumentException("template index " + index + " is not in 0.." + (VALUES.length - 1));
        }
        return VALUES[index];
    }

    @Override
    public String toString() {
        return token();
    }
}
