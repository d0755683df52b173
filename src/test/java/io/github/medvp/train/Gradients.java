package io.github.medvp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;
import io.github.medvp.engine.FreedMemory;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Gradients of one forward and backward pass, for tests that compare two passes. */
public final class Gradients {

    private Gradients() {
    }

    /**
     * Zeroes the gradients, runs {@code loss} under a gradient collector and the backward pass, with or without a
     * garbage collection (that hands freed direct memory out again) between the two.
     *
     * @return the trainable tensors' gradients by name (those without one are left out)
     */
    public static Map<String, float[]> of(NamedParameters params, Supplier<Losses> loss, boolean collect)
            throws InterruptedException {
        params.zeroGradients();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            Losses losses = loss.get();
            if (collect) {
                FreedMemory.reuse(Float.NaN);
            }
            gc.backward(losses.total());
        }
        Map<String, float[]> out = new TreeMap<>();
        for (NamedParameters.Entry e : params.trainable()) {
            if (e.array().hasGradient()) {
                out.put(e.name(), e.array().getGradient().toFloatArray());
            }
        }
        return out;
    }

    /** Equal up to summation order (index_add on several threads): 1e-4 of each tensor's largest gradient. */
    public static void assertClose(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (Map.Entry<String, float[]> e : expected.entrySet()) {
            float scale = 0;
            for (float v : e.getValue()) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertArrayEquals(e.getValue(), actual.get(e.getKey()), 1e-4f * scale + 1e-12f, e.getKey());
        }
    }
}
