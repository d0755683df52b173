package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.Voxels;
import java.util.random.RandomGenerator;

/**
 * Random flips of the three spatial axes, each independently with probability {@code p} (MONAI {@code RandFlip}
 * once per axis), image and label together; the affine is updated so world positions stay right.
 */
public final class RandomFlip implements Transform {

    private final double p;

    /** @param p probability of flipping each axis */
    public RandomFlip(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1]: " + p);
        }
        this.p = p;
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
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
        return "RandomFlip[p " + p + "]";
    }
}
