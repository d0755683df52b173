package io.github.medvp.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.medvp.MedvpException;
import io.github.medvp.engine.Engines;
import io.github.medvp.io.HostTensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamTest {

    private static final double[] LR = {0.1, 0.05, 0.02};
    private static final double[][] C = {{0.5, -1.0, 2.0}, {-0.3, 0.7, 0.1}, {1.5, -0.2, -0.9}};
    private static final float[] BODY0 = {0.4f, -0.6f, 0.25f};
    private static final float[] HEAD0 = {-0.1f, 0.3f, 0.8f};
    private static final double WD = 0.1;
    private static final double HEAD_MULT = 5;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        Engines.pytorch();
        manager = NDManager.newBaseManager(Engines.device("cpu"));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** PyTorch's single-tensor Adam/AdamW in double precision; loss sum(c*p) + 0.5 sum(p^2), so g = c + p. */
    private static double[] reference(Adam.Mode mode, float[] p0, double mult, double wd, int steps) {
        double[] p = new double[p0.length];
        double[] m = new double[p0.length];
        double[] v = new double[p0.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = p0[i];
        }
        for (int s = 0; s < steps; s++) {
            int t = s + 1;
            double lr = LR[s] * mult;
            for (int i = 0; i < p.length; i++) {
                double g = C[s][i] + p[i];
                if (mode == Adam.Mode.ADAMW) {
                    p[i] *= 1 - lr * wd;
                } else {
                    g += wd * p[i];
                }
                m[i] = m[i] + (g - m[i]) * (1 - 0.9);
                v[i] = 0.999 * v[i] + (1 - 0.999) * g * g;
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
                p[i] -= lr / (1 - Math.pow(0.9, t)) * m[i] / denom;
            }
        }
        return p;
    }

    private record Setup(NDArray body, NDArray head, NamedParameters params, Adam adam) {
    }

    private Setup setup(Adam.Mode mode, float[] body, float[] head) {
        NDArray b = manager.create(body);
        NDArray h = manager.create(head);
        NamedParameters params = NamedParameters.builder().addFree("body.w", b).addFree("head.w", h).build();
        Adam adam = Adam.builder().setParameters(params).optMode(mode).optWeightDecay(WD)
                .addGroup(new ParamGroup("heads", n -> n.startsWith("head."), HEAD_MULT, 0.0)).build();
        return new Setup(b, h, params, adam);
    }

    private void backward(Setup s, int step) {
        s.params.zeroGradients();
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray c = manager.create(toFloats(C[step]));
            NDArray loss = s.body.mul(c).sum().add(s.body.square().sum().mul(0.5))
                    .add(s.head.mul(c).sum()).add(s.head.square().sum().mul(0.5));
            gc.backward(loss);
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static void assertClose(double[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            // float32 arithmetic against a double reference: a few ulps of values below 1.
            assertEquals(want[i], got[i], 1e-6, "element " + i);
        }
    }

    @Test
    void matchesPytorchAdamWForThreeSteps() {
        checkMode(Adam.Mode.ADAMW);
    }

    @Test
    void matchesPytorchAdamWithCoupledL2ForThreeSteps() {
        checkMode(Adam.Mode.ADAM);
    }

    private void checkMode(Adam.Mode mode) {
        Setup s = setup(mode, BODY0, HEAD0);
        for (int step = 0; step < 3; step++) {
            backward(s, step);
            s.adam.step(LR[step], null);
        }
        assertEquals(3, s.adam.updates());
        assertClose(reference(mode, BODY0, 1, WD, 3), s.body.toFloatArray());
        assertClose(reference(mode, HEAD0, HEAD_MULT, 0, 3), s.head.toFloatArray());
        // The modes differ, so the test would catch a swapped decay.
        double[] other = reference(mode == Adam.Mode.ADAM ? Adam.Mode.ADAMW : Adam.Mode.ADAM, BODY0, 1, WD, 3);
        assertTrue(Math.abs(other[0] - s.body.toFloatArray()[0]) > 1e-4);
        assertEquals("heads", s.adam.groupAssignment().get("head.w"));
        assertEquals("default", s.adam.groupAssignment().get("body.w"));
        s.adam.close();
    }

    @Test
    void saveLoadContinueEqualsUninterruptedRun() {
        for (Adam.Mode mode : Adam.Mode.values()) {
            Setup full = setup(mode, BODY0, HEAD0);
            Map<String, HostTensor> savedParams = null;
            Map<String, HostTensor> savedState = null;
            for (int step = 0; step < 3; step++) {
                if (step == 1) {
                    savedParams = full.params.toHost("model.", "extra.");
                    savedState = full.adam.state();
                }
                backward(full, step);
                full.adam.step(LR[step], null);
            }
            Setup resumed = setup(mode, new float[3], new float[3]);
            resumed.params.load(savedParams, "model.", "extra.", "test");
            resumed.adam.loadState(savedState, "test");
            assertEquals(1, resumed.adam.updates());
            for (int step = 1; step < 3; step++) {
                backward(resumed, step);
                resumed.adam.step(LR[step], null);
            }
            assertArrayEquals(full.body.toFloatArray(), resumed.body.toFloatArray(), mode.name());
            assertArrayEquals(full.head.toFloatArray(), resumed.head.toFloatArray(), mode.name());
            full.adam.close();
            resumed.adam.close();
        }
    }

    @Test
    void skippedStepLeavesEverythingUnchangedEvenWithNanGradients() {
        Setup s = setup(Adam.Mode.ADAMW, BODY0, HEAD0);
        backward(s, 0);
        s.adam.step(LR[0], manager.create(true));
        float[] before = s.body.toFloatArray();
        Map<String, HostTensor> stateBefore = s.adam.state();
        s.params.zeroGradients();
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            gc.backward(s.body.mul(Float.NaN).sum().add(s.head.sum()));
        }
        s.adam.step(LR[1], manager.create(false));
        assertArrayEquals(before, s.body.toFloatArray());
        assertEquals(stateBefore, s.adam.state());
        assertEquals(1, s.adam.updates());
        s.adam.close();
    }

    @Test
    void loadStateNamesMismatchedTensor() {
        Setup s = setup(Adam.Mode.ADAMW, BODY0, HEAD0);
        Map<String, HostTensor> state = new HashMap<>(s.adam.state());
        state.put("exp_avg.head.w", HostTensor.ofFloats(new long[] {2}, 1f, 2f));
        MedvpException e = assertThrows(MedvpException.class, () -> s.adam.loadState(state, "ckpt"));
        assertTrue(e.getMessage().contains("exp_avg.head.w") && e.getMessage().contains("[2]"), e.getMessage());
        state.remove("exp_avg.head.w");
        e = assertThrows(MedvpException.class, () -> s.adam.loadState(state, "ckpt"));
        assertTrue(e.getMessage().contains("no optimiser state exp_avg.head.w"), e.getMessage());
        state.putAll(s.adam.state());
        state.put("exp_avg.other", HostTensor.ofFloats(new long[] {1}, 1f));
        e = assertThrows(MedvpException.class, () -> s.adam.loadState(state, "ckpt"));
        assertTrue(e.getMessage().contains("exp_avg.other"), e.getMessage());
        s.adam.close();
    }
}
