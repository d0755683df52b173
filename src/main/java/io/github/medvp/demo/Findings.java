package io.github.medvp.demo;

import java.util.Locale;

/**
 * What a generated study holds, measured on its written label map (not taken from the drawing parameters), so
 * reports and class labels describe the volume as it is.
 *
 * @param lesion whether the label map has any tumour voxel
 * @param hemisphere {@code "right"} or {@code "left"} (world x of the tumour core's centroid; RAS +x is right)
 * @param lobe {@code "frontal"}, {@code "parietal"}, {@code "temporal"} or {@code "occipital"}
 * @param sizeMm extents of the tumour core along the world axes, largest first (mm)
 * @param coreDiameterMm diameter of the sphere with the core's volume (mm)
 * @param enhancing whether the label map has enhancing tumour
 * @param necrosis whether an enhancing tumour has a non-enhancing (necrotic) centre
 * @param oedemaMm how far the oedema reaches beyond the core: difference of equivalent-sphere radii (mm)
 * @param midlineShiftMm midline displacement at the lesion's level (mm, ≥ 0)
 * @param shiftDirection {@code "left"} or {@code "right"}, the side the midline moved to
 * @param centre world centroid of the tumour core (mm)
 * @param highGrade the class label, {@link PhantomGenerator#isHighGrade}
 */
public record Findings(boolean lesion, String hemisphere, String lobe, double[] sizeMm, double coreDiameterMm,
        boolean enhancing, boolean necrosis, double oedemaMm, double midlineShiftMm, String shiftDirection,
        double[] centre, boolean highGrade) {

    /** A study without tumour. */
    static Findings none() {
        return new Findings(false, "", "", new double[3], 0, false, false, 0, 0, "", new double[3], false);
    }

    /** Whether the oedema is large enough to report ({@code Oedema} column). */
    public boolean oedema() {
        return oedemaMm >= 1;
    }

    /** Whether the midline shift is large enough to report ({@code Midline shift} column): at least 2 mm. */
    public boolean midlineShift() {
        return midlineShiftMm >= PhantomGenerator.MIDLINE_SHIFT_MM;
    }

    @Override
    public String toString() {
        if (!lesion) {
            return "no lesion";
        }
        return String.format(Locale.ROOT, "%s %s %.0fx%.0fx%.0f mm%s%s oedema %.0f mm shift %.1f mm %s",
                hemisphere, lobe, sizeMm[0], sizeMm[1], sizeMm[2], enhancing ? " enhancing" : "",
                necrosis ? " necrotic" : "", oedemaMm, midlineShiftMm, highGrade ? "high" : "low");
    }
}
