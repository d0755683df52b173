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

    /** The reference's replacement with probability p and at most k modalities. */
    private static TemplateReplacement uniform(double p, int k) {
        return new TemplateReplacement(p, k, TemplateReplacement.Mode.UNIFORM, true,
                TemplateReplacement.PairNorm.SEPARATE);
    }

    /** MedVP's earlier replacement: exactly k modalities with probability p, copies normalised jointly. */
    private static TemplateReplacement fixed(double p, int k) {
        return new TemplateReplacement(p, k, TemplateReplacement.Mode.FIXED, false,
                TemplateReplacement.PairNorm.JOINT);
    }

    @Test
    void uniformDrawsKFromZeroToThreeForEverySampleCappedAtOneFewerThanTheChannels() {
        // The reference's random_sample_index with num_mix 3: randint(0, 4), then min(k, C - 1).
        int n = 4000;
        int[] ks = new int[4];
        int[] hits = new int[4];
        for (boolean[] row : uniform(1, 3).draw(n, 4, new SplittableRandom(3))) {
            ks[count(row)]++;
            for (int c = 0; c < 4; c++) {
                hits[c] += row[c] ? 1 : 0;
            }
        }
        // 1000 of 4000 expected per k (binomial sd 27); each channel in 1.5/4 of the rows (1500, sd 31).
        for (int k : ks) {
            assertTrue(k > 880 && k < 1120, "k distribution " + java.util.Arrays.toString(ks));
        }
        for (int h : hits) {
            assertTrue(h > 1350 && h < 1650, "channel hits " + java.util.Arrays.toString(hits));
        }
        int[] capped = new int[3];
        for (boolean[] row : uniform(1, 3).draw(n, 3, new SplittableRandom(4))) {
            capped[count(row)]++;
        }
        // Three channels: k = 0, 1 a quarter each, k = 2 (2 or 3 drawn) half.
        assertTrue(capped[0] > 880 && capped[0] < 1120 && capped[1] > 880 && capped[1] < 1120
                && capped[2] > 1850 && capped[2] < 2150, "capped " + java.util.Arrays.toString(capped));
        for (boolean[] row : uniform(1, 3).draw(20, 1, new SplittableRandom(5))) {
            assertEquals(0, count(row), "a single modality is never replaced");
        }
    }

    @Test
    void fixedProbabilityZeroReplacesNothingAndOneReplacesExactlyK() {
        SplittableRandom rng = new SplittableRandom(1);
        for (boolean[] row : fixed(0, 2).draw(50, 4, rng)) {
            assertEquals(0, count(row));
        }
        int[] hits = new int[4];
        for (boolean[] row : fixed(1, 2).draw(400, 4, rng)) {
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
        for (boolean[] row : fixed(1, 5).draw(10, 3, rng)) {
            assertEquals(2, count(row));
        }
    }

    @Test
    void fixedProbabilityHalfReplacesAboutHalfTheSamples() {
        int replaced = 0;
        for (boolean[] row : fixed(0.5, 1).draw(1000, 3, new SplittableRandom(2))) {
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

    @Test
    void replacedChannelsGetTheSamplesIntensityAugmentation() {
        // The reference replaces channels before RandShiftIntensityd and RandScaleIntensityd.
        float[] t = new float[2 * 4 * 4 * 4];
        for (int i = 0; i < t.length; i++) {
            t[i] = i / (float) t.length;
        }
        NDArray templates = m.create(t, new Shape(2, 4, 4, 4));
        NDArray x = m.zeros(new Shape(2, 2, 4, 4, 4));
        TemplateReplacement.Placement at = new TemplateReplacement.Placement(new int[2][3], new boolean[2][3],
                new double[][] {{1.05, 0.02}, {0.93, -0.07}});
        NDArray crops = TemplateReplacement.crops(templates, at.starts(), at.flips(), new int[] {4, 4, 4}, m);
        for (boolean augment : new boolean[] {true, false}) {
            // One of the two channels replaced in every sample.
            TemplateReplacement r = new TemplateReplacement(1, 1, TemplateReplacement.Mode.FIXED, augment,
                    TemplateReplacement.PairNorm.SEPARATE);
            NDArray out = r.inputs(x, templates, at, false, new SplittableRandom(1), m);
            for (int b = 0; b < 2; b++) {
                double[] map = at.intensity()[b];
                int replaced = 0;
                for (int c = 0; c < 2; c++) {
                    NDArray got = out.get(b).get(c);
                    if (got.abs().sum().getFloat() == 0) {
                        continue; // the real (here zero) channel
                    }
                    replaced++;
                    NDArray want = augment ? crops.get(b).get(c).mul(map[0]).add(map[1]) : crops.get(b).get(c);
                    assertTrue(got.sub(want).abs().max().getFloat() < 1e-6, "augment " + augment + " sample "
                            + b + " channel " + c);
                }
                assertEquals(1, replaced, "sample " + b);
            }
        }
    }

    @Test
    void pairedCopiesHaveTheirOwnBatchNormStatisticsAsTheReferenceUnlessJoint() {
        int[] grid = {40, 40, 40};
        TaskModel model = TaskModel.create(TaskModelTest.segSpec(List.of(Modality.T1, Modality.FLAIR), grid), m);
        NDArray a = m.randomUniform(0, 1, new Shape(2, 2, 32, 32, 32));
        NDArray b = m.randomNormal(0.5f, 2f, new Shape(2, 2, 32, 32, 32), a.getDataType());
        NDArray pair = a.concat(b, 0);
        ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(m, false);
        NDArray alone = model.forward(ps, a, true).features();
        TaskModel.Outputs separate = uniform(1, 1).forward(model, ps, pair, true);
        TaskModel.Outputs joint = fixed(1, 1).forward(model, ps, pair, true);
        assertEquals(4, separate.features().getShape().get(0));
        assertEquals(3, separate.logits().size(), "deep-supervision heads joined");
        assertEquals(4, separate.main().getShape().get(0));
        float same = separate.features().get("0:2").sub(alone).abs().max().getFloat();
        float mixed = joint.features().get("0:2").sub(alone).abs().max().getFloat();
        assertTrue(same < 1e-5, "separate copies normalise by their own statistics: " + same);
        assertTrue(mixed > 1e-2, "joint copies share statistics: " + mixed);
        assertTrue(joint.main().get("0:2").sub(separate.main().get("0:2")).abs().max().getFloat() > 1e-4);
    }

    private static SegmentationStep step(TaskModel model, double p) {
        return new SegmentationStep(model, new double[] {1, 1, 1}, fixed(p, 1), 0.1);
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
