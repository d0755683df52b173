package io.github.medvp.nn.swin;

import io.github.medvp.nn.Blocks;
import io.github.medvp.nn.Fixtures;
import io.github.medvp.nn.Presets;
import io.github.medvp.nn.ReferenceNames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Swin3dTest {

    /** Reference parameter count from the architecture: patch conv, 12C²+13C+2197h per block, 16C²+16C per merge. */
    private static long analyticCount(int c0, int[] heads, int inChannels) {
        long n = 8L * inChannels * c0 + c0;
        for (int s = 0; s < 4; s++) {
            long c = (long) c0 << s;
            n += 2 * (12 * c * c + 13 * c + 2197L * heads[s]) + 16 * c * c + 16 * c;
        }
        return n;
    }

    @ParameterizedTest
    @CsvSource({"tiny, 563178", "B, 8062002", "L, 31593474"})
    void parameterCountsMatchTheArchitecture(String preset, long expected) {
        Swin3d.Builder builder = switch (preset) {
            case "tiny" -> Presets.swinTiny();
            case "B" -> Presets.swinB();
            default -> Presets.swinL();
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            Swin3d swin = builder.build();
            swin.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
            assertEquals(analyticCount(swin.getEmbedDim(), swin.getHeads(), 1), expected);
            assertEquals(expected, Blocks.trainable(swin));
            // Nothing but trainable parameters: the index buffers and masks are constants, not parameters.
            assertEquals(Blocks.trainable(swin), swin.getParameters().values().stream()
                    .mapToLong(p -> p.getShape().size()).sum());
            // The import table covers every parameter exactly once.
            assertEquals(Blocks.all(swin), Blocks.covered(ReferenceNames.swin(swin)));
        }
    }

    @Test
    void tinyCountIsTheFixturesParameterCountWithoutBuffers() throws Exception {
        Path meta = Fixtures.parity("swin-tiny").resolve("meta.json");
        Matcher m = Pattern.compile("\"params\"\\s*:\\s*(\\d+)").matcher(Files.readString(meta));
        assertTrue(m.find());
        long params = Long.parseLong(m.group(1));
        try (NDManager manager = NDManager.newBaseManager()) {
            Swin3d swin = Presets.swinTiny().build();
            swin.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
            assertEquals(params, Blocks.trainable(swin));
            // With the 8 int64 relative_position_index buffers (343² each) it would be 941,192 more.
            assertEquals(563_178L, params);
        }
    }

    @Test
    void stageShapesFollowTheReference() {
        Swin3d swin = Presets.swinB().build();
        Shape[] shapes = swin.getOutputShapes(new Shape[] {new Shape(2, 1, 128, 96, 128)});
        assertArrayEquals(new Shape[] {new Shape(2, 48, 64, 48, 64), new Shape(2, 96, 32, 24, 32),
            new Shape(2, 192, 16, 12, 16), new Shape(2, 384, 8, 6, 8), new Shape(2, 768, 4, 3, 4)}, shapes);
        // Odd sizes are zero-padded to the patch first, as the reference's PatchEmbed does.
        assertEquals(new Shape(1, 48, 32, 32, 32),
                swin.getOutputShapes(new Shape[] {new Shape(1, 1, 63, 64, 63)})[0]);
    }

    @Test
    void blocksAlternateShiftAndHeadsFollowTheStage() {
        Swin3d swin = Presets.swinB().build();
        for (int s = 1; s <= 4; s++) {
            assertArrayEquals(new int[] {0, 0, 0}, swin.getBlocks(s).get(0).getShift());
            assertArrayEquals(new int[] {3, 3, 3}, swin.getBlocks(s).get(1).getShift());
            assertEquals(3 << (s - 1), swin.getBlocks(s).get(1).getAttention().getHeads());
        }
    }

    @Test
    void initialisesAsTheReference() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Swin3d swin = Presets.swinB().build();
            swin.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
            WindowAttention3d attn = swin.getBlocks(4).get(0).getAttention();
            NDArray table = attn.getRelativePositionBiasTable().getArray();
            assertEquals(new Shape(2197, 24), table.getShape());
            // trunc_normal_(std=0.02).
            assertEquals(0.02, Math.sqrt(table.square().mean().getFloat()), 0.001);
            // Linear 384 -> 1152: PyTorch default U(±1/sqrt(384)).
            float bound = (float) (1 / Math.sqrt(384));
            NDArray w = ReferenceNames.param(attn.qkv, "weight").getArray();
            assertTrue(w.abs().max().getFloat() <= bound);
            assertEquals(bound, w.abs().max().getFloat(), 0.01f * bound);
            // Patch conv: fan-in 8.
            NDArray conv = ReferenceNames.param(swin.getPatchEmbed(), "weight").getArray();
            assertTrue(conv.abs().max().getFloat() <= (float) (1 / Math.sqrt(8)));
            assertEquals(1f, ReferenceNames.param(swin.getMerging(2).norm, "gamma").getArray().min().getFloat());
            assertEquals(null, swin.getMerging(2).reduction.getDirectParameters().get("bias"));
        }
    }

    @Test
    void rejectsBadConfigurationsAndInputs() {
        assertThrows(IllegalArgumentException.class, () -> Swin3d.builder().build());
        assertThrows(IllegalArgumentException.class, () -> Presets.swinTiny().optDepths(2, 2, 2).build());
        assertThrows(IllegalArgumentException.class, () -> Presets.swinB().optHeads(5, 6, 12, 24).build());
        try (NDManager manager = NDManager.newBaseManager()) {
            Swin3d swin = Presets.swinTiny().build();
            swin.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
            NDArray wrong = manager.zeros(new Shape(1, 2, 32, 32, 32));
            assertThrows(IllegalArgumentException.class,
                    () -> swin.forward(new ParameterStore(manager, false), new NDList(wrong), false));
        }
    }

    @Test
    void forwardWorksInsideScopesAndChildManagersAndCachesConstants() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Zero-padded to 32×32×64 by the patch embedding; stage grids 16×16×32 … 2×2×4.
            Shape input = new Shape(2, 1, 31, 32, 63);
            Swin3d swin = Presets.swinTiny().build();
            swin.initialize(manager, DataType.FLOAT32, input);
            NDArray x = manager.randomNormal(input);
            float[] first;
            try (NDManager step = manager.newSubManager(); NDScope scope = new NDScope()) {
                NDArray xs = x.duplicate();
                xs.attach(step);
                NDList out = swin.forward(new ParameterStore(step, false), new NDList(xs), false);
                assertEquals(new Shape(2, 192, 1, 1, 2), out.get(4).getShape());
                first = out.get(3).toFloatArray();
            }
            for (Parameter p : swin.getParameters().values()) {
                assertFalse(p.getArray().isReleased(), p.getName());
            }
            // Second call reuses the cached constants, which must have survived the scope.
            NDList again = swin.forward(new ParameterStore(manager, false), new NDList(x), false);
            assertArrayEquals(first, again.get(3).toFloatArray(), 1e-5f);
            // Samples are independent: the first sample alone gives the same features.
            NDList single = swin.forward(new ParameterStore(manager, false), new NDList(x.get("0:1")), false);
            assertTrue(Fixtures.maxAbs(single.get(3), again.get(3).get("0:1")) < 1e-5f);
        }
    }
}
