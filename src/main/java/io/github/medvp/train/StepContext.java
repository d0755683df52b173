package io.github.medvp.train;

import ai.djl.ndarray.NDManager;
import io.github.medvp.engine.Engines;

import java.util.SplittableRandom;

/**
 * Where a micro-step is in the run, and its randomness.
 * <p>
 * Reproducible randomness on resume: every random number a step draws must be a function of the run seed and the
 * step position, not of how many numbers were drawn before in this process. {@link #random()} is a fresh generator
 * seeded with {@code derive(seed, step, microStep)}, and the loop reseeds the engine RNG (dropout,
 * {@code randomUniform}) with {@link #engineSeed} before each micro-step. A run resumed at step {@code s}
 * therefore draws exactly the numbers the uninterrupted run drew at {@code s}.
 *
 * @param epoch the epoch (0-based)
 * @param step the optimiser step (0-based over the whole run)
 * @param microStep the micro-batch within the optimiser step (0 to accumulation - 1)
 * @param accumulation micro-batches per optimiser step
 * @param seed the run seed
 * @param manager where the step creates arrays (closed after the micro-step by the loop's scope)
 */
public record StepContext(int epoch, long step, int microStep, int accumulation, long seed, NDManager manager) {

    /** A generator for this micro-step only, identical whenever the same micro-step is run again. */
    public SplittableRandom random() {
        return new SplittableRandom(derive(seed, step, microStep));
    }

    /**
     * Mixes a seed and keys into a new seed (SplitMix64 finaliser over each key): different keys give independent
     * streams, the same keys the same stream, on every machine.
     */
    public static long derive(long seed, long... keys) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (long k : keys) {
            h = mix(h + 0x9E3779B97F4A7C15L + k);
        }
        return h;
    }

    /** The engine seed for a micro-step (the engine takes an int). */
    public static int engineSeed(long seed, long step, int microStep) {
        return (int) (derive(seed, step, microStep, 0x656E67L) >>> 33);
    }

    /**
     * Seeds the engine RNG for a model's initial weights, so the same settings give the same run: call it right
     * before initialising a model. Without it the weights come from whatever the engine drew before, and two runs
     * (or the two arms of a comparison) differ by the luck of their initialisation.
     */
    public static void seedInitialisation(long seed) {
        Engines.pytorch().setRandomSeed((int) (derive(seed, 0x696E6974L) >>> 33));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
