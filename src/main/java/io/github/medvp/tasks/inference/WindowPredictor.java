package io.github.medvp.tasks.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * The network as {@link SlidingWindow} sees it: a batch of windows (n, C, X, Y, Z) in, logits (n, K, X, Y, Z) of
 * the same spatial size out, on the device of the input.
 * <p>
 * Called once per window batch inside an {@link ai.djl.ndarray.NDScope}: every array it creates is freed when the
 * batch is done, so it must not keep references to them.
 */
@FunctionalInterface
public interface WindowPredictor {

    /** Logits for a batch of windows. */
    NDArray predict(NDArray windows);

    /**
     * Blocks run in sequence in inference mode (each one's outputs are the next one's inputs), the last output of
     * the last block being the logits: for an encoder and a {@link io.github.medvp.nn.UnetrDecoder}, the main
     * output (the only one in inference mode, the last of {@code [ms0, ms1, main]} otherwise).
     * <p>
     * Each block runs in its own {@link NDScope}: DJL keeps every intermediate array of a forward pass until its
     * scope closes, so without this the encoder's working arrays would still be held while the decoder runs.
     * Only each block's outputs outlive it (handed on to the caller's scope).
     */
    static WindowPredictor of(ParameterStore parameters, Block... blocks) {
        if (blocks.length == 0) {
            throw new IllegalArgumentException("need at least one block");
        }
        Block[] chain = blocks.clone();
        return windows -> {
            NDList x = new NDList(windows);
            for (Block b : chain) {
                NDList y;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    y = b.forward(parameters, x, false);
                    NDScope.unregister(y);
                }
                y.forEach(NDScope::register);
                x = y;
            }
            return x.get(x.size() - 1);
        };
    }
}
