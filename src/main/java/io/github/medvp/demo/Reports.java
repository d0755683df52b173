package io.github.medvp.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Radiology-style findings and impression for a generated head CT, written from its {@link Findings} with varied
 * phrasing (seeded). Sentences end in full stops and contain what a sentence splitter must not split on: decimals
 * ("3.4 cm") and abbreviations ("approx.").
 */
final class Reports {

    private Reports() {
    }

    /** The CT technique line (CT-RATE's {@code Technique_EN}). */
    static String technique(double sliceMm) {
        return String.format(Locale.ROOT, "Contrast-enhanced CT of the head, reconstructed at %.1f mm slice "
                + "thickness.", sliceMm);
    }

    /** {findings, impression} for {@code f}. */
    static String[] write(Findings f, SplittableRandom rng) {
        return f.lesion() ? lesion(f, rng) : normal(rng);
    }

    private static String[] normal(SplittableRandom rng) {
        List<String> s = new ArrayList<>(List.of(
                pick(rng, "No intracranial mass lesion is seen.", "There is no space-occupying lesion.",
                        "No focal intracranial lesion."),
                pick(rng, "The ventricles are normal in size and configuration.",
                        "Ventricular system of normal width.", "The lateral ventricles are symmetric."),
                pick(rng, "No midline shift.", "The midline structures are in place.",
                        "There is no shift of the midline."),
                pick(rng, "The grey-white matter differentiation is preserved.",
                        "Normal attenuation of the brain parenchyma."),
                pick(rng, "The calvarium is intact.", "No abnormal contrast enhancement.")));
        shuffleTail(s, rng);
        String impression = pick(rng, "No acute intracranial abnormality.", "Normal contrast-enhanced CT of the head.",
                "No evidence of a space-occupying lesion.");
        return new String[] { String.join(" ", s), impression };
    }

    private static String[] lesion(Findings f, SplittableRandom rng) {
        String side = f.hemisphere(), lobe = f.lobe(), size = size(f.sizeMm(), rng);
        String density = f.enhancing() ? (f.necrosis() ? "heterogeneous" : "solid") : "hypodense";
        List<String> s = new ArrayList<>();
        s.add(pick(rng,
                "There is a " + density + " mass in the " + side + " " + lobe + " lobe measuring approx. " + size + ".",
                "A " + density + " lesion is seen in the " + lobe + " lobe of the " + side + " hemisphere, measuring "
                        + size + ".",
                cap(side) + " " + lobe + " lobe: " + density + " space-occupying lesion of approx. " + size + "."));
        if (f.enhancing() && f.necrosis()) {
            s.add(pick(rng, "It shows irregular rim enhancement around a central non-enhancing necrotic area.",
                    "After contrast there is thick peripheral enhancement with central necrosis."));
        } else if (f.enhancing()) {
            s.add(pick(rng, "The lesion enhances avidly after contrast administration.",
                    "There is solid contrast enhancement of the lesion."));
        } else {
            s.add(pick(rng, "No contrast enhancement is seen.",
                    "The lesion does not enhance after contrast administration."));
        }
        String oedema = mm(f.oedemaMm());
        if (f.oedema()) {
            s.add(pick(rng, "Surrounding vasogenic oedema extends approx. " + oedema + " beyond the lesion.",
                    "There is perilesional hypodense oedema of approx. " + oedema + "."));
        } else {
            s.add(pick(rng, "There is little or no surrounding oedema.", "No significant perilesional oedema."));
        }
        String shift = mm(f.midlineShiftMm());
        if (f.midlineShift()) {
            s.add(pick(rng, "Mass effect causes a midline shift of approx. " + shift + " to the "
                    + f.shiftDirection() + ".", "The midline is displaced approx. " + shift + " to the "
                            + f.shiftDirection() + ", with effacement of the " + side + " lateral ventricle."));
        } else {
            s.add(pick(rng, "No midline shift.", "The midline structures are in place."));
        }
        s.add(pick(rng, "The calvarium is intact.", "No intracranial haemorrhage.", "The basal cisterns are patent."));
        String what = f.enhancing() ? (f.necrosis() ? "Rim-enhancing necrotic" : "Enhancing") : "Non-enhancing";
        StringBuilder imp = new StringBuilder(what + " " + side + " " + lobe + " lobe mass of " + size);
        List<String> with = new ArrayList<>();
        if (f.oedema()) {
            with.add("perilesional oedema");
        }
        if (f.midlineShift()) {
            with.add(shift + " midline shift to the " + f.shiftDirection());
        }
        if (!with.isEmpty()) {
            imp.append(" with ").append(String.join(" and ", with));
        }
        imp.append(f.highGrade() ? pick(rng, ", most consistent with a high-grade glioma.",
                ", suspicious for a high-grade tumour.")
                : pick(rng, ", likely a low-grade glioma.", ", favouring a low-grade tumour."));
        return new String[] { String.join(" ", s), imp.toString() };
    }

    /** "3.4 x 2.9 x 2.7 cm" (or the greatest dimension only), mm below 1 cm. */
    static String size(double[] mm, SplittableRandom rng) {
        boolean three = rng.nextBoolean();
        if (mm[0] < 10) {
            return three ? String.format(Locale.ROOT, "%.0f x %.0f x %.0f mm", mm[0], mm[1], mm[2])
                    : mm(mm[0]) + " in greatest dimension";
        }
        return three ? String.format(Locale.ROOT, "%.1f x %.1f x %.1f cm", mm[0] / 10, mm[1] / 10, mm[2] / 10)
                : String.format(Locale.ROOT, "%.1f cm in greatest dimension", mm[0] / 10);
    }

    private static String mm(double v) {
        return v < 10 ? String.format(Locale.ROOT, "%.1f mm", v) : String.format(Locale.ROOT, "%.0f mm", v);
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String pick(SplittableRandom rng, String... options) {
        return options[rng.nextInt(options.length)];
    }

    /** Reorders all but the first sentence (the headline stays first). */
    private static void shuffleTail(List<String> s, SplittableRandom rng) {
        for (int i = s.size() - 1; i > 1; i--) {
            int j = 1 + rng.nextInt(i);
            String t = s.get(i);
            s.set(i, s.get(j));
            s.set(j, t);
        }
    }
}
