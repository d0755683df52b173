package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import java.util.random.RandomGenerator;

/**
 * One step of sample preparation (MONAI style): takes a sample and returns the next one. Random transforms draw
 * only from {@code rng}, which the caller derives from (seed, epoch, study), so results never depend on threads.
 * <p>
 * Implementations are stateless and thread-safe; they may reuse the input's arrays (see {@link Sample}).
 */
@FunctionalInterface
public interface Transform {

    /**
     * @param rng the per-sample random source; deterministic transforms ignore it
     * @throws io.github.medvp.MedvpException for problems of the data (naming the study or file)
     */
    Sample apply(Sample s, RandomGenerator rng);

    /** This transform followed by {@code next}. */
    default Transform then(Transform next) {
        return Compose.of(this, next);
    }
}
