package io.github.medvp.nn.swin;

import io.github.medvp.nn.Fixtures;
import io.github.medvp.nn.Presets;
import io.github.medvp.nn.ReferenceNames;
import io.github.medvp.nn.StateDictImport;
import io.github.medvp.nn.StateDicts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tiny Swin against MONAI 0.9's forward (shared/parity/swin-tiny), and our relative-position index. */
class Swin3dParityTest {

    private static final float TOLERANCE = 1e-4f;
    private static final String FIXTURE = "swin-tiny";

    @ParameterizedTest
    @ValueSource(strings = {"weights.safetensors", "weights.pt"})
    void matchesReference(String weightFile) throws Exception {
        Path dir = Fixtures.parity(FIXTURE);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = StateDicts.read(manager, dir.resolve(weightFile));
            NDArray x = Fixtures.safetensors(manager, dir.resolve("input.safetensors")).get("x");
            Map<String, NDArray> expected = Fixtures.safetensors(manager, dir.resolve("expected.safetensors"));

            Swin3d swin = Presets.swinTiny().build();
            swin.initialize(manager, DataType.FLOAT32, x.getShape());
            StateDictImport.Report report = StateDictImport.builder().build()
                    .load(ReferenceNames.swin(swin), weights, FIXTURE);
            // 118 floating-point tensors; the .pt also holds the 8 index buffers, which are derived, not loaded.
            assertEquals(118, report.loaded().size());
            assertEquals(List.of(), report.unexpected());
            assertEquals(weightFile.endsWith(".pt") ? 126 : 118, weights.size());

            ParameterStore ps = new ParameterStore(manager, false);
            StringBuilder errors = new StringBuilder(FIXTURE + " (" + weightFile + ") max abs error:");
            // Scoped, so that each forward's intermediates (GBs for this input) are freed before the next one.
            try (NDScope scope = new NDScope()) {
                long start = System.nanoTime();
                NDList out = swin.forward(ps, new NDList(x), false);
                out.get(4).toFloatArray();
                double first = (System.nanoTime() - start) / 1e9;
                assertEquals(5, out.size());
                for (int i = 0; i < 5; i++) {
                    NDArray ref = expected.get("x" + i);
                    assertEquals(ref.getShape(), out.get(i).getShape(), "x" + i + " shape");
                    float err = Fixtures.maxAbs(out.get(i), ref);
                    errors.append(String.format(" x%d=%.3g", i, err));
                    assertTrue(err <= TOLERANCE, "x" + i + " max abs error " + err);
                }
                errors.append(String.format("; CPU forward %.2f s (first call, builds the window constants)", first));
            }
            if (weightFile.endsWith(".safetensors")) {
                // Measured, not asserted: the machine is shared.
                for (int r = 0; r < 2; r++) {
                    try (NDScope scope = new NDScope()) {
                        long start = System.nanoTime();
                        swin.forward(ps, new NDList(x), false).get(4).toFloatArray();
                        errors.append(String.format(", %.2f s", (System.nanoTime() - start) / 1e9));
                    }
                }
                errors.append(" (cached constants)");
            }
            System.out.println(errors);
        }
    }

    @Test
    void relativePositionIndexEqualsTheReferenceBuffers() throws Exception {
        Path dir = Fixtures.parity(FIXTURE);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = StateDicts.read(manager, dir.resolve("weights.pt"));
            Swin3d swin = Presets.swinTiny().build();
            Shape input = new Shape(1, 1, 128, 96, 128);
            swin.initialize(manager, DataType.FLOAT32, input);
            Shape[] grids = swin.getOutputShapes(new Shape[] {input});
            int compared = 0;
            for (int s = 1; s <= 4; s++) {
                Shape g = grids[s - 1];
                for (int i = 0; i < 2; i++) {
                    SwinBlock3d block = swin.getBlocks(s).get(i);
                    NDArray buffer = weights.get("layers" + s + ".0.blocks." + i + ".attn.relative_position_index");
                    assertEquals(DataType.INT64, buffer.getDataType());
                    assertEquals(new Shape(343, 343), buffer.getShape());
                    assertArrayEquals(buffer.toLongArray(),
                            block.getAttention().relativePositionIndex(manager, 343).toLongArray());
                    // What the block uses on this stage's grid: the reference's [:n, :n] slice of the buffer.
                    int[] window = block.effectiveWindowAndShift(g.get(2), g.get(3), g.get(4))[0];
                    int n = window[0] * window[1] * window[2];
                    assertArrayEquals(buffer.get(":" + n + ", :" + n).toLongArray(),
                            block.getAttention().relativePositionIndex(manager, n).toLongArray());
                    compared++;
                }
            }
            assertEquals(8, compared);
            // Stage 4 runs on 8×6×8: H ≤ 7, so its window shrinks to 7×6×7 (294 tokens) and H is never shifted.
            int[][] ws = swin.getBlocks(4).get(1).effectiveWindowAndShift(8, 6, 8);
            assertArrayEquals(new int[] {7, 6, 7}, ws[0]);
            assertArrayEquals(new int[] {3, 0, 3}, ws[1]);
        }
    }
}
