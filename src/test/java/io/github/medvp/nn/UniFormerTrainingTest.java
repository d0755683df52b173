package io.github.medvp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Training mode: gradients reach every parameter and BatchNorm statistics move as in PyTorch. */
class UniFormerTrainingTest {

    @Test
    void encoderAndReconstructionDecoderTrainEndToEnd() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape input = new Shape(2, 1, 32, 32, 32);
            UniFormer3d encoder = Presets.tiny().build();
            encoder.initialize(manager, DataType.FLOAT32, input);
            ReconstructionDecoder decoder = ReconstructionDecoder.builder().optWidths(16, 32, 64, 128).build();
            decoder.initialize(manager, DataType.FLOAT32, encoder.getOutputShapes(new Shape[] {input}));
            // Imported weights must stay trainable: re-import the model's own export first.
            StateDictImport.builder().build().load(ReferenceNames.encoder(encoder),
                    StateDictImport.export(ReferenceNames.encoder(encoder), manager), "self");
            NDArray runningMeanBefore = ReferenceNames.param(encoder.getNorm(), "runningMean").getArray().duplicate();

            NDArray x = manager.randomUniform(0f, 1f, input);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                ParameterStore ps = new ParameterStore(manager, false);
                NDList features = encoder.forward(ps, new NDList(x), true);
                NDArray reconstruction = decoder.forward(ps, features, true).singletonOrThrow();
                assertEquals(input, reconstruction.getShape());
                collector.backward(reconstruction.sub(x).square().mean());
            }
            List<String> bad = new ArrayList<>();
            for (Pair<String, Parameter> p : encoder.getParameters()) {
                check(p, bad);
            }
            for (Pair<String, Parameter> p : decoder.getParameters()) {
                check(p, bad);
            }
            assertTrue(bad.isEmpty(), "parameters without finite non-zero gradient: " + bad);
            assertTrue(Fixtures.maxAbs(runningMeanBefore,
                    ReferenceNames.param(encoder.getNorm(), "runningMean").getArray()) > 0, "running mean moved");
        }
    }

    private static void check(Pair<String, Parameter> p, List<String> bad) {
        if (!p.getValue().requiresGradient()) {
            return;
        }
        NDArray grad = p.getValue().getArray().getGradient();
        float max = grad.abs().max().getFloat();
        if (!(max > 0) || Float.isInfinite(max) || grad.isNaN().any().getBoolean()) {
            bad.add(p.getKey() + " (max |grad| " + max + ")");
        }
    }

    @Test
    void batchNormUpdatesRunningStatisticsLikePyTorch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(3, 2, 2, 2, 2);
            BatchNorm norm = Layers.batchNorm();
            norm.initialize(manager, DataType.FLOAT32, shape);
            NDArray x = manager.randomNormal(1f, 2f, shape, DataType.FLOAT32);
            NDArray y = norm.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
            NDArray perChannel = x.transpose(1, 0, 2, 3, 4).reshape(2, -1);
            NDArray mean = perChannel.mean(new int[] {1});
            long n = perChannel.getShape().get(1);
            NDArray unbiased = perChannel.sub(mean.expandDims(1)).square().sum(new int[] {1}).div(n - 1);
            // PyTorch: running = 0.9 running + 0.1 batch, with the unbiased batch variance.
            assertArrayEquals(mean.mul(0.1f).toFloatArray(),
                    ReferenceNames.param(norm, "runningMean").getArray().toFloatArray(), 1e-5f);
            assertArrayEquals(unbiased.mul(0.1f).add(0.9f).toFloatArray(),
                    ReferenceNames.param(norm, "runningVar").getArray().toFloatArray(), 1e-5f);
            // Training normalises with the batch statistics (biased variance).
            NDArray yc = y.transpose(1, 0, 2, 3, 4).reshape(2, -1);
            assertArrayEquals(new float[2], yc.mean(new int[] {1}).toFloatArray(), 1e-5f);
            assertFalse(Float.isNaN(yc.square().mean().getFloat()));
            assertEquals(1f, yc.square().mean().getFloat(), 1e-3f);
        }
    }
}
