package io.github.medvp.pretrain.brainmvp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.medvp.train.Adam;
import io.github.medvp.train.Gradients;
import io.github.medvp.train.Losses;
import io.github.medvp.train.NamedParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.Random;
import io.github.medvp.train.StepContext;
import org.junit.jupiter.api.Test;

/** The whole step on the tiny preset: 32³ inputs, 8³ blocks, a 48³ template grid. */
class BrainMvpStepTest {

    /** The tiny model with the same initial weights in every test (the engine's generator is seeded). */
    static BrainMvpModel tinyModel(NDManager m) {
        m.getEngine().setRandomSeed(Integer.getInteger("medvp.test.seed", 3));
        BrainMvpModel model = BrainMvpModel.tiny().optTemplates(ModalityTemplates.builder().optGrid(48, 48, 48))
                .build();
        model.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
        return model;
    }

    @Test
    void lossesCombineWithTheirWeightsAndPhasesSwitchAtTheConfiguredEpochs() {
        try (NDManager m = NDManager.newBaseManager()) {
            BrainMvpModel model = tinyModel(m);
            Synthetic data = new Synthetic(3, 32, 4, 48, 7);
            BrainMvpStep step = BrainMvpStep.builder().setModel(model).optTemplateWarmupEpochs(2)
                    .optContrastiveStartEpoch(5).optWeights(10, 1, 3).build();
            assertTrue(!step.isCrossModal(2) && step.isCrossModal(3));
            assertTrue(!step.isContrastive(4) && step.isContrastive(5));
            BrainMvpInput in = data.batch(m, 0, 1, 2);
            Losses early = step.forward(in, ctx(m, 0, 0));
            assertEquals(List.of(BrainMvpStep.MD, BrainMvpStep.CMR, BrainMvpStep.CL),
                    new ArrayList<>(early.parts().keySet()));
            float md = early.parts().get(BrainMvpStep.MD).getFloat();
            float cmr = early.parts().get(BrainMvpStep.CMR).getFloat();
            assertEquals(0f, early.parts().get(BrainMvpStep.CL).getFloat());
            assertEquals(10 * md + cmr, early.total().getFloat(), 1e-4f * (10 * md + cmr));
            assertEquals(DataType.FLOAT32, early.total().getDataType());
            assertEquals(new Shape(), early.total().getShape());

            Losses late = step.forward(in, ctx(m, 5, 0));
            float cl = late.parts().get(BrainMvpStep.CL).getFloat();
            assertTrue(cl > 0 && cl < 3, "InfoNCE of 3 samples: " + cl);
            float expected = 10 * late.parts().get(BrainMvpStep.MD).getFloat()
                    + late.parts().get(BrainMvpStep.CMR).getFloat() + 3 * cl;
            assertEquals(expected, late.total().getFloat(), 1e-4f * expected);
        }
    }

