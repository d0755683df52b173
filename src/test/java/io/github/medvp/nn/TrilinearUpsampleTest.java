package io.github.medvp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrilinearUpsampleTest {

    /** A trilinear function: interpolating its corner values must reproduce it exactly. */
    private static double f(double x, double y, double z) {
        return 1 + x + 10 * y + 100 * z + 1000 * x * y * z;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void reproducesTrilinearFunctionWithAlignedCorners(int factor) {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] corners = new float[8];
            for (int i = 0; i < 8; i++) {
                corners[i] = (float) f(i >> 2, (i >> 1) & 1, i & 1);
            }
            // Two channels: the function and its negative, so channels must stay apart.
            NDArray x = manager.create(corners, new Shape(1, 1, 2, 2, 2));
            x = x.concat(x.neg(), 1);
            NDArray y = TrilinearUpsample.upsample(x, factor);
            int n = 2 * factor;
            assertEquals(new Shape(1, 2, n, n, n), y.getShape());
            float[] expected = new float[2 * n * n * n];
            for (int i = 0; i < n * n * n; i++) {
                // align_corners=True: output index o sits at o / (n - 1) of the input extent.
                double v = f((double) (i / (n * n)) / (n - 1), (double) (i / n % n) / (n - 1),
                        (double) (i % n) / (n - 1));
                expected[i] = (float) v;
                expected[n * n * n + i] = (float) -v;
            }
            assertArrayEquals(expected, y.toFloatArray(), 1e-3f);
        }
    }
}
