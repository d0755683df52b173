package io.github.medvp.tasks.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

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
        List<UnaryOperator<NDList>> stages = new ArrayList<>();
        for (Block b : blocks) {
            stages.add(x -> b.forward(parameters, x, false));
        }
        return ofStages(stages.toArray(UnaryOperator[]::new));
    }

    /**
     * As {@link #of(ParameterStore, Block...)} for stages that are not single blocks (an encoder run in its own
     * axis order, then a decoder given the input as well): each stage runs in its own {@link NDScope}, only its
     * outputs outlive it.
     *
     * @param stages the stages in order, in inference mode; the first gets {@code (windows)}
     * @return the predictor
     */
    @SafeVarargs
    static WindowPredictor ofStages(UnaryOperator<NDList>... stages) {
        if (stages.length == 0) {
            throw new IllegalArgumentException("need at least one stage");
        }
        List<UnaryOperator<NDList>> chain = List.of(stages);
        return windows -> {
            NDList x = new NDList(windows);
            for (UnaryOperator<NDList> stage : chain) {
                NDList y;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    y = stage.apply(x);
                    NDScope.unregister(y);
                }
                y.forEach(NDScope::register);
                x = y;
            }
            return x.get(x.size() - 1);
        };
    }
}
