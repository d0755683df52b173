package io.github.medvp.data.manifest;

import java.util.List;
import java.util.Locale;

/**
 * The image modalities MedVP knows: BrainMVP's eight MRI modalities, in template order, then CT.
 * <p>
 * The eight MRI modalities have a BrainMVP template each and their ordinal is the index of that template
 * ({@code --template_index} in the reference code), so {@code FLAIR.ordinal() == 0} and {@code ADC.ordinal() == 7};
 * checkpoints store template stacks in this order. {@link #CT} comes after them and has no template: BrainMVP is an
 * MRI method; CT is the modality of MG-3D (Hounsfield units, scaled by a window, see
 * {@code io.github.medvp.data.transform.ModalityIntensity}). Code that means "the templated modalities" uses
 * {@link #TEMPLATED}, never {@code values()}.
 * <p>
 * File-name tokens and user spellings are mapped to these by {@link ModalityNames}.
 */
public enum Modality {
    FLAIR, T1, T1C, T2, MRA, PD, DWI, ADC,
    /** Computed tomography in Hounsfield units; no BrainMVP template. */
    CT;

    /** The modalities with a BrainMVP template, in template order (index = {@link #templateIndex()}). */
    public static final List<Modality> TEMPLATED = List.of(FLAIR, T1, T1C, T2, MRA, PD, DWI, ADC);

    /** @return whether BrainMVP has a template of this modality (the MRI modalities; not CT) */
    public boolean hasTemplate() {
        return this != CT;
    }

    /** @return whether the values are Hounsfield units (CT), scaled by a fixed window rather than by percentiles */
    public boolean isHounsfield() {
        return this == CT;
    }

    /** The canonical lower-case name, as used in checkpoints and settings ({@code "t1c"}). */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Index of this modality's template in the template stack (0..7).
     *
     * @throws IllegalStateException for a modality without template (CT)
     */
    public int templateIndex() {
        if (!hasTemplate()) {
            throw new IllegalStateException("modality " + token() + " has no BrainMVP template (templates exist for "
                    + TEMPLATED + ")");
        }
        return ordinal();
    }

    /** The modality with a template index. */
    public static Modality ofTemplateIndex(int index) {
        if (index < 0 || index >= TEMPLATED.size()) {
            throw new IllegalArgumentException("template index " + index + " is not in 0.." + (TEMPLATED.size() - 1));
        }
        return TEMPLATED.get(index);
    }

    @Override
    public String toString() {
        return token();
    }
}
