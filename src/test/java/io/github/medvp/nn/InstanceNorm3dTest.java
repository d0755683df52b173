package io.github.medvp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class InstanceNorm3dTest {

    @Test
    void handComputedVolume() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Values 0..7: mean 3.5, biased variance 5.25.
            NDArray x = manager.arange(8f).reshape(1, 1, 2, 2, 2);
            float[] expected = new float[8];
            for (int i = 0; i < 8; i++) {
                expected[i] = (float) ((i - 3.5) / Math.sqrt(5.25 + 1e-5));
            }
            assertArrayEquals(expected, InstanceNorm3d.instanceNorm(x, 1e-5f).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void everySampleAndChannelHasMeanZeroVarianceOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(0f, 3f, new Shape(2, 3, 4, 5, 6), ai.djl.ndarray.types.DataType.FLOAT32)
                    .add(manager.arange(6f).reshape(2, 3, 1, 1, 1).mul(10));
            NDArray y = InstanceNorm3d.instanceNorm(x, 1e-5f).reshape(6, -1);
            assertArrayEquals(new float[6], y.mean(new int[] {1}).toFloatArray(), 1e-5f);
            float[] ones = {1, 1, 1, 1, 1, 1};
            assertArrayEquals(ones, y.square().mean(new int[] {1}).toFloatArray(), 1e-4f);
        }
    }
}
