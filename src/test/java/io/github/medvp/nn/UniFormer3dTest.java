package io.github.medvp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UniFormer3dTest {

    @ParameterizedTest
    @CsvSource({"1, 22038464", "4, 22040000"})
    void smallHasTheReferenceParameterCount(int channels, long expected) {
        try (NDManager manager = NDManager.newBaseManager()) {
            UniFormer3d encoder = Presets.small().optInChannels(channels).build();
            encoder.initialize(manager, DataType.FLOAT32, new Shape(1, channels, 32, 32, 32));
            assertEquals(expected, Blocks.trainable(encoder));
            long[] stageBlocks = {154_560, 739_840, 9_935_360, 9_500_160};
            for (int s = 1; s <= 4; s++) {
                long n = 0;
                for (Block b : encoder.getBlocks(s)) {
                    n += Blocks.trainable(b);
                }
                assertEquals(stageBlocks[s - 1], n, "stage " + s + " blocks");
            }
            // The import table covers every parameter exactly once.
            assertEquals(Blocks.all(encoder), Blocks.covered(ReferenceNames.encoder(encoder)));
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 413248", "4, 413632"})
    void tinyMatchesTheFixtureParameterCount(int channels, long expected) {
        try (NDManager manager = NDManager.newBaseManager()) {
            UniFormer3d encoder = Presets.tiny().optInChannels(channels).build();
            encoder.initialize(manager, DataType.FLOAT32, new Shape(1, channels, 32, 32, 32));
            assertEquals(expected, Blocks.trainable(encoder));
        }
    }

    @Test
    void stageShapesHalveEveryAxis() {
        UniFormer3d encoder = Presets.small().optReturnInput(true).build();
        Shape[] shapes = encoder.getOutputShapes(new Shape[] {new Shape(2, 1, 96, 96, 96)});
        assertEquals(5, shapes.length);
        assertEquals(new Shape(2, 1, 96, 96, 96), shapes[0]);
        assertEquals(new Shape(2, 64, 48, 48, 48), shapes[1]);
        assertEquals(new Shape(2, 128, 24, 24, 24), shapes[2]);
        assertEquals(new Shape(2, 320, 12, 12, 12), shapes[3]);
        assertEquals(new Shape(2, 512, 6, 6, 6), shapes[4]);
        assertEquals(4, Presets.small().build().getOutputShapes(new Shape[] {new Shape(1, 1, 96, 96, 96)}).length);
    }

    @Test
    void initialisesAsTheReference() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UniFormer3d encoder = Presets.tiny().build();
            encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
            SABlock block = (SABlock) encoder.getBlocks(4).get(0);
            // fc1 Linear 128 -> 512: PyTorch default U(±1/sqrt(128)).
            float bound = (float) (1 / Math.sqrt(128));
            assertEquals(bound, ReferenceNames.param(block.fc1, "weight").getArray().abs().max().getFloat(), 0.01f);
            assertEquals(8, block.getHeads(), "128 / 16 heads");
            // Depthwise 3³ conv with 128 channels: Kaiming normal, fan_out = 128 * 27.
            NDArray w = ReferenceNames.param(block.posEmbed, "weight").getArray();
            double std = Math.sqrt(w.square().mean().getFloat());
            assertEquals(Math.sqrt(2.0 / (128 * 27)), std, 0.1 * Math.sqrt(2.0 / (128 * 27)));
            assertEquals(0f, ReferenceNames.param(block.posEmbed, "bias").getArray().abs().max().getFloat());
            assertArrayEquals(new float[] {1, 1}, ReferenceNames.param(encoder.getNorm(), "gamma").getArray()
                    .get("0:2").toFloatArray());
            assertEquals(0f, ReferenceNames.param(block.norm1, "beta").getArray().abs().max().getFloat());
        }
    }

    @Test
    void geluIsTheExactErfForm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // erf GELU(1) = 0.8413447; the tanh approximation gives 0.8411920.
            assertEquals(0.8413447f, Activation.gelu(manager.create(1f)).getFloat(), 2e-7f);
        }
    }

    @Test
    void rejectsWrongChannelsAndWidths() {
        assertThrows(IllegalArgumentException.class,
                () -> UniFormer3d.builder().setDepths(1, 1, 1).setWidths(16, 32, 64, 128).build());
        assertThrows(IllegalArgumentException.class,
                () -> Presets.tiny().optHeadDim(24).build());
        try (NDManager manager = NDManager.newBaseManager()) {
            UniFormer3d encoder = Presets.tiny().build();
            encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
            NDArray wrong = manager.zeros(new Shape(1, 2, 32, 32, 32));
            assertThrows(IllegalArgumentException.class, () -> encoder.forward(
                    new ParameterStore(manager, false), new NDList(wrong), false));
        }
    }

    @Test
    void forwardWorksInsideScopesAndChildManagers() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape input = new Shape(1, 1, 32, 32, 32);
            UniFormer3d encoder = Presets.tiny().optReturnInput(true).build();
            encoder.initialize(manager, DataType.FLOAT32, input);
            UnetrDecoder decoder = UnetrDecoder.builder().setOutChannels(2).optWidths(16, 32, 64, 128).build();
            decoder.initialize(manager, DataType.FLOAT32, encoder.getOutputShapes(new Shape[] {input}));
            NDArray x = manager.randomNormal(input);
            float first;
            try (NDManager step = manager.newSubManager(); NDScope scope = new NDScope()) {
                ParameterStore ps = new ParameterStore(step, false);
                NDArray xs = x.duplicate();
                xs.attach(step);
                NDList out = decoder.forward(ps, encoder.forward(ps, new NDList(xs), true),
                        true);
                assertEquals(3, out.size());
                first = out.get(2).sum().getFloat();
            }
            for (var p : encoder.getParameters().values()) {
                assertEquals(false, p.getArray().isReleased(), p.getName());
            }
            ParameterStore ps = new ParameterStore(manager, false);
            NDList again = decoder.forward(ps, encoder.forward(ps, new NDList(x), true),
                    true);
            assertEquals(first, again.get(2).sum().getFloat(), 1e-3f * Math.max(1, Math.abs(first)));
        }
    }
}
