package io.github.medvp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.nn.StateDictImport.Layout;
import io.github.medvp.nn.StateDictImport.Target;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnetrUpBlockTest {

    /**
     * With the 3³ convolutions zeroed, the block reduces to {@code lrelu(IN(conv3(cat(up(x), skip))))}; a conv3 that
     * picks the second half of the concatenation must return the normalised skip, whatever the transposed conv does.
     */
    @Test
    void residualPathSeesTheSkipAfterTheUpsampledInput() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UnetrUpBlock block = new UnetrUpBlock(2, 1);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 1, 1), new Shape(1, 1, 2, 2, 2));
            Map<String, Target> names = new LinkedHashMap<>();
            ReferenceNames.conv(names, "conv1.", block.convBlock.conv1, Layout.AS_IS);
            ReferenceNames.conv(names, "conv2.", block.convBlock.conv2, Layout.AS_IS);
            ReferenceNames.conv(names, "conv3.", block.convBlock.conv3, Layout.AS_IS);
            Map<String, NDArray> state = Map.of(
                    "conv1.weight", manager.zeros(new Shape(1, 2, 3, 3, 3)),
                    "conv2.weight", manager.zeros(new Shape(1, 1, 3, 3, 3)),
                    "conv3.weight", manager.create(new float[] {0, 1}, new Shape(1, 2, 1, 1, 1)));
            StateDictImport.builder().build().load(names, state, "hand-made");

            // Skip 7..0 (mean 3.5, biased variance 5.25); the negative half checks the LeakyReLU slope.
            NDArray skip = manager.arange(8f).neg().add(7f).reshape(1, 1, 2, 2, 2);
            NDArray x = manager.randomNormal(new Shape(1, 2, 1, 1, 1));
            NDArray out = block.forward(new ParameterStore(manager, false), new NDList(x, skip), false)
                    .singletonOrThrow();
            assertEquals(new Shape(1, 1, 2, 2, 2), out.getShape());
            float[] expected = new float[8];
            for (int i = 0; i < 8; i++) {
                double v = (7 - i - 3.5) / Math.sqrt(5.25 + 1e-5);
                expected[i] = (float) (v > 0 ? v : 0.01 * v);
            }
            assertArrayEquals(expected, out.toFloatArray(), 1e-5f);
        }
    }
}
