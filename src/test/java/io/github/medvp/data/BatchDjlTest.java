package io.github.medvp.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.engine.Engines;

/** A batch goes to DJL as (B, C, X, Y, Z) without reordering. */
class BatchDjlTest {

    @Test
    void ndArrayIndexesLikeTheSamples() {
        int[] shape = { 3, 4, 5 };
        Sample a = TestSamples.of(shape, TestSamples.ramp(shape), new float[60]);
        float[] neg = TestSamples.ramp(shape);
        for (int i = 0; i < neg.length; i++) {
            neg[i] = -neg[i];
        }
        Sample b = TestSamples.of(shape, new float[60], neg);
        Batch batch = Batch.of(0, 0, List.of(a, b));
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Engines.device("cpu"))) {
            NDArray x = m.create(batch.imageBytes(), new Shape(batch.shape()), DataType.FLOAT32);
            assertArrayEquals(new long[] { 2, 2, 3, 4, 5 }, x.getShape().getShape());
            assertEquals(TestSamples.at(a, 0, 2, 1, 3), x.getFloat(0, 0, 2, 1, 3));
            assertEquals(TestSamples.at(b, 1, 1, 3, 4), x.getFloat(1, 1, 1, 3, 4));
            assertEquals(0f, x.get(0, 1).sum().getFloat());
            // Sum over X of the ramp (values 1 + x + 3y + 12z) at y = 2, z = 1: 3·(1 + 6 + 12) + 0 + 1 + 2.
            assertEquals(60f, x.get("0, 0, :, 2, 1").sum().getFloat());
        }
    }
}
