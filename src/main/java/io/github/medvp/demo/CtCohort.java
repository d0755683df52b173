package io.github.medvp.demo;

import io.github.medvp.train.Settings;

/**
 * How the generated head CT volumes are drawn ({@link PhantomGenerator.Builder#optCtCohort}).
 *
 * @param lesionFraction share of volumes with a tumour, in [0, 1]
 * @param lesionScale factor on the tumours' radii against the MRI studies' tumours, in [0.5, 2]
 * @param maxRotationDeg largest tilt of a volume's axes against the head's, in [0, 45] degrees
 * @param oneHead every volume the same head scanned the same way (grid, orientation, tilt), each with its own tumour
 *     or none and its own noise, so that volumes differ only in what their reports describe; false for a new head
 *     and acquisition per volume
 */
public record CtCohort(double lesionFraction, double lesionScale, double maxRotationDeg, boolean oneHead) {

    /** A new head and acquisition per volume, 70 % with a tumour of the MRI studies' sizes, tilted up to 8°. */
    public static final CtCohort DRAWN = new CtCohort(0.7, 1, 8, false);

    /** @throws io.github.medvp.SettingsException naming the first value out of its range */
    public CtCohort {
        Settings.range("ct_lesion_fraction", lesionFraction, 0, 1);
        Settings.range("ct_lesion_scale", lesionScale, 0.5, 2);
        Settings.range("ct_max_rotation", maxRotationDeg, 0, 45);
    }
}
