package io.github.medvp.pretrain.mg3d;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.medvp.engine.Engines;
import io.github.medvp.nn.Tokens;
import io.github.medvp.train.Losses;
import io.github.medvp.train.NamedParameters;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What carries gradient: SFR's target, SSM's reference sentences and the sentence features MIM fuses with carry none
 * (the reference computes them under no_grad from the frozen text encoder), also when the text encoder trains; DFA and
 * the reference code's CML each have two towers that both learn; CML's report side reaches the text encoder only
 * where that encoder is trained from scratch.
 */
class Mg3dTargetsTest {

    /** Large enough for a 2×1×2 token grid: MIM's decoder normalises each channel over the grid, so a 1×1×1 grid
     * (32³ volumes) would pass it no gradient at all. */
    static final int[] SHAPE = {64, 32, 64};

    /** The gradient norm of the parameters under {@code prefix} after backward of {@code loss}. */
    private static double gradNorm(Mg3dModel model, NDManager manager, Function<Mg3dInput, NDArray> loss,
            String prefix) {
        Engine engine = Engines.pytorch();
        Mg3dInput in = Mg3dSynthetic.batch(new int[] {0, 5, 3}, SHAPE, new SplittableRandom(1)).toInput(manager);
        NamedParameters params = model.namedParameters();
        params.zeroGradients();
        NDArray anchor = params.trainable().get(0).array();
        try (GradientCollector gc = engine.newGradientCollector()) {
            // The anchor keeps backward defined when the loss itself has no gradient.
            gc.backward(loss.apply(in).add(anchor.sum().mul(0)));
        }
        double sum = 0;
        for (NamedParameters.Entry e : params.trainable()) {
            if (e.name().startsWith(prefix) && e.array().getGradient() != null) {
                sum += e.array().getGradient().square().sum().getFloat();
            }
        }
        return Math.sqrt(sum);
    }

    /** The projection weight of an ITC head (the only 2-d parameter under its prefix). */
    private static NDArray projection(NamedParameters p, String prefix) {
        return p.entries().stream().filter(e -> e.name().startsWith(prefix) && e.array().getShape().dimension() == 2)
                .findFirst().orElseThrow(() -> new AssertionError("no head " + prefix)).array();
    }

    private static Mg3dModel model(NDManager manager, Mg3dModel.Builder b) {
        Mg3dModel model = b.build();
        model.initialize(manager, DataType.FLOAT32, new Shape(3, 1, SHAPE[0], SHAPE[1], SHAPE[2]),
                new Shape(3, Mg3dSynthetic.LENGTH));
        return model;
    }

    @Test
    void sfrAndSsmTargetsCarryNoGradientWithATrainedTextEncoder() {
        Engines.pytorch();
        try (NDManager manager = NDManager.newBaseManager()) {
            Mg3dModel model = model(manager, Mg3dSynthetic.smallModel());
            Mg3dStep step = Mg3dStep.builder().setModel(model).build();
            ParameterStore ps = new ParameterStore(manager, false);
            Function<Mg3dInput, NDArray> sfrTarget = in -> step.sfrTarget(ps, model.embed(ps, in.ids(), true),
                    Tokens.membership(in.sentenceIndex(), in.sentences()), true).sum();
            assertEquals(0, gradNorm(model, manager, sfrTarget, "uni_emd_sen"), "SFR's target trains uni_emd_sen");
            assertEquals(0, gradNorm(model, manager, sfrTarget, "text_encoder"), "SFR's target trains the text");
            Function<Mg3dInput, NDArray> ssm = in -> step.referenceSentences(ps, in, true).sum();
            assertEquals(0, gradNorm(model, manager, ssm, "text_encoder"), "SSM's reference trains the text");
            // The reconstruction side does learn: the loss reaches the SFR head.
            Function<Mg3dInput, NDArray> sfrLoss = in -> step.forward(in, new SplittableRandom(2), true).parts()
                    .get(Mg3dStep.SFR);
            assertTrue(gradNorm(model, manager, sfrLoss, "mlm_head_fc") > 0);
            assertEquals(0, gradNorm(model, manager, sfrLoss, "uni_emd_sen"), "L_SFR trains its own target");
        }
    }

