package io.github.medvp.nn.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gradients through an imported BERT and its MLM head, trainable and frozen, with dropout on. */
class BertTrainingTest {

    private static final BertConfig WITH_DROPOUT = new BertConfig(11, 8, 2, 2, 16, 6, 2, 1e-12, 0.1, 0.1);

    private static NDArray loss(HfBert.Model model, NDManager m) {
        ParameterStore ps = new ParameterStore(m, false);
        NDArray h = model.encoder().forward(ps, new NDList(BertEncoderTest.ids(m, BertEncoderTest.IDS),
                BertEncoderTest.ids(m, BertEncoderTest.MASK)), true).singletonOrThrow();
        NDArray logits = model.head().forward(ps, new NDList(h), true).singletonOrThrow();
        return logits.mul(m.randomUniform(-1f, 1f, logits.getShape())).sum();
    }

    @Test
    void everyParameterGetsAGradientWhenTrainableAndNoneWhenFrozen(@TempDir Path dir) throws Exception {
        BertEncoderTest.writeFolder(dir, WITH_DROPOUT, 4, true);
        try (NDManager m = NDManager.newBaseManager()) {
            HfBert.Model model = HfBert.load(dir, m, true);
            try (GradientCollector c = m.getEngine().newGradientCollector()) {
                c.backward(loss(model, m));
            }
            List<String> bad = new ArrayList<>();
            for (Pair<String, Parameter> p : model.encoder().getParameters()) {
                assertTrue(p.getValue().requiresGradient(), p.getKey());
                float max = p.getValue().getArray().getGradient().abs().max().getFloat();
                if (!(max > 0) || !Float.isFinite(max)) {
                    bad.add(p.getKey());
                }
            }
            assertTrue(bad.isEmpty(), "no gradient: " + bad);
            assertEquals(BertEncoderTest.TINY.layers() * 16 + 5, model.encoder().getParameters().size());

            model.encoder().setTrainable(false);
            for (Pair<String, Parameter> p : model.encoder().getParameters()) {
                assertFalse(p.getValue().requiresGradient(), p.getKey());
            }
            try (GradientCollector c = m.getEngine().newGradientCollector()) {
                c.backward(loss(model, m));
            }
            for (Pair<String, Parameter> p : model.head().getParameters()) {
                float max = p.getValue().getArray().getGradient().abs().max().getFloat();
                assertTrue(max > 0 && Float.isFinite(max), "head " + p.getKey());
            }
        }
    }
}
