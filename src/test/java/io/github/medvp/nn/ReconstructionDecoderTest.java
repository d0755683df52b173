package io.github.medvp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The composed-weight forward of {@link ReconstructionDecoder} equals the chained layers, values and gradients. */
class ReconstructionDecoderTest {

    @Test
    void composedWeightsEqualTheChainedLayers() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            ReconstructionDecoder decoder = ReconstructionDecoder.builder().optWidths(8, 16, 24, 32)
                    .optOutChannels(2).build();
            Shape in = new Shape(2, 32, 2, 3, 1);
            decoder.initialize(m, DataType.FLOAT32, in);
            // A non-zero bias, so its placement is checked too.
            decoder.out.getParameters().get("bias").getArray().set(new float[] {0.5f, -0.25f});
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(in);
            x.setRequiresGradient(true);
            NDArray g = m.randomNormal(new Shape(2, 2, 32, 48, 16));
            List<Parameter> params = new ArrayList<>();
            decoder.getParameters().forEach(pair -> params.add(pair.getValue()));

            NDArray fused;
            List<NDArray> fusedGrads = new ArrayList<>();
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                fused = decoder.forward(ps, new NDList(x), true).singletonOrThrow();
                gc.backward(fused.mul(g).sum());
            }
            fusedGrads.add(x.getGradient().duplicate());
            params.forEach(p -> fusedGrads.add(p.getArray().getGradient().duplicate()));

            // Gradients accumulate: clear them before the second pass.
            x.getGradient().muli(0);
            params.forEach(p -> p.getArray().getGradient().muli(0));
            NDArray chained;
            List<NDArray> chainedGrads = new ArrayList<>();
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray y = x;
                for (ConvTranspose3dK2S2 up : decoder.ups) {
                    y = Layers.apply(up, ps, y, true, null);
                }
                chained = Layers.apply(decoder.out, ps, y, true, null);
                gc.backward(chained.mul(g).sum());
            }
            chainedGrads.add(x.getGradient().duplicate());
            params.forEach(p -> chainedGrads.add(p.getArray().getGradient().duplicate()));

            assertEquals(chained.getShape(), fused.getShape());
            assertClose(chained, fused);
            for (int i = 0; i < fusedGrads.size(); i++) {
                assertClose(chainedGrads.get(i), fusedGrads.get(i));
            }
        }
    }

    private static void assertClose(NDArray expected, NDArray actual) {
        float scale = Math.max(1f, expected.abs().max().getFloat());
        float err = expected.sub(actual).abs().max().getFloat();
        assertTrue(err <= 1e-5f * scale, "max abs error " + err + " at scale " + scale);
    }
}
