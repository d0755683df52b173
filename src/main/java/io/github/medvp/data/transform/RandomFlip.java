package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.Voxels;
import java.util.random.RandomGenerator;

/**
 * Random flips of the three spatial axes, image and label together; the affine is updated so world positions stay
 * right. Two modes: {@link Mode#ALL} draws once and flips all three axes together (MONAI
 * {@code RandFlipd(spatial_axis=(0, 1, 2), prob=0.5)}, as the BrainMVP reference's
 * {@code Downstream/dataset/transforms.py} {@code custom_transform} does), {@link Mode#EACH} draws once per axis
 * (MONAI {@code RandFlip} once per axis; MedVP's behaviour before it followed the reference).
 */
public final class RandomFlip implements Transform {

    /** How the axes are drawn. */
    public enum Mode {
        /** One draw; all three axes flip together or none does (the reference's 2 outcomes). */
        ALL,
        /** One draw per axis (8 outcomes). */
        EACH
    }

    private final double p;
    private final Mode mode;

    /**
     * @param p probability of a flip: of all axes together ({@link Mode#ALL}) or of each axis ({@link Mode#EACH})
     * @param mode how the axes are drawn
     */
    public RandomFlip(double p, Mode mode) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1]: " + p);
        }
        this.p = p;
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
    }

    /** @param p probability of flipping all three axes together (the reference's {@link Mode#ALL}) */
    public RandomFlip(double p) {
        this(p, Mode.ALL);
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        if (mode == Mode.ALL) {
            if (rng.nextDouble() < p) {
                for (int axis = 0; axis < 3; axis++) {
                    s = Voxels.flip(s, axis);
                }
            }
            return s;
        }
        for (int axis = 0; axis < 3; axis++) {
            // Always draw, so the random stream does not depend on earlier outcomes.
            if (rng.nextDouble() < p) {
                s = Voxels.flip(s, axis);
            }
        }
        return s;
    }

    @Override
    public String toString() {
        return "RandomFlip[p " + p + ", " + mode.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