    @Test
    void theStepIsAPureFunctionOfSeedOptimiserStepAndMicroStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            BrainMvpModel model = tinyModel(m);
            Synthetic data = new Synthetic(2, 32, 4, 48, 8);
            BrainMvpStep step = BrainMvpStep.builder().setModel(model).optTemplateWarmupEpochs(-1).build();
            ParameterStore ps = new ParameterStore(m, false);
            BrainMvpInput in = data.batch(m, 0, 1);
            BrainMvpStep.Outcome a = step.run(ps, in, 0, rng(46, 3, 1));
            BrainMvpStep.Outcome b = step.run(ps, in, 0, rng(46, 3, 1));
            BrainMvpStep.Outcome c = step.run(ps, in, 0, rng(46, 3, 0));
            assertEquals(0f, a.views().views().sub(b.views().views()).abs().max().getFloat());
            assertEquals(a.losses().total().getFloat(), b.losses().total().getFloat(), 1e-6f);
            assertTrue(a.views().masks().sub(c.views().masks()).abs().max().getFloat() > 0);
            assertEquals(new Shape(4, 1, 32, 32, 32), a.views().views().getShape());
            assertEquals(new Shape(4, 1, 32, 32, 32), a.reconstruction().getShape());
        }
    }

    @Test
    void gradientsReachEveryTrainableTensorIncludingTheTemplates() {
        try (NDManager m = NDManager.newBaseManager()) {
            BrainMvpModel model = tinyModel(m);
            Synthetic data = new Synthetic(3, 32, 4, 48, 9);
            BrainMvpStep step = BrainMvpStep.builder().setModel(model).optContrastiveStartEpoch(0).build();
            NamedParameters params = model.namedParameters();
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(step.forward(data.batch(m, 0, 1, 2), ctx(m, 0, 0)).total());
            }
            List<String> without = new ArrayList<>();
            for (NamedParameters.Entry e : params.trainable()) {
                NDArray g = e.array().getGradient();
                if (!(g.abs().max().getFloat() > 0) || g.isNaN().any().getBoolean()) {
                    without.add(e.name());
                }
            }
            assertTrue(without.isEmpty(), "no gradient: " + without);
            assertTrue(params.get("rep_template") != null);
        }
    }

    @Test
    void gradientsDoNotDependOnAGarbageCollectionBetweenForwardAndBackward() throws InterruptedException {
        // A collection used to free buffers autograd still read (the loss weights, the attention scales).
        try (NDManager m = NDManager.newBaseManager()) {
            BrainMvpModel model = tinyModel(m);
            Synthetic data = new Synthetic(3, 32, 4, 48, 9);
            BrainMvpStep step = BrainMvpStep.builder().setModel(model).optContrastiveStartEpoch(0).build();
            BrainMvpInput in = data.batch(m, 0, 1, 2);
            Supplier<Losses> loss = () -> {
                m.getEngine().setRandomSeed(5); // the same dropout draws in both passes
                return step.forward(in, ctx(m, 0, 0));
            };
            NamedParameters params = model.namedParameters();
            Gradients.assertClose(Gradients.of(params, loss, false), Gradients.of(params, loss, true));
        }
    }

    @Test
    void aShortRunLowersBothReconstructionLossesAndTheContrastiveLoss() {
        float[][] templatePhase = train(0, 2000, 10, 1, 1, 30);
        assertTrue(mean(templatePhase[0], 25, 30) < 0.7 * mean(templatePhase[0], 0, 5),
                "L_MD " + java.util.Arrays.toString(templatePhase[0]));
        assertTrue(mean(templatePhase[1], 25, 30) < 0.7 * mean(templatePhase[1], 0, 5),
                "L_CMR " + java.util.Arrays.toString(templatePhase[1]));
        float[][] crossModal = train(1000, 2000, 10, 1, 1, 30);
        assertTrue(mean(crossModal[1], 25, 30) < 0.7 * mean(crossModal[1], 0, 5),
                "L_CMR (cross-modal) " + java.util.Arrays.toString(crossModal[1]));
        // L_CL (τ = 1) alone on one batch with fixed views: it leaves log 3 (its value for indistinct features) and
        // heads for its floor log(1 + 2/e²) ≈ 0.24. With views redrawn every step it is far noisier at this scale.
        float[][] contrastive = train(1000, 1000, 0, 0, 1, 20);
        assertEquals(Math.log(3), contrastive[2][0], 0.05);
        assertTrue(mean(contrastive[2], 15, 20) < 0.7 * mean(contrastive[2], 0, 3),
                "L_CL " + java.util.Arrays.toString(contrastive[2]));
    }

    /**
     * Trains at a fixed epoch with the given weights; returns L_MD, L_CMR, L_CL per step. Without reconstruction
     * terms the batch and the views stay the same (same micro-step context) at every step.
     */
    private static float[][] train(int epoch, int contrastiveStart, double wMd, double wCmr, double wCl,
            int steps) {
        boolean fixedBatch = wMd == 0 && wCmr == 0;
        try (NDManager m = NDManager.newBaseManager()) {
            BrainMvpModel model = tinyModel(m);
            Synthetic data = new Synthetic(6, 32, 4, 48, 11);
            BrainMvpStep step = BrainMvpStep.builder().setModel(model).optContrastiveStartEpoch(contrastiveStart)
                    .optWeights(wMd, wCmr, wCl).build();
            NamedParameters params = model.namedParameters();
            float[][] out = new float[3][steps];
            Random pick = new Random(5);
            try (Adam adam = Adam.builder().setParameters(params).optWeightDecay(1e-5).build()) {
                for (int s = 0; s < steps; s++) {
                    try (NDScope scope = new NDScope()) {
                        params.zeroGradients();
                        int first = fixedBatch ? 0 : pick.nextInt(6);
                        BrainMvpInput in = data.batch(m, first, (first + 1) % 6, (first + 2) % 6);
                        Losses l;
                        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                            l = step.forward(in, ctx(m, epoch, fixedBatch ? 0 : s));
                            gc.backward(l.total());
                        }
                        adam.step(fixedBatch ? 1e-3 : 2e-3, null);
                        out[0][s] = l.parts().get(BrainMvpStep.MD).getFloat();
                        out[1][s] = l.parts().get(BrainMvpStep.CMR).getFloat();
                        out[2][s] = l.parts().get(BrainMvpStep.CL).getFloat();
                    }
                }
            }
            return out;
        }
    }

    private static double mean(float[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }

    /** Micro-step 0 of optimiser step {@code step} of a run seeded 46. */
    static StepContext ctx(NDManager m, int epoch, long step) {
        return new StepContext(epoch, step, 0, 1, 46, m);
    }

    /** The generator the training loop gives micro-step (step, micro) of a run seeded {@code seed}. */
    static java.util.SplittableRandom rng(long seed, long step, int micro) {
        return new StepContext(0, step, micro, 1, seed, null).random();
    }
}
