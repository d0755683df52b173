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
import io.github.medvp.train.NamedParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The whole step on the tiny preset: 32³ inputs, 8³ blocks, a 48³ template grid. */
class BrainMvpStepTest {

    static BrainMvpModel tinyModel(NDManager m) {
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
            ParameterStore ps = new ParameterStore(m, false);
            BrainMvpInput in = data.batch(m, 0, 1, 2);
            StepLosses early = step.compute(ps, in, 0, 0, 0);
            assertEquals(List.of(BrainMvpStep.MD, BrainMvpStep.CMR, BrainMvpStep.CL),
                    new ArrayList<>(early.components().keySet()));
            float md = early.components().get(BrainMvpStep.MD).getFloat();
            float cmr = early.components().get(BrainMvpStep.CMR).getFloat();
            assertEquals(0f, early.components().get(BrainMvpStep.CL).getFloat());
            assertEquals(10 * md + cmr, early.total().getFloat(), 1e-4f * (10 * md + cmr));
            assertEquals(DataType.FLOAT32, early.total().getDataType());
            assertEquals(new Shape(), early.total().getShape());

            StepLosses late = step.compute(ps, in, 5, 0, 0);
            float cl = late.components().get(BrainMvpStep.CL).getFloat();
            assertTrue(cl > 0 && cl < 3, "InfoNCE of 3 samples: " + cl);
            float expected = 10 * late.components().get(BrainMvpStep.MD).getFloat()
                    + late.components().get(BrainMvpStep.CMR).getFloat() + 3 * cl;
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
            BrainMvpStep.Outcome a = step.run(ps, in, 0, StepRandom.of(46, 3, 1));
            BrainMvpStep.Outcome b = step.run(ps, in, 0, StepRandom.of(46, 3, 1));
            BrainMvpStep.Outcome c = step.run(ps, in, 0, StepRandom.of(46, 3, 0));
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
                gc.backward(step.compute(new ParameterStore(m, false), data.batch(m, 0, 1, 2), 0, 0, 0).total());
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
    void aShortRunLowersBothReconstructionLossesAndTheContrastiveLoss() {
        float[][] templatePhase = train(0, 2000, 30);
        assertTrue(mean(templatePhase[0], 25, 30) < 0.7 * mean(templatePhase[0], 0, 5),
                "L_MD " + java.util.Arrays.toString(templatePhase[0]));
        assertTrue(mean(templatePhase[1], 25, 30) < 0.7 * mean(templatePhase[1], 0, 5),
                "L_CMR " + java.util.Arrays.toString(templatePhase[1]));
        float[][] allTerms = train(1000, 1000, 30);
        assertTrue(mean(allTerms[1], 25, 30) < 0.7 * mean(allTerms[1], 0, 5),
                "L_CMR (cross-modal) " + java.util.Arrays.toString(allTerms[1]));
        assertTrue(mean(allTerms[2], 22, 30) < mean(allTerms[2], 0, 8) - 0.02,
                "L_CL " + java.util.Arrays.toString(allTerms[2]));
    }

    /** Trains 30 steps at a fixed epoch; returns L_MD, L_CMR, L_CL per step. */
    private static float[][] train(int epoch, int contrastiveStart, int steps) {
        try (NDManager m = NDManager.newBaseManager()) {
            BrainMvpModel model = tinyModel(m);
            Synthetic data = new Synthetic(6, 32, 4, 48, 11);
            BrainMvpStep step = BrainMvpStep.builder().setModel(model).optContrastiveStartEpoch(contrastiveStart)
                    .optWeights(10, 1, 10).build();
            NamedParameters params = model.namedParameters();
            float[][] out = new float[3][steps];
            Random pick = new Random(5);
            try (Adam adam = Adam.builder().setParameters(params).optWeightDecay(1e-5).build()) {
                ParameterStore ps = new ParameterStore(m, false);
                for (int s = 0; s < steps; s++) {
                    try (NDScope scope = new NDScope()) {
                        params.zeroGradients();
                        int first = pick.nextInt(6);
                        BrainMvpInput in = data.batch(m, first, (first + 1) % 6, (first + 2) % 6);
                        StepLosses l;
                        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                            l = step.compute(ps, in, epoch, s, 0);
                            gc.backward(l.total());
                        }
                        adam.step(2e-3, null);
                        out[0][s] = l.components().get(BrainMvpStep.MD).getFloat();
                        out[1][s] = l.components().get(BrainMvpStep.CMR).getFloat();
                        out[2][s] = l.components().get(BrainMvpStep.CL).getFloat();
                    }
                }
            }
            assertNotEquals(0f, model.getTemplates().getTemplates().getArray().abs().sum().getFloat(),
                    "templates moved");
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
}
