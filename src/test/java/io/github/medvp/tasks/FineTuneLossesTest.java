package io.github.medvp.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.engine.Engines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fine-tuning losses against values computed by hand (see the comments). */
class FineTuneLossesTest {

    private static final float LN3 = (float) Math.log(3);
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

    private static NDArray vol(int c, float... v) {
        return m.create(v, new Shape(1, c, 1, 1, v.length / c));
    }

    private static double value(NDArray a) {
        return a.getFloat();
    }

    @Test
    void regionsOneChannel() {
        // p = (0.5, 0.75), y = (1, 0): Dice = (2·0.5 + 1) / (0.25 + 0.5625 + 1 + 1) = 0.711111;
        // BCE = (ln 2 + ln 4) / 2 = 1.039721; L = 0.7·0.288889 + 0.3·1.039721 = 0.514138.
        assertEquals(0.514138, value(FineTuneLosses.regions(vol(1, 0, LN3), vol(1, 1, 0))), 1e-5);
    }

    @Test
    void regionsAveragesChannels() {
        // Channel 2: p = (0.5, 0.5), y = 0: Dice = 1 / 1.5, BCE = ln 2.
        // L = 0.7·mean(0.288889, 0.333333) + 0.3·mean(1.039721, 0.693147) = 0.477708.
        assertEquals(0.477708, value(FineTuneLosses.regions(vol(2, 0, LN3, 0, 0), vol(2, 1, 0, 0, 0))), 1e-5);
    }

    @Test
    void classesWithBackground() {
        // Softmax of (bg, class) logits per voxel: (0, ln 3) → 0.75 for the class, (0, 0) → 0.5.
        // Class target (1, 0), background (0, 1). Dice(class) = (1.5 + 1) / (0.5625 + 0.25 + 1 + 1) = 0.888889;
        // CE = (−ln 0.75 − ln 0.5) / 2 = 0.490415; L = 0.7·0.111111 + 0.3·0.490415 = 0.224902.
        NDArray logits = vol(2, 0, 0, LN3, 0);
        assertEquals(0.224902, value(FineTuneLosses.classes(logits, vol(1, 1, 0))), 1e-5);
    }

    @Test
    void deepSupervisionWeightsHeads() {
        // Head 2: p = (0.5, 0.5), y = (1, 0): Dice = 2 / 2.5 = 0.8, BCE = ln 2, L = 0.14 + 0.207944 = 0.347944.
        // Σ w·L with weights (1, 0.5) = 0.514138 + 0.173972 = 0.688110.
        NDList heads = new NDList(vol(1, 0, LN3), vol(1, 0, 0));
        assertEquals(0.688110, value(FineTuneLosses.deepSupervision(heads, vol(1, 1, 0), false,
                new double[] {1, 0.5})), 1e-5);
    }

    @Test
    void crossEntropyWithAndWithoutWeights() {
        // Both samples predict class 1 with 0.75; labels (1, 0): NLL = (0.287682, 1.386294).
        NDArray logits = m.create(new float[] {0, LN3, 0, LN3}, new Shape(2, 2));
        NDArray labels = m.create(new long[] {1, 0});
        assertEquals(0.836988, value(FineTuneLosses.crossEntropy(logits, labels, null)), 1e-5);
        // Class weights (1, 2): w_y = (2, 1), (2·0.287682 + 1.386294) / 3 = 0.653886 (PyTorch's weighted mean).
        assertEquals(0.653886, value(FineTuneLosses.crossEntropy(logits, labels, m.create(new float[] {1, 2}))),
                1e-5);
    }

    @Test
    void consistencyIsMeanSquaredDifference() {
        assertEquals(2.0, value(FineTuneLosses.consistency(m.create(new float[] {1, 2}), m.create(new float[] {1,
            4}))), 1e-7);
    }
}
