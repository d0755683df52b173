package io.github.medvp.train;

import io.github.medvp.MedvpException;

/**
 * A learning rate as a pure function of the optimiser step, so a resumed run continues exactly where it stopped
 * without stored scheduler state.
 */
@FunctionalInterface
public interface LrSchedule {

    /** The learning rate for optimiser step {@code step} (0-based). */
    double lr(long step);

    /** A constant rate. */
    static LrSchedule constant(double lr) {
        checkRate(lr);
        return step -> lr;
    }

    /**
     * PyTorch's {@code CosineAnnealingLR} in closed form: {@code min + (base - min)(1 + cos(pi t / T)) / 2}, held at
     * {@code min} after {@code totalSteps} (PyTorch's recursive form would rise again; BrainMVP's reference hit
     * that by stepping per micro-batch, which we do not copy).
     */
    static LrSchedule cosine(double base, double min, long totalSteps) {
        checkRate(base);
        if (totalSteps < 1) {
            throw new MedvpException("the cosine schedule needs at least one step, got " + totalSteps);
        }
        return step -> {
            long t = Math.min(Math.max(step, 0), totalSteps);
            return min + (base - min) * (1 + Math.cos(Math.PI * t / totalSteps)) / 2;
        };
    }

    /**
     * Linear warm-up from 0 to {@code base} over {@code warmupSteps}, then linear decay to 0 at {@code totalSteps}
     * (Hugging Face's {@code get_linear_schedule_with_warmup}, which MG-3D uses).
     */
    static LrSchedule warmupLinear(double base, long warmupSteps, long totalSteps) {
        checkRate(base);
        if (warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new MedvpException("warm-up steps (" + warmupSteps + ") must be at least 0 and fewer than the "
                    + "total steps (" + totalSteps + ")");
        }
        return step -> {
            if (step < warmupSteps) {
                return base * step / Math.max(1, warmupSteps);
            }
            return base * Math.max(0.0, (double) (totalSteps - step) / (totalSteps - warmupSteps));
        };
    }

    /**
     * Linear warm-up over {@code warmupSteps} followed by a cosine decay to {@code min} at {@code totalSteps}.
     */
    static LrSchedule warmupCosine(double base, double min, long warmupSteps, long totalSteps) {
        checkRate(base);
        if (warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new MedvpException("warm-up steps (" + warmupSteps + ") must be at least 0 and fewer than the "
                    + "total steps (" + totalSteps + ")");
        }
        LrSchedule cosine = cosine(base, min, totalSteps - warmupSteps);
        return step -> step < warmupSteps ? base * (step + 1) / (warmupSteps + 1) : cosine.lr(step - warmupSteps);
    }

    private static void checkRate(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new MedvpException("the learning rate must be a positive number, got " + lr);
        }
    }
}
