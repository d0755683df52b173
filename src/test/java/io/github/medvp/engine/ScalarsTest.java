package io.github.medvp.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ScalarsTest {

    @Test
    void sameValuesAndTypesAsDjlsOwnOps() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Engines.device("cpu"))) {
            NDArray x = m.create(new float[] {-2f, 0.5f, 3f});
            NDArray i = m.create(new long[] {1, 2, 3});
            assertSame(x.mul(1.0 / 3), Scalars.mul(x, 1.0 / 3));
            assertSame(x.div(0.1f), Scalars.div(x, 0.1f));
            assertSame(x.maximum(0f), Scalars.maximum(x, 0f));
            assertSame(x.minimum(1f), Scalars.minimum(x, 1f));
            assertSame(x.pow(2f), Scalars.pow(x, 2f));
            assertSame(i.mul(7L), Scalars.mul(i, 7L));
            assertSame(i.div(2), Scalars.div(i, 2));
            assertSame(x.add(1), Scalars.add(x, 1));
            assertSame(i.sub(2L), Scalars.sub(i, 2L));
            assertSame(x.neg().add(1f), Scalars.rsub(1f, x));
            assertSame(i.neg().add(5), Scalars.rsub(5, i));
            assertSame(x.eq(3f), Scalars.eq(x, 3f));
            assertSame(i.neq(2), Scalars.neq(i, 2));
            assertSame(x.gt(0.5f), Scalars.gt(x, 0.5f));
            assertSame(x.gte(0.5f), Scalars.gte(x, 0.5f));
            assertSame(x.lt(0.5f), Scalars.lt(x, 0.5f));
            assertSame(i.lte(2), Scalars.lte(i, 2));
        }
    }

    private static void assertSame(NDArray djl, NDArray ours) {
        assertEquals(djl.getDataType(), ours.getDataType());
        assertEquals(djl.getShape(), ours.getShape());
        assertArrayEquals(djl.toType(DataType.FLOAT64, false).toDoubleArray(),
                ours.toType(DataType.FLOAT64, false).toDoubleArray());
    }

    @Test
    void gradientsSurviveACollectionBetweenForwardAndBackward() throws InterruptedException {
        // d/dx of each op at x = 2 (x > the bound for maximum, below it for minimum).
        assertGradient(x -> Scalars.mul(x, 3f), 3f);
        assertGradient(x -> Scalars.div(x, 4f), 0.25f);
        assertGradient(x -> Scalars.pow(x, 3f), 12f);
        assertGradient(x -> Scalars.mul(Scalars.maximum(x, 1f), 5f), 5f);
        assertGradient(x -> Scalars.mul(Scalars.minimum(x, 10f), 0.5f), 0.5f);
    }

    private static void assertGradient(UnaryOperator<NDArray> f, float expected) throws InterruptedException {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Engines.device("cpu"))) {
            NDArray x = m.full(new Shape(1000), 2f);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y;
                // As a block run by Layers.forward: the op's own arrays are closed before the backward pass.
                try (NDScope scope = new NDScope()) {
                    y = f.apply(x);
                    NDScope.unregister(y);
                }
                FreedMemory.reuse(7.5f);
                gc.backward(y.sum());
            }
            float[] g = x.getGradient().toFloatArray();
            for (float v : g) {
                assertEquals(expected, v, 1e-6f);
            }
        }
    }
}