    @Test
    void mimOfThePaperFusionGivesTheTextNoGradientTheCodeFusionDoes() {
        Engines.pytorch();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (MimFusion fusion : MimFusion.values()) {
                Mg3dModel model = model(manager, Mg3dSynthetic.smallModel().optMimFusion(fusion));
                Mg3dStep step = Mg3dStep.builder().setModel(model).optWeights(0, 0, 1, 0, 0, 0).build();
                double g = gradNorm(model, manager, in -> step.forward(in, new SplittableRandom(2), true).total(),
                        "text_encoder");
                // paper: sentence features as pass 3 has them, no gradient; code: token-level text through the
                // trainable projection, as the reference's MIM pass.
                assertEquals(fusion == MimFusion.CODE, g > 0, fusion + ": text gradient " + g);
                assertTrue(gradNorm(model, manager, in -> step.forward(in, new SplittableRandom(2), true).total(),
                        "mim_head") > 0);
            }
        }
    }

    @Test
    void dfaAndJointCmlHaveTwoTowersThatBothLearn() {
        Engines.pytorch();
        try (NDManager manager = NDManager.newBaseManager()) {
            Mg3dModel model = model(manager, Mg3dSynthetic.smallModel().optCml(CmlMode.JOINT));
            NamedParameters p = model.namedParameters();
            for (String head : new String[] {"itc_agg_head", "itc_cross_head"}) {
                NDArray vision = projection(p, head + "_vision.");
                NDArray language = projection(p, head + "_language.");
                assertNotSame(vision, language);
                assertTrue(vision.sub(language).abs().max().getFloat() > 0, head + ": towers start equal");
            }
            Mg3dStep dfa = Mg3dStep.builder().setModel(model).optWeights(0, 0, 0, 0, 1, 0).build();
            Mg3dStep cml = Mg3dStep.builder().setModel(model).optWeights(0, 0, 0, 1, 0, 0).build();
            for (String tower : new String[] {"vision", "language"}) {
                assertTrue(gradNorm(model, manager, in -> dfa.forward(in, new SplittableRandom(2), true).total(),
                        "itc_agg_head_" + tower) > 0, "DFA's " + tower + " tower");
                assertTrue(gradNorm(model, manager, in -> cml.forward(in, new SplittableRandom(2), true).total(),
                        "itc_cross_head_" + tower) > 0, "CML's " + tower + " tower");
                assertEquals(0, gradNorm(model, manager, in -> cml.forward(in, new SplittableRandom(2), true)
                        .total(), "itc_agg_head_" + tower), "CML reaches DFA's head");
            }
        }
    }

    @Test
    void cmlTrainsTheTextEncoderOnlyWhenAskedAsForOneTrainedFromScratch() {
        Engines.pytorch();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (CmlMode mode : CmlMode.values()) {
                Mg3dModel model = model(manager, Mg3dSynthetic.smallModel().optCml(mode));
                for (boolean trains : new boolean[] {false, true}) {
                    Mg3dStep cml = Mg3dStep.builder().setModel(model).optWeights(0, 0, 0, 1, 0, 0)
                            .optContrastTrainsText(trains).build();
                    double g = gradNorm(model, manager, in -> cml.forward(in, new SplittableRandom(2), true).total(),
                            "text_encoder");
                    assertEquals(trains, g > 0, mode + ", contrast trains text " + trains + ": gradient " + g);
                    // Nothing else changes with it: DFA keeps the reference's detached sentences.
                    Mg3dStep dfa = Mg3dStep.builder().setModel(model).optWeights(0, 0, 0, 0, 1, 0)
                            .optContrastTrainsText(trains).build();
                    assertEquals(0, gradNorm(model, manager, in -> dfa.forward(in, new SplittableRandom(2), true)
                            .total(), "text_encoder"), mode + ": DFA trains the text");
                }
            }
        }
    }
}
