package io.github.medvp.pretrain.brainmvp;

import java.util.SplittableRandom;

/**
 * The randomness of one BrainMVP micro-step as a pure function of (seed, optimiser step, micro-step): a resumed run
 * draws the same channel, masks and cross-modal sources as the uninterrupted run, on any device.
 * <p>
 * Draws come from a host generator (a few thousand numbers per step, uploaded once) rather than from the engine's
 * global generator, whose stream differs between CPU and GPU and which other code also consumes.
 */
public final class StepRandom {

    private StepRandom() {
    }

    /**
     * @param seed the run's seed
     * @param optimiserStep optimiser updates done before this micro-step
     * @param microStep index of the micro-batch within the accumulation window
     * @return a generator for this micro-step only
     */
    public static SplittableRandom of(long seed, long optimiserStep, int microStep) {
        return new SplittableRandom(mix(mix(mix(seed) + optimiserStep) + microStep));
    }

    /** Stafford's "mix13" 64-bit finaliser: neighbouring inputs give unrelated seeds. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
