package io.github.medvp.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.MedvpException;
import io.github.medvp.io.DType;
import io.github.medvp.io.HostTensor;
import org.junit.jupiter.api.Test;

import io.github.medvp.io.Safetensors;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostArraysTest {

    @Test
    void roundTripKeepsEveryTypeShapeAndValue() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Engines.device("cpu"))) {
            for (DType t : DType.values()) {
                byte[] bytes = new byte[6 * t.itemSize()];
                for (int i = 0; i < bytes.length; i++) {
                    // Small positive values: valid for every type (no NaN patterns, BOOL only 0/1).
                    bytes[i] = (byte) (i % t.itemSize() == t.itemSize() - 1 ? 0x3c & (t == DType.BOOL ? 1 : 0xff)
                            : (t == DType.BOOL ? 0 : i));
                }
                HostTensor h = HostTensor.of(t, new long[] {2, 3},
                        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
                NDArray a = HostArrays.toNDArray(m, h);
                if (t == DType.BF16 || t == DType.I16) {
                    // Widened exactly: DJL cannot hold BF16 or INT16 tensors.
                    assertEquals(t == DType.BF16 ? DataType.FLOAT32 : DataType.INT32, a.getDataType());
                    assertArrayEquals(h.toFloatArray(), HostArrays.toHost(a).toFloatArray());
                    continue;
                }
                assertEquals(HostArrays.dataType(t), a.getDataType());
                assertArrayEquals(new long[] {2, 3}, a.getShape().getShape());
                assertEquals(h, HostArrays.toHost(a), t.name());
            }
        }
    }

    @Test
    void copyIntoWritesInPlaceConvertsTypeAndNamesShapeMismatch() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Engines.device("cpu"))) {
            NDArray target = m.zeros(new Shape(3));
            HostArrays.copyInto(target, HostTensor.ofFloats(new long[] {3}, 1f, 2f, 3f), "w");
            assertArrayEquals(new float[] {1f, 2f, 3f}, target.toFloatArray());
            HostArrays.copyInto(target, HostTensor.ofDoubles(new long[] {3}, 4, 5, 6), "w");
            assertEquals(DataType.FLOAT32, target.getDataType());
            assertArrayEquals(new float[] {4f, 5f, 6f}, target.toFloatArray());
            MedvpException e = assertThrows(MedvpException.class,
                    () -> HostArrays.copyInto(target, HostTensor.ofFloats(new long[] {1, 3}, 1f, 2f, 3f), "enc.w"));
            assertTrue(e.getMessage().contains("enc.w") && e.getMessage().contains("[1, 3]")
                    && e.getMessage().contains("[3]"), e.getMessage());
        }
    }

    @Test
    void arraysNeverAliasHostMemory(@TempDir Path dir) throws Exception {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Engines.device("cpu"))) {
            ByteBuffer mutable = ByteBuffer.allocateDirect(8).order(ByteOrder.LITTLE_ENDIAN);
            mutable.putFloat(0, 1f).putFloat(4, 2f);
            NDArray a = HostArrays.toNDArray(m, HostTensor.of(DType.F32, new long[] {2}, mutable));
            mutable.putFloat(0, 7f);
            assertArrayEquals(new float[] {1f, 2f}, a.toFloatArray());

            // Above the safetensors mapping threshold the host tensor is a read-only file mapping: copying it into a
            // parameter and updating that in place must not touch the mapping (a crash if it did).
            int n = 2 << 20;
            Path f = dir.resolve("big.safetensors");
            Safetensors.write(f, Map.of("w", HostTensor.ofFloats(new long[] {n}, new float[n])), Map.of());
            HostTensor mapped = Safetensors.read(f).tensors().get("w");
            NDArray p = m.ones(new Shape(n));
            p.setRequiresGradient(true);
            HostArrays.copyInto(p, mapped, "w");
            NDArray q = HostArrays.toNDArray(m, mapped);
            p.muli(0).addi(3f);
            q.addi(5f);
            assertEquals(3f * n, p.sum().getFloat());
            assertEquals(5f * n, q.sum().getFloat());
            assertEquals(0f, mapped.toFloatArray()[0]);
        }
    }

    @Test
    void copiesOfJavaDataSurviveACollectionBeforeTheBackwardPass() throws InterruptedException {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Engines.device("cpu"))) {
            NDArray x = m.ones(new Shape(2, 3));
            x.setRequiresGradient(true);
            try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray y;
                // Autograd keeps w (the gradient of x·w is w); the scope closes the array itself, as Layers.forward
                // does.
                try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                    NDArray w = HostArrays.copyOf(m, new float[] {1f, 2f, 3f, 4f, 5f, 6f}, new Shape(2, 3));
                    NDArray picked = x.get(HostArrays.copyOf(m, new long[] {1, 0}, new Shape(2)));
                    y = picked.mul(w.get(HostArrays.copyOf(m, new int[] {0, 1}, new Shape(2))));
                    ai.djl.ndarray.NDScope.unregister(y);
                }
                FreedMemory.reuse(7.5f);
                gc.backward(y.sum());
            }
            // Row 1 of x met row 0 of w, row 0 of x row 1 of w.
            assertArrayEquals(new float[] {4f, 5f, 6f, 1f, 2f, 3f}, x.getGradient().toFloatArray());
        }
    }

    @Test
    void ownCopiesOnTheCpuAndTheCopyIsIndependentOfTheSource() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Engines.device("cpu"))) {
            ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            b.putFloat(0, 1f).putFloat(4, 2f);
            NDArray a = HostArrays.copyOf(m, b, new Shape(2), DataType.FLOAT32);
            b.putFloat(0, 9f);
            assertArrayEquals(new float[] {1f, 2f}, a.toFloatArray());
            NDArray s = HostArrays.scalar(m, 0.5);
            assertEquals(DataType.FLOAT64, s.getDataType());
            assertTrue(s.getShape().isScalar());
        }
    }
}
