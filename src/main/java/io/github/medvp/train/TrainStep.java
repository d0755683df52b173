package io.github.medvp.train;

/**
 * What a method does in one micro-step: given a batch, run the forward pass and build the loss. The loop does the
 * rest (gradient collection, accumulation, the optimiser, logging, checkpoints).
 * <p>
 * Rules that keep a step fast and resumable: create arrays on {@link StepContext#manager()} inside the call (the
 * loop closes them after the micro-step); never read values to the host (no {@code getFloat}, {@code toFloatArray});
 * draw randomness only from {@link StepContext#random()} or the engine RNG, which the loop seeds per micro-step.
 *
 * @param <B> the batch type
 */
@FunctionalInterface
public interface TrainStep<B> {

    /** The losses of {@code batch}; {@code total} must be a mean over the batch for accumulation to be exact. */
    Losses forward(B batch, StepContext ctx);
}
