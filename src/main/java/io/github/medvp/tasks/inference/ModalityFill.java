package io.github.medvp.tasks.inference;

import io.github.medvp.MedvpException;

import java.util.Locale;

/**
 * What stands in for a modality a study lacks at inference ({@link MissingModalities}).
 * <ul>
 * <li>{@link #TEMPLATES}: the learned BrainMVP template of the modality, placed on the study (the paper's use of
 * them);</li>
 * <li>{@link #MEAN}: a constant inside the study's foreground, the modality's mean over the training studies'
 * foreground after the training scaling (stored in the fine-tuned checkpoint), 0 outside: the baseline a learned
 * template has to beat;</li>
 * <li>{@link #ZEROS}: nothing, 0 everywhere.</li>
 * </ul>
 */
public enum ModalityFill {
    TEMPLATES,
    MEAN,
    ZEROS;

    /** The setting's name in commands. */
    public static final String SETTING = "fill";

    /** The setting's value, e.g. {@code templates}. */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses the {@code fill} setting.
     *
     * @param value {@code templates}, {@code mean} or {@code zeros}; null, empty or {@code auto} for the model's
     *     default (templates where it has them, else its training means)
     * @return the choice, or null for the model's default
     * @throws MedvpException naming the setting and what is allowed
     */
    public static ModalityFill parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("auto")) {
            return null;
        }
        for (ModalityFill f : values()) {
            if (f.token().equals(v)) {
                return f;
            }
        }
        throw new MedvpException(SETTING + "='" + value + "' is not one of auto, templates, mean, zeros");
    }
}
