package io.github.medvp.pretrain.brainmvp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.train.BlockMask;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TwoViewsTest {

    private static final BlockMask MASK = BlockMask.builder().build();
    private static final List<Modality> FOUR = List.of(Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2);

    /** Channel c of every sample holds the constant 0.1·(c+1) + 0.01·b, so sources are recognisable. */
    private static NDArray images(NDManager m, int b, int c) {
        float[] v = new float[b * c];
        for (int s = 0; s < b; s++) {
            for (int k = 0; k < c; k++) {
                v[s * c + k] = 0.1f * (k + 1) + 0.01f * s;
            }
        }
        return m.create(v, new Shape(b, c, 1, 1, 1)).broadcast(b, c, 16, 16, 16).duplicate();
    }

    private static float maxAbs(NDArray a) {
        return a.abs().max().getFloat();
    }

    @Test
    void viewOneIsTheTargetWhereKeptAndTheTemplateWhereMasked() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = images(m, 2, 4);
            NDArray crops = m.randomUniform(2f, 3f, new Shape(2, 1, 16, 16, 16));
            BrainMvpInput in = new BrainMvpInput(x, List.of(FOUR, FOUR), new int[2][3]);
            TwoViews v = TwoViews.make(in, 2, crops, false, MASK, new SplittableRandom(5));
            NDArray y = x.get(":, 2:3");
            assertEquals(0f, maxAbs(v.target().sub(y)));
            NDArray m1 = v.masks().get("0:2");
            NDArray m2 = v.masks().get("2:4");
            assertEquals(0f, maxAbs(v.view1().sub(y).mul(m1.neg().add(1))), "kept voxels are y");
            assertEquals(0f, maxAbs(v.view1().sub(crops).mul(m1)), "masked voxels are the template");
            // Warm-up: view 2 is a second template view with its own mask.
            assertEquals(0f, maxAbs(v.view2().sub(y).mul(m2.neg().add(1))));
            assertEquals(0f, maxAbs(v.view2().sub(crops).mul(m2)));
            assertTrue(maxAbs(m1.sub(m2)) > 0, "independent masks");
            assertArrayEquals(new int[] {-1, -1}, v.sources());
            assertEquals(2 * 7 * 512f, m1.sum().getFloat()); // 8 blocks of 8³, floor(8 · 0.2) = 1 kept
        }
    }

    @Test
    void viewTwoTakesAnotherModalityOfTheSameStudyAfterTheWarmUp() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = images(m, 3, 4);
            NDArray crops = m.randomUniform(2f, 3f, new Shape(3, 1, 16, 16, 16));
            List<Modality> dup = List.of(Modality.T1, Modality.T2, Modality.T1, Modality.T1);
            List<Modality> single = List.of(Modality.PD, Modality.PD, Modality.PD, Modality.PD);
            BrainMvpInput in = new BrainMvpInput(x, List.of(FOUR, dup, single), new int[3][3]);
            TwoViews v = TwoViews.make(in, 0, crops, true, MASK, new SplittableRandom(9));
            int[] src = v.sources();
            assertTrue(src[0] >= 1 && src[0] <= 3, "another channel of sample 0");
            assertEquals(1, src[1], "the only other modality (t2) of sample 1");
            assertEquals(-1, src[2], "a single-modality study falls back to the template");
            NDArray m2 = v.masks().get("3:6");
            NDArray y = x.get(":, 0:1");
            assertEquals(0f, maxAbs(v.view2().sub(y).mul(m2.neg().add(1))));
            for (int s = 0; s < 2; s++) {
                NDArray other = x.get("{}:{}, {}:{}", s, s + 1, src[s], src[s] + 1);
                assertEquals(0f, maxAbs(v.view2().get("{}:{}", s, s + 1).sub(other).mul(m2.get(s))),
                        "sample " + s + " masked voxels come from channel " + src[s]);
            }
            assertEquals(0f, maxAbs(v.view2().get("2:3").sub(crops.get("2:3")).mul(m2.get(2))));
        }
    }

    @Test
    void otherModalityIsDrawnUniformlyAmongDistinctOthers() {
        List<Modality> channels = List.of(Modality.FLAIR, Modality.T1, Modality.T1, Modality.T2);
        SplittableRandom rng = new SplittableRandom(3);
        int[] counts = new int[4];
        for (int i = 0; i < 3000; i++) {
            counts[TwoViews.otherChannel(channels, 1, rng)]++;
        }
        assertEquals(0, counts[1] + counts[2], "never the current modality, even in another channel");
        assertEquals(1500, counts[0], 120);
        assertEquals(1500, counts[3], 120);
        // Duplicates do not weigh: t1 appears twice but is drawn as often as t2 from flair's point of view.
        int[] fromFlair = new int[4];
        for (int i = 0; i < 3000; i++) {
            fromFlair[TwoViews.otherChannel(channels, 0, rng)]++;
        }
        assertEquals(0, fromFlair[2], "first channel of a modality");
        assertEquals(1500, fromFlair[1], 120);
        assertNotEquals(0, fromFlair[3]);
    }

    @Test
    void templateGradientFlowsThroughMaskedVoxelsOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModalityTemplates t = ModalityTemplates.builder().optModalities(List.of(Modality.T1, Modality.T2))
                    .optGrid(24, 24, 24).build();
            t.initialize(m, DataType.FLOAT32, new Shape(1), new Shape(1, 3), new Shape(1, 1, 16, 16, 16));
            t.getTemplates().getArray().set(m.randomUniform(0f, 1f, new Shape(2, 24, 24, 24)).toFloatArray());
            List<Modality> mods = List.of(Modality.T1, Modality.T2);
            NDArray x = m.randomUniform(0f, 1f, new Shape(1, 2, 16, 16, 16));
            BrainMvpInput in = new BrainMvpInput(x, List.of(mods), new int[][] {{4, 8, 0}});
            TwoViews v;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray crops = t.normalisedCrops(new ParameterStore(m, false), m, Device.cpu(), new int[] {0},
                        in.repStart(), in.spatial(), true);
                v = TwoViews.make(in, 0, crops, false, MASK, new SplittableRandom(1));
                gc.backward(v.views().mul(m.randomUniform(0.5f, 1f, v.views().getShape())).sum());
            }
            NDArray g = t.getTemplates().getArray().getGradient().get(0);
            NDArray inCrop = g.get("4:20, 8:24, 0:16").abs().gt(0);
            NDArray maskedInEither = v.masks().get(0).add(v.masks().get(1)).gt(0).squeeze(0);
            // Inside the crop: gradient exactly where a view is masked (the min/max voxels aside).
            long mismatched = inCrop.logicalXor(maskedInEither).toType(DataType.INT64, false).sum().getLong();
            assertTrue(mismatched <= 2, "voxels where gradient and masks disagree: " + mismatched);
            long outside = g.abs().gt(0).toType(DataType.INT64, false).sum().getLong()
                    - inCrop.toType(DataType.INT64, false).sum().getLong();
            assertTrue(outside <= 2, "outside the crop only the min and max voxels: " + outside);
            assertTrue(maskedInEither.toType(DataType.INT64, false).sum().getLong() > 2000);
        }
    }
}
