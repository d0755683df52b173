package io.github.medvp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class BlockMaskTest {

    private final BlockMask mask = BlockMask.builder().build();

    @Test
    void referenceSizesKeep345Of1728() {
        assertEquals(345, mask.keptBlocks(new Shape(96, 96, 96)));
        assertEquals(12, mask.keptBlocks(new Shape(32, 32, 32)));
        assertEquals(1, BlockMask.builder().optRatio(0.875).build().keptBlocks(new Shape(16, 16, 16)));
        assertThrows(IllegalArgumentException.class, () -> mask.keptBlocks(new Shape(96, 96, 90)));
    }

    @Test
    void everyMaskOf96CubedKeepsExactly345Blocks() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray masks = mask.sample(m, 6, new Shape(96, 96, 96), DataType.FLOAT32, rng(46, 0, 0));
            assertEquals(new Shape(6, 1, 96, 96, 96), masks.getShape());
            float[] kept = masks.neg().add(1).reshape(6, -1).sum(new int[] {1}).toFloatArray();
            for (float k : kept) {
                assertEquals(345f * 512, k);
            }
            // Masks differ between samples and views.
            assertTrue(masks.get(0).sub(masks.get(1)).abs().sum().getFloat() > 0);
        }
    }

    @Test
    void masksAreConstantOnBlocksAndBinary() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray masks = mask.sample(m, 4, new Shape(32, 24, 16), DataType.FLOAT32, rng(1, 2, 3));
            NDArray blocks = masks.reshape(4, 4, 8, 3, 8, 2, 8).transpose(0, 1, 3, 5, 2, 4, 6).reshape(4, 24, 512);
            NDArray spread = blocks.max(new int[] {2}).sub(blocks.min(new int[] {2}));
            assertEquals(0f, spread.abs().max().getFloat());
            NDArray perBlock = blocks.get(":, :, 0");
            assertEquals(0f, perBlock.mul(perBlock.neg().add(1)).abs().max().getFloat(), "0/1 only");
            float[] kept = perBlock.neg().add(1).sum(new int[] {1}).toFloatArray();
            assertArrayEquals(new float[] {4, 4, 4, 4}, kept); // floor(24 * 0.2) = 4
        }
    }

    @Test
    void lowestScoresAreKeptAndTiesCannotChangeTheCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape spatial = new Shape(16, 16, 8); // 2 x 2 x 1 blocks: keep floor(4 * 0.5) = 2
            BlockMask half = BlockMask.builder().optRatio(0.5).build();
            NDArray scores = m.create(new float[] {0.9f, 0.1f, 0.5f, 0.2f, 0.3f, 0.3f, 0.3f, 0.3f}, new Shape(2, 4));
            NDArray masks = half.fromScores(scores, spatial, DataType.FLOAT32);
            // Block (bx, by) of sample s, read at one voxel inside it.
            float[][] expected = {{1, 0, 1, 0}, {0, 0, 1, 1}};
            for (int s = 0; s < 2; s++) {
                for (int bx = 0; bx < 2; bx++) {
                    for (int by = 0; by < 2; by++) {
                        float v = masks.getFloat(s, 0, bx * 8 + 3, by * 8 + 5, 7);
                        assertEquals(expected[s][bx * 2 + by], v, "sample " + s + " block " + bx + "," + by);
                    }
                }
            }
        }
    }

    @Test
    void drawsArePureFunctionsOfSeedStepAndMicroStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape s = new Shape(32, 32, 32);
            NDArray a = mask.sample(m, 2, s, DataType.FLOAT32, rng(46, 10, 1));
            NDArray b = mask.sample(m, 2, s, DataType.FLOAT32, rng(46, 10, 1));
            NDArray c = mask.sample(m, 2, s, DataType.FLOAT32, rng(46, 10, 0));
            NDArray d = mask.sample(m, 2, s, DataType.FLOAT32, rng(46, 11, 1));
            assertEquals(0f, a.sub(b).abs().sum().getFloat());
            assertFalse(a.sub(c).abs().sum().getFloat() == 0);
            assertFalse(a.sub(d).abs().sum().getFloat() == 0);
        }
    }

    /** The generator the training loop gives micro-step (step, micro) of a run seeded {@code seed}. */
    static java.util.SplittableRandom rng(long seed, long step, int micro) {
        return new StepContext(0, step, micro, 1, seed, null).random();
    }
}
