package io.github.medvp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Eval-mode forward of the tiny UniFormer against the reference's outputs (shared/parity/uniformer-tiny-c*). */
class UniFormer3dParityTest {

    private static final float TOLERANCE = 1e-4f;

    @ParameterizedTest
    @CsvSource({"uniformer-tiny-c1, 1, weights.safetensors", "uniformer-tiny-c4, 4, weights.safetensors",
        "uniformer-tiny-c1, 1, weights.pt", "uniformer-tiny-c4, 4, weights.pt"})
    void matchesReference(String fixture, int channels, String weightFile) throws Exception {
        Path dir = Fixtures.parity(fixture);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = StateDicts.read(manager, dir.resolve(weightFile));
            weights.keySet().removeIf(k -> k.endsWith("num_batches_tracked"));
            NDArray x = Fixtures.safetensors(manager, dir.resolve("input.safetensors")).get("x");
            Map<String, NDArray> expected = Fixtures.safetensors(manager, dir.resolve("expected.safetensors"));

            UniFormer3d encoder = Presets.tiny().optInChannels(channels).optReturnInput(true).build();
            encoder.initialize(manager, DataType.FLOAT32, x.getShape());
            StateDictImport.Report report = StateDictImport.builder().build()
                    .load(ReferenceNames.encoder(encoder), weights, fixture);
            assertEquals(weights.size(), report.loaded().size(), "every reference tensor is loaded");

            NDList out = encoder.forward(new ParameterStore(manager, false), new NDList(x), false);
            assertEquals(5, out.size());
            StringBuilder errors = new StringBuilder(fixture + " (" + weightFile + ") max abs error:");
            for (int i = 0; i < 5; i++) {
                // Reference outputs are in (Z, X, Y) order.
                NDArray ours = out.get(i).transpose(0, 1, 4, 2, 3);
                NDArray ref = expected.get("x" + i);
                assertEquals(ref.getShape(), ours.getShape(), "x" + i + " shape");
                float err = Fixtures.maxAbs(ours, ref);
                errors.append(String.format(" x%d=%.3g", i, err));
                assertTrue(err <= (i == 0 ? 0f : TOLERANCE), "x" + i + " max abs error " + err);
            }
            System.out.println(errors);
        }
    }
}
