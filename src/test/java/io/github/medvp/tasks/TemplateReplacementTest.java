package io.github.medvp.tasks;

import io.github.medvp.tasks.segmentation.SegmentationStep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.engine.Engines;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.train.Gradients;
import io.github.medvp.train.Losses;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Template replacement: draw statistics, crops against direct indexing, blending, the consistency term. */
class TemplateReplacementTest {

    private static NDManager m;

    @BeforeAll
    static void open() {
        Engines.pytorch();
        m = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        m.close();
    }

    private static int count(boolean[] row) {
        int n = 0;
        for (boolean b : row) {
            n += b ? 1 : 0;
        }
        return n;
    }

    @Test
    void probabilityZeroReplacesNothingAndOneReplacesExactlyK() {
        SplittableRandom rng = new SplittableRandom(1);
        for (boolean[] row : new TemplateReplacement(0, 2).draw(50, 4, rng)) {
            assertEquals(0, count(row));
        }
        int[] hits = new int[4];
        for (boolean[] row : new TemplateReplacement(1, 2).draw(400, 4, rng)) {
            assertEquals(2, count(row));
            for (int c = 0; c < 4; c++) {
                hits[c] += row[c] ? 1 : 0;
            }
        }
        // Each channel is chosen with probability 1/2: 200 of 400 expected (binomial sd 10).
        for (int h : hits) {
            assertTrue(h > 150 && h < 250, "channel chosen " + h + " times");
        }
        // k is capped so that one real modality remains.
        for (boolean[] row : new TemplateReplacement(1, 5).draw(10, 3, rng)) {
            assertEquals(2, count(row));
        }
    }

    @Test
    void probabilityHalfReplacesAboutHalfTheSamples() {
        int replaced = 0;
        for (boolean[] row : new TemplateReplacement(0.5, 1).draw(1000, 3, new SplittableRandom(2))) {
            replaced += count(row);
        }
        assertTrue(replaced > 440 && replaced < 560, replaced + " of 1000");
    }

    @Test
    void cropsMatchDirectIndexingWithFlipsAndZerosOutside() {
        int[] g = {6, 5, 4};
        int c = 2;
        float[] t = new float[c * g[0] * g[1] * g[2]];
        for (int i = 0; i < t.length; i++) {
            t[i] = i + 1;
        }
        NDArray templates = m.create(t, new Shape(c, g[0], g[1], g[2]));
        int[][] starts = {{1, 0, -1}, {4, 3, 2}};
        boolean[][] flips = {{false, false, false}, {true, false, true}};
        int[] size = {3, 3, 3};
        float[] crops = TemplateReplacement.crops(templates, starts, flips, size, m).toFloatArray();
        int i = 0;
        for (int b = 0; b < 2; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int x = 0; x < 3; x++) {
                    for (int y = 0; y < 3; y++) {
                        for (int z = 0; z < 3; z++, i++) {
                            int[] v = {x, y, z};
                            int[] p = new int[3];
                            boolean inside = true;
                            for (int a = 0; a < 3; a++) {
                                p[a] = starts[b][a] + (flips[b][a] ? 2 - v[a] : v[a]);
                                inside &= p[a] >= 0 && p[a] < g[a];
                            }
                            float want = inside ? t[((ch * g[0] + p[0]) * g[1] + p[1]) * g[2] + p[2]] : 0;
                            assertEquals(want, crops[i], 0, "sample " + b + " channel " + ch + " at " + x + y + z);
                        }
                    }
                }
            }
        }
    }

    @Test
    void blendReplacesExactlyTheMaskedChannels() {
        NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 2, 2, 2));
        NDArray crops = m.randomUniform(2, 3, new Shape(2, 3, 2, 2, 2));
        boolean[][] mask = {{false, true, false}, {true, false, true}};
        NDArray out = TemplateReplacement.apply(x, crops, TemplateReplacement.mask(mask, m));
        for (int b = 0; b < 2; b++) {
            for (int ch = 0; ch < 3; ch++) {
                NDArray want = (mask[b][ch] ? crops : x).get(b).get(ch);
                assertTrue(out.get(b).get(ch).contentEquals(want), b + "," + ch);
            }
        }
    }

    private static SegmentationStep step(TaskModel model, double p) {
        return new SegmentationStep(model, new double[] {1, 1, 1}, new TemplateReplacement(p, 1), 0.1);
    }

    @Test
    void consistencyIsZeroForIdenticalReplacementsAndPositiveOtherwise() {
        int[] grid = {40, 40, 40};
        TaskModel model = TaskModel.create(TaskModelTest.segSpec(List.of(Modality.T1, Modality.FLAIR), grid), m);
        model.setTemplates(HostArrays.toHost(m.randomUniform(0, 1, new Shape(2, 40, 40, 40))));
        NDArray x = m.randomUniform(0, 1, new Shape(2, 2, 32, 32, 32));
        NDArray y = m.randomUniform(0, 1, new Shape(2, 3, 32, 32, 32)).gt(0.9).toType(x.getDataType(), false);
        TemplateReplacement.Placement at = new TemplateReplacement.Placement(new int[][] {{0, 2, 4}, {8, 8, 8}},
                new boolean[2][3]);
        assertTrue(step(model, 0).isPaired());
        Losses same = step(model, 0).forward(x, y, at, new SplittableRandom(1), m);
        assertEquals(0.0, same.parts().get(SegmentationStep.CONS).getFloat(), 1e-12);
        Losses different = step(model, 1).forward(x, y, at, new SplittableRandom(1), m);
        assertTrue(different.parts().get(SegmentationStep.CONS).getFloat() > 0);
        float total = different.total().getFloat();
        float parts = different.parts().get(SegmentationStep.SEG).getFloat()
                + 0.1f * different.parts().get(SegmentationStep.CONS).getFloat();
        assertEquals(parts, total, 1e-5);
    }

    @Test
    void segmentationGradientsDoNotDependOnAGarbageCollectionBetweenForwardAndBackward() throws InterruptedException {
        // The step's index and mask arrays and its loss weights used to alias buffers a collection could free.
        int[] grid = {40, 40, 40};
        TaskModel model = TaskModel.create(TaskModelTest.segSpec(List.of(Modality.T1, Modality.FLAIR), grid), m);
        model.setTemplates(HostArrays.toHost(m.randomUniform(0, 1, new Shape(2, 40, 40, 40))));
        NDArray x = m.randomUniform(0, 1, new Shape(1, 2, 32, 32, 32));
        NDArray y = m.randomUniform(0, 1, new Shape(1, 3, 32, 32, 32)).gt(0.9).toType(x.getDataType(), false);
        TemplateReplacement.Placement at = new TemplateReplacement.Placement(new int[][] {{0, 2, 4}},
                new boolean[1][3]);
        SegmentationStep step = step(model, 1);
        Supplier<Losses> loss = () -> {
            m.getEngine().setRandomSeed(5); // the same dropout draws in both passes
            return step.forward(x, y, at, new SplittableRandom(1), m);
        };
        Gradients.assertClose(Gradients.of(model.parameters(), loss, false),
                Gradients.of(model.parameters(), loss, true));
    }
}
