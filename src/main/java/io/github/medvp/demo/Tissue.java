package io.github.medvp.demo;

import java.util.EnumMap;
import java.util.Map;

import io.github.medvp.data.manifest.Modality;

/**
 * The tissue classes of the phantom and how each looks: relative MRI signal per modality (1 ≈ the brightest common
 * tissue) and CT attenuation in Hounsfield units.
 * <p>
 * The MRI values follow the usual appearance at 1.5–3 T: T1 white matter brighter than grey matter brighter than
 * CSF and fat bright; T2 and PD CSF bright; FLAIR CSF suppressed; oedema and non-enhancing tumour bright on T2 and
 * FLAIR and dark on T1; the enhancing rim bright only on T1c; necrosis fluid-like (bright T2, dark FLAIR relative
 * to oedema). CT values assume contrast-enhanced head CT. Two healthy structures mimic tumour, as in real scans:
 * white-matter hyperintensities (gliosis, small vessel disease) are bright on T2 and FLAIR like oedema, and the
 * choroid plexus in the ventricles enhances on T1c like the tumour rim.
 */
enum Tissue {
    AIR, SKIN, FAT, SKULL, CSF, GREY, WHITE, OEDEMA, CORE, ENHANCING, NECROSIS, HYPERINTENSITY, PLEXUS;

    /** Number of classes, the length of a fraction vector. */
    static final int COUNT = values().length;

    private static final Map<Modality, double[]> MRI = new EnumMap<>(Modality.class);

    /**
     * Order of every row: AIR, SKIN, FAT, SKULL, CSF, GREY, WHITE, OEDEMA, CORE, ENHANCING, NECROSIS,
     * HYPERINTENSITY, PLEXUS.
     */
    static {
        MRI.put(Modality.T1, new double[] { 0, 0.55, 0.95, 0.10, 0.20, 0.55, 0.75,
                0.42, 0.45, 0.50, 0.24, 0.52, 0.50 });
        MRI.put(Modality.T1C, new double[] { 0, 0.60, 0.95, 0.12, 0.22, 0.56, 0.76,
                0.44, 0.50, 1.00, 0.26, 0.53, 0.95 });
        MRI.put(Modality.T2, new double[] { 0, 0.55, 0.65, 0.08, 1.00, 0.60, 0.42,
                0.85, 0.75, 0.70, 0.95, 0.80, 0.70 });
        MRI.put(Modality.FLAIR, new double[] { 0, 0.50, 0.60, 0.08, 0.12, 0.55, 0.42,
                0.95, 0.78, 0.72, 0.40, 0.90, 0.60 });
        MRI.put(Modality.PD, new double[] { 0, 0.70, 0.75, 0.10, 0.85, 0.75, 0.62,
                0.86, 0.80, 0.78, 0.85, 0.82, 0.78 });
    }

    /**
     * Hounsfield units, same order, as contrast-enhanced head CT shows them: grey matter 40 and white matter 28;
     * vasogenic oedema 13-15 HU below white matter (15); non-enhancing tumour hypodense (22, the "hypodense mass" the
     * reports name); enhancing tumour 40-50 HU above the parenchyma after contrast (80); necrosis near fluid (12).
     * The lesion's contrast is what the demo's MG-3D stage can learn from (docs/demo.md, "MG-3D").
     */
    private static final double[] HU = { -1000, 40, -100, 1000, 8, 40, 28, 15, 22, 80, 12, 22, 70 };

    /** The modalities the phantom can show. */
    static boolean supports(Modality m) {
        return MRI.containsKey(m);
    }

    /** Relative MRI signal of every tissue for {@code m} (indexed by ordinal). */
    static double[] signal(Modality m) {
        double[] s = MRI.get(m);
        if (s == null) {
            throw new IllegalArgumentException("the phantom has no contrast for " + m);
        }
        return s.clone();
    }

    /** Hounsfield units of every tissue (indexed by ordinal). */
    static double[] hounsfield() {
        return HU.clone();
    }
}
