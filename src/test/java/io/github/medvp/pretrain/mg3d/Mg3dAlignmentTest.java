package io.github.medvp.pretrain.mg3d;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.medvp.engine.Engines;
import io.github.medvp.tasks.mg3d.Retrieval;
import io.github.medvp.train.Adam;
import io.github.medvp.train.Losses;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.StepContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The volume-report alignment learns: trained with every loss on the same four pairs, the model memorises them, so
 * the volume-report contrast (CML) falls well below ln B (the value of embeddings that collapsed to one point, where
 * the demo sat before), the aggregation contrast (DFA) falls below it, and retrieval among the four pairs is right.
 */
class Mg3dAlignmentTest {

    static final int[] SHAPE = {32, 32, 32};
    static final int[] CLASSES = {0, 5, 2, 7};
    /**
     * At lr 1e-4 the contrasts first sit on the ln B plateau for 20 to 35 steps, depending on the initialisation (the
     * time the ITC heads' N(0, 0.02) projections take to turn away from the direction all embeddings share at first).
     */
    static final int STEPS = 50;
    static final double HEAD_LR = 5;

    @Test
    void fourPairsAreMemorisedWithTheReferenceLossWeights() {
        Engine engine = Engines.pytorch();
        int b = CLASSES.length;
        try (NDManager manager = NDManager.newBaseManager()) {
            StepContext.seedInitialisation(11);
            Mg3dModel model = Mg3dSynthetic.smallModel().build();
            model.initialize(manager, DataType.FLOAT32, new Shape(b, 1, SHAPE[0], SHAPE[1], SHAPE[2]),
                    new Shape(b, Mg3dSynthetic.LENGTH));
            NamedParameters params = model.namedParameters();
            Mg3dStep step = Mg3dStep.builder().setModel(model).build();
            List<Double> cml = new ArrayList<>();
            List<Double> dfa = new ArrayList<>();
            double recall1;
            try (Adam adam = Mg3dOptimizer.create(params, 1e-8, HEAD_LR)) {
                for (int s = 0; s < STEPS; s++) {
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        Mg3dInput in = Mg3dSynthetic.batch(CLASSES, SHAPE, new SplittableRandom(s)).toInput(manager);
                        Losses l;
                        try (GradientCollector gc = engine.newGradientCollector()) {
                            l = step.forward(in, new SplittableRandom(100 + s), true);
                            gc.backward(l.total());
                        }
                        cml.add((double) l.parts().get(Mg3dStep.CML).getFloat());
                        dfa.add((double) l.parts().get(Mg3dStep.DFA).getFloat());
                        adam.step(1e-4, null);
                        params.zeroGradients();
                    }
                }
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    Mg3dInput in = Mg3dSynthetic.batch(CLASSES, SHAPE, new SplittableRandom(99)).toInput(manager);
                    ParameterStore ps = new ParameterStore(manager, false);
                    NDArray v = model.volumeEmbedding(ps, in.volumes(), false);
                    NDArray r = model.reportEmbedding(ps, in.ids(), in.attentionMask(), in.sentenceIndex(),
                            in.sentences(), false);
                    recall1 = Retrieval.evaluate(rows(r.matMul(v.transpose()), b)).reportToVolume().recallAt(1);
                }
            }
            double lnB = Math.log(b);
            double lastCml = mean(cml.subList(STEPS - 5, STEPS));
            String log = String.format(Locale.ROOT, "ln B %.3f; CML %s; DFA %s; R@1 %.2f", lnB, cml, dfa, recall1);
            System.out.println("MG-3D alignment: " + log);
            assertTrue(Math.abs(cml.get(0) - lnB) < 0.1, "CML does not start at chance: " + log);
            assertTrue(lastCml < 0.7 * lnB, "CML stays near ln B: " + log);
            // DFA leaves the plateau some ten steps after CML (its language side is built from CML's sentence features
            // through two gates and a pooler): measured 1.21 over the last five of 50 steps, 0.71 at step 60.
            assertTrue(mean(dfa.subList(STEPS - 5, STEPS)) < lnB - 0.1, "DFA stays at ln B: " + log);
            assertTrue(recall1 >= 0.75, "the memorised pairs are not retrieved: " + log);
        }
    }

    private static double mean(List<Double> x) {
        return x.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    private static double[][] rows(NDArray m, int n) {
        float[] f = m.toFloatArray();
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i][j] = f[i * n + j];
            }
        }
        return out;
    }
}
