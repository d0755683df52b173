package io.github.medvp.train;

import java.util.Iterator;

/**
 * The batches of each epoch. To make resumed runs identical to uninterrupted ones, an epoch's sequence must depend
 * only on the run's seed and the epoch number (derive shuffling from {@code StepContext.derive(seed, epoch)}), never
 * on how many epochs this process has already run.
 *
 * @param <B> the batch type; batches that are {@link AutoCloseable} are closed by the loop after their micro-step
 */
@FunctionalInterface
public interface BatchSource<B> {

    /**
     * The batches of {@code epoch} (0-based) from position {@code skip} on: a resumed run skips the micro-batches
     * it already trained on in that epoch. Implementations should skip without loading those batches.
     */
    Iterator<B> epoch(int epoch, long skip);
}
