package io.github.medvp.tasks.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BlendingTest {

    @Test
    void gaussianIsMonaisSeparableMapClampedAtOneThousandth() {
        // Window 4, sigma 0.5: offsets ±0.5, ±1.5 give exp(−2x²) = e^−0.5 and e^−4.5 per axis.
        float[] w = Blending.GAUSSIAN.weights(new int[] {4, 4, 4}, 0.125);
        double inner = Math.exp(-0.5);
        double outer = Math.exp(-4.5);
        assertEquals(inner * inner * inner, w[(1 * 4 + 2) * 4 + 1], 1e-7);
        assertEquals(inner * inner * outer, w[(1 * 4 + 1) * 4 + 3], 1e-7);
        // outer³ = 1.4e-6 is below the floor.
        assertEquals(1e-3, w[0], 1e-9);
        assertEquals(1e-3, w[63], 1e-9);
        float[] big = Blending.GAUSSIAN.weights(new int[] {96, 96, 96}, 0.125);
        double centre = Math.exp(-0.25 / (2 * 144));
        assertEquals(centre * centre * centre, big[(47 * 96 + 48) * 96 + 47], 1e-7);
    }

    @Test
    void constantIsOne() {
        for (float v : Blending.CONSTANT.weights(new int[] {3, 2, 5}, 0.125)) {
            assertEquals(1f, v);
        }
    }
}
