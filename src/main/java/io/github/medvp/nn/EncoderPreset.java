package io.github.medvp.nn;

import io.github.medvp.MedvpException;
import io.github.medvp.SettingsException;
import io.github.medvp.nn.swin.SwinPreset;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An encoder family and size, as users write it ({@code swin-b}) and fine-tuned models record it (header fields
 * {@code encoder} = the family, {@code preset} = the size): BrainMVP's UniFormer ({@link UniFormerPreset}) or MG-3D's
 * Swin ({@link SwinPreset}).
 */
public enum EncoderPreset {
    /** UniFormer-S, BrainMVP's encoder. */
    UNIFORMER_SMALL(Family.UNIFORMER, "small"),
    /** The small test UniFormer. */
    UNIFORMER_TINY(Family.UNIFORMER, "tiny"),
    /** The small test Swin (the parity fixture's). */
    SWIN_TINY(Family.SWIN, "tiny"),
    /** Swin-B, MG-3D's pre-training encoder. */
    SWIN_B(Family.SWIN, "b"),
    /** Swin-L. */
    SWIN_L(Family.SWIN, "l");

    /** The encoder families. */
    public enum Family {
        /** BrainMVP's UniFormer ({@link UniFormer3d}). */
        UNIFORMER,
        /** MG-3D's Swin ({@link io.github.medvp.nn.swin.Swin3d}). */
        SWIN;

        /** @return the name headers and users write ({@code swin}) */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @return the size chosen when only the family is given: UniFormer-S or Swin-B, the references' */
        public EncoderPreset defaultPreset() {
            return this == UNIFORMER ? UNIFORMER_SMALL : SWIN_B;
        }
    }

    /** The value of the {@code encoder} and {@code preset} settings that leaves the choice to the checkpoint. */
    public static final String AUTO = "auto";

    private final Family family;
    private final String size;

    EncoderPreset(Family family, String size) {
        this.family = family;
        this.size = size;
    }

    /** @return the family */
    public Family family() {
        return family;
    }

    /** @return the size within the family, as the header's {@code preset} ({@code b}) */
    public String size() {
        return size;
    }

    /** @return the name users write ({@code swin-b}) */
    public String key() {
        return family.key() + "-" + size;
    }

    @Override
    public String toString() {
        return key();
    }

    /**
     * @param inChannels input channels
     * @return a fresh, uninitialised encoder of this size
     */
    public VolumeEncoder build(int inChannels) {
        return switch (this) {
            case UNIFORMER_SMALL -> UniFormerPreset.SMALL.encoder().optInChannels(inChannels).build();
            case UNIFORMER_TINY -> UniFormerPreset.TINY.encoder().optInChannels(inChannels).build();
            case SWIN_TINY -> SwinPreset.TINY.encoder().optInChannels(inChannels).build();
            case SWIN_B -> SwinPreset.B.encoder().optInChannels(inChannels).build();
            case SWIN_L -> SwinPreset.L.encoder().optInChannels(inChannels).build();
        };
    }

    /**
     * @param preset a UniFormer size
     * @return the same size as an encoder preset
     */
    public static EncoderPreset of(UniFormerPreset preset) {
        return preset == UniFormerPreset.TINY ? UNIFORMER_TINY : UNIFORMER_SMALL;
    }

    /**
     * @param preset a Swin size
     * @return the same size as an encoder preset
     */
    public static EncoderPreset of(SwinPreset preset) {
        return switch (preset) {
            case TINY -> SWIN_TINY;
            case B -> SWIN_B;
            case L -> SWIN_L;
        };
    }

    /**
     * A checkpoint header's encoder.
     *
     * @param family {@code uniformer} or {@code swin}; null or absent in headers written before Swin encoders,
     *     which are UniFormer's
     * @param size the header's {@code preset}
     * @param source the file, for the message
     * @return the preset
     * @throws MedvpException when the family or size is unknown
     */
    public static EncoderPreset of(String family, String size, String source) {
        String f = family == null ? Family.UNIFORMER.key() : family;
        for (EncoderPreset p : values()) {
            if (p.family.key().equals(f) && p.size.equals(size)) {
                return p;
            }
        }
        throw new MedvpException(source + ": unknown encoder '" + f + "' of size '" + size + "'; known: " + known());
    }

    /**
     * The encoder the settings {@code encoder} and {@code preset} name together: {@code encoder} is a preset
     * ({@code swin-b}) or a family ({@code swin}, its reference size unless {@code preset} gives one); {@code preset}
     * alone is a size ({@code tiny} and {@code small} UniFormer's, as before Swin encoders; {@code b}, {@code l}
     * Swin's).
     *
     * @param encoder the {@code encoder} setting, blank or {@value #AUTO} for none
     * @param preset the {@code preset} setting, blank or {@value #AUTO} for none
     * @return the preset, or null when neither is given (the checkpoint's, or the default)
     * @throws SettingsException for an unknown name or a size that contradicts the encoder
     */
    public static EncoderPreset parse(String encoder, String preset) {
        String e = blankIfAuto(encoder).replace('_', '-');
        String p = blankIfAuto(preset);
        if (e.isEmpty() && p.isEmpty()) {
            return null;
        }
        if (e.isEmpty()) {
            for (EncoderPreset x : values()) {
                // tiny alone stays UniFormer's, as the setting meant before Swin encoders.
                if (x.size.equals(p) && (x.family == Family.UNIFORMER || !p.equals("tiny"))) {
                    return x;
                }
            }
            throw SettingsException.of("preset", "'" + preset + "'", "small, tiny (UniFormer), b or l (Swin), or "
                    + "name the encoder: " + known());
        }
        for (EncoderPreset x : values()) {
            if (x.key().equals(e)) {
                if (!p.isEmpty() && !p.equals(x.size)) {
                    throw SettingsException.of("preset", "'" + preset + "'", x.size + " (the size of encoder="
                            + x.key() + "), or leave it empty");
                }
                return x;
            }
        }
        for (Family f : Family.values()) {
            if (f.key().equals(e)) {
                if (p.isEmpty()) {
                    return f.defaultPreset();
                }
                for (EncoderPreset x : values()) {
                    if (x.family == f && x.size.equals(p)) {
                        return x;
                    }
                }
                throw SettingsException.of("preset", "'" + preset + "'", "a size of the " + f.key() + " encoder: "
                        + Arrays.stream(values()).filter(x -> x.family == f).map(EncoderPreset::size)
                                .collect(Collectors.joining(", ")));
            }
        }
        throw SettingsException.of("encoder", "'" + encoder + "'", "one of " + known() + ", or uniformer or swin");
    }

    private static String blankIfAuto(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return v.equals(AUTO) ? "" : v;
    }

    private static String known() {
        return Arrays.stream(values()).map(EncoderPreset::key).collect(Collectors.joining(", "));
    }
}
