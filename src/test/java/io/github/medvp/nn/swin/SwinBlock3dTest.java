package io.github.medvp.nn.swin;

import io.github.medvp.nn.ReferenceNames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** Training-mode gradients of a shifted, padded, shrunk block against central differences (float64). */
class SwinBlock3dTest {

    @Test
    void gradientsMatchFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Window 4, shift 2: D = 6 padded to 8 and shifted, H = 3 shrunk and unshifted, W = 5 padded to 8.
            Shape shape = new Shape(2, 6, 3, 5, 4);
            SwinBlock3d block = new SwinBlock3d(4, 2, 4, true, 2);
            block.initialize(m, DataType.FLOAT64, shape);
            assertArrayEquals(new int[] {4, 3, 4}, block.effectiveWindowAndShift(6, 3, 5)[0]);
            assertArrayEquals(new int[] {2, 0, 2}, block.effectiveWindowAndShift(6, 3, 5)[1]);
            Parameter table = block.getAttention().getRelativePositionBiasTable();
            // Large bias entries, as in the fixture, so that a wrong index changes the result clearly.
            replace(table, m.randomNormal(0, 1, table.getArray().getShape(), DataType.FLOAT64).toDoubleArray());
            Parameter qkv = ReferenceNames.param(block.attn.qkv, "weight");
            NDArray x = m.randomNormal(0, 1, shape, DataType.FLOAT64);
            NDArray w = m.randomNormal(0, 1, shape, DataType.FLOAT64);

            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                collector.backward(loss(block, m, x, w, true));
            }
            double[] tableGrad = table.getArray().getGradient().toDoubleArray();
            double[] qkvGrad = qkv.getArray().getGradient().toDoubleArray();

            // Entries the sliced index ([:48, :48] of the 4³ numbering) reaches, for both heads.
            long[] index = block.getAttention().relativePositionIndex(m, 48).toLongArray();
            for (long row : new long[] {index[0], index[5 * 48 + 17], index[47 * 48 + 3]}) {
                for (int head = 0; head < 2; head++) {
                    int i = (int) row * 2 + head;
                    assertEquals(numeric(block, m, x, w, table, i), tableGrad[i], 1e-6);
                }
            }
            for (int i : new int[] {7, 30, 41}) {
                assertEquals(numeric(block, m, x, w, qkv, i), qkvGrad[i], 1e-6);
            }
            // Row 0 (offset −3 along D) is out of reach: the 48 tokens span D offsets −2..2 only.
            assertEquals(0.0, tableGrad[0]);
            assertEquals(0.0, tableGrad[1]);
        }
    }

    private static NDArray loss(SwinBlock3d block, NDManager m, NDArray x, NDArray w, boolean training) {
        NDArray y = block.forward(new ParameterStore(m, false), new NDList(x), training).singletonOrThrow();
        return y.mul(w).sum();
    }

    /** Central difference of the loss along one element of a parameter. */
    private static double numeric(SwinBlock3d block, NDManager m, NDArray x, NDArray w, Parameter p, int i) {
        double[] v = p.getArray().toDoubleArray();
        double h = 1e-5;
        double original = v[i];
        v[i] = original + h;
        replace(p, v);
        double plus = loss(block, m, x, w, false).getDouble();
        v[i] = original - h;
        replace(p, v);
        double minus = loss(block, m, x, w, false).getDouble();
        v[i] = original;
        replace(p, v);
        return (plus - minus) / (2 * h);
    }

    /** Swaps new values into a parameter (PyTorch refuses in-place writes to leaves that require gradients). */
    private static void replace(Parameter p, double[] values) {
        NDArray target = p.getArray();
        NDArray fresh = target.getManager().create(values, target.getShape());
        fresh.setRequiresGradient(true);
        target.intern(fresh);
    }
}
