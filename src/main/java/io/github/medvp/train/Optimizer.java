package io.github.medvp.train;

import ai.djl.ndarray.NDArray;
import io.github.medvp.io.HostTensor;

import java.util.Map;

/**
 * An optimiser whose whole state can be saved and restored, so a resumed run continues bit for bit.
 * <p>
 * The learning rate comes from the caller at every step (from an {@link LrSchedule} indexed by the optimiser step),
 * so schedules need no state of their own.
 */
public interface Optimizer extends AutoCloseable {

    /**
     * Applies one update from the gradients accumulated in the parameters; does not zero them.
     *
     * @param lr the scheduled base learning rate (group multipliers apply on top)
     * @param finite a 0-dimensional boolean on the parameters' device: when it holds {@code false} the update is
     *        skipped entirely (parameters and state unchanged, step count not advanced), decided on the device so
     *        no host read is needed; {@code null} means apply
     */
    void step(double lr, NDArray finite);

    /** The number of updates applied so far (a host read: call outside the hot loop). */
    long updates();

    /** The state as host tensors (a snapshot), keyed without prefix. */
    Map<String, HostTensor> state();

    /**
     * Restores a state written by {@link #state()}.
     *
     * @param source where the state comes from, for error messages
     * @throws io.github.medvp.MedvpException naming a missing, unexpected or mis-shaped tensor
     */
    void loadState(Map<String, HostTensor> state, String source);

    /** Frees the state arrays. */
    @Override
    void close();
}
