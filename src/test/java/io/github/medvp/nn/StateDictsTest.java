package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.io.DType;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.TensorFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class StateDictsTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsThroughTheEngineKeepingTypes() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            HostTensor f = HostTensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, -6.5f);
            HostTensor l = HostTensor.ofLongs(new long[] {3}, 7, -8, 1L << 40);
            NDArray a = HostArrays.toNDArray(m, f);
            assertEquals(DataType.FLOAT32, a.getDataType());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, a.toFloatArray());
            assertEquals(-6.5f, a.get(1, 2).getFloat());
            NDArray b = HostArrays.toNDArray(m, l);
            assertArrayEquals(new long[] {7, -8, 1L << 40}, b.toLongArray());
            assertEquals(f, HostArrays.toHost(a));
            assertEquals(l, HostArrays.toHost(b));
            assertEquals(DType.F32, HostArrays.toHost(a.transpose()).dtype());
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, -6.5f}, HostArrays.toHost(a.transpose()).toFloatArray(),
                    "a transposed view is saved in its logical order");

            Map<String, HostTensor> file = new LinkedHashMap<>();
            file.put("w", f);
            file.put("n", l);
            Path p = dir.resolve("s.safetensors");
            TensorFiles.write(p, file, Map.of());
            Map<String, NDArray> back = StateDicts.read(m, p);
            assertEquals(f, HostArrays.toHost(back.get("w")));
            assertEquals("n", back.get("n").getName());
        }
    }
}
