package io.github.medvp.nn.bert;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.medvp.data.text.EncodedReport;
import io.github.medvp.data.text.ReportEncoder;
import io.github.medvp.data.text.TextBatch;
import io.github.medvp.data.text.VocabularyBuilder;
import io.github.medvp.data.text.WholeWordMasking;
import io.github.medvp.data.text.WordPieceTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The text stack end to end: built vocabulary, encoded reports, whole-word masking, BERT + MLM head learn. */
class BertMlmLearningTest {

    private static final List<String> REPORTS = List.of(
            "The lungs are clear. No pleural effusion.",
            "Small right pleural effusion. Heart size normal.",
            "Consolidation in the right lower lobe. No effusion.",
            "Emphysema in both upper lobes. No nodule.");
    private static final int STEPS = 40;

    /** Masked-token cross-entropy, ignoring label −100. */
    private static NDArray mlmLoss(NDArray logits, NDArray labels) {
        NDArray valid = labels.neq(WholeWordMasking.IGNORE).toType(DataType.FLOAT32, false);
        NDArray safe = labels.mul(valid.toType(DataType.INT64, false));
        NDArray picked = logits.logSoftmax(-1).mul(safe.oneHot((int) logits.getShape().get(2))).sum(new int[] {-1});
        return picked.mul(valid).sum().neg().div(valid.sum().maximum(1f));
    }

    /** One fixed corruption per report: the model must fit it (gradients reach every part that predicts). */
    @Test
    void maskedLanguageModelFitsFixedMasks() {
        WordPieceTokenizer tokenizer = new VocabularyBuilder(200, 1).buildTokenizer(REPORTS);
        ReportEncoder encoder = new ReportEncoder(tokenizer, 24);
        List<EncodedReport> encoded = new ArrayList<>();
        for (String r : REPORTS) {
            encoded.add(encoder.encode(r, ""));
        }
        WholeWordMasking wwm = new WholeWordMasking(tokenizer, 0.3);
        BertConfig config = new BertConfig(tokenizer.size(), 32, 2, 2, 64, 24, 2, 1e-12, 0, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(0);
            BertEncoder bert = new BertEncoder(config);
            bert.initialize(m, DataType.FLOAT32, new Shape(4, 24), new Shape(4, 24));
            BertMlmHead head = BertMlmHead.tied(bert);
            head.initialize(m, DataType.FLOAT32, new Shape(4, 24, 32));
            List<Parameter> params = new ArrayList<>();
            for (Pair<String, Parameter> p : bert.getParameters()) {
                params.add(p.getValue());
            }
            for (Pair<String, Parameter> p : head.getParameters()) {
                params.add(p.getValue());
            }
            ParameterStore ps = new ParameterStore(m, false);
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < STEPS; step++) {
                List<WholeWordMasking.Masked> masked = new ArrayList<>();
                for (EncodedReport r : encoded) {
                    masked.add(wwm.mask(r, new Random(encoded.indexOf(r))));
                }
                try (NDManager sub = m.newSubManager()) {
                    NDList batch = TextBatch.collate(encoded, masked, tokenizer).toNDList(sub);
                    float value;
                    try (GradientCollector c = m.getEngine().newGradientCollector()) {
                        NDArray h = bert.forward(ps, new NDList(batch.get(5), batch.get(1)), true).singletonOrThrow();
                        NDArray loss = mlmLoss(head.forward(ps, new NDList(h), true).singletonOrThrow(),
                                batch.get(6));
                        c.backward(loss);
                        value = loss.getFloat();
                    }
                    for (Parameter p : params) {
                        NDArray a = p.getArray();
                        a.subi(a.getGradient().mul(0.1f));
                        a.getGradient().subi(a.getGradient());
                    }
                    first = step < 5 ? (Float.isNaN(first) ? value / 5 : first + value / 5) : first;
                    last = step >= STEPS - 5 ? (Float.isNaN(last) ? value / 5 : last + value / 5) : last;
                }
            }
            assertTrue(last < 0.35 * first, "MLM loss " + first + " -> " + last);
        }
    }
}
