package io.github.medvp.nn.bert;

import io.github.medvp.nn.Blocks;
import io.github.medvp.nn.Fixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.TensorFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BERT parity against a plain-Java double-precision reference ({@link BertReference}). */
class BertEncoderTest {

    /** Hidden 8, 2 layers, 2 heads, FFN 16, 11 words, 6 positions, no dropout. */
    static final BertConfig TINY = new BertConfig(11, 8, 2, 2, 16, 6, 2, 1e-12, 0, 0);
    static final int[][] IDS = {{1, 5, 7, 3, 2}, {1, 9, 2, 0, 0}};
    static final int[][] MASK = {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}};

    /** Writes an HF model folder with {@code bert.}-prefixed keys (or bare keys) and returns its weights. */
    static Map<String, HostTensor> writeFolder(Path dir, BertConfig config, long seed, boolean prefixed)
            throws Exception {
        Map<String, HostTensor> w = BertReference.randomWeights(config, seed);
        Map<String, HostTensor> file = new LinkedHashMap<>();
        w.forEach((k, v) -> file.put(prefixed && !k.startsWith("cls.") ? "bert." + k : k, v));
        // Keys a BertForMaskedLM checkpoint has and the loader must ignore.
        file.put("bert.pooler.dense.bias", HostTensor.ofFloats(new long[] {config.hiddenSize()},
                new float[config.hiddenSize()]));
        file.put("bert.embeddings.position_ids", HostTensor.ofLongs(new long[] {1, 2}, 0, 1));
        config.write(dir.resolve(HfBert.CONFIG));
        TensorFiles.write(dir.resolve(HfBert.SAFETENSORS), file, Map.of());
        return w;
    }

    static NDArray ids(NDManager m, int[][] ids) {
        long[] flat = new long[ids.length * ids[0].length];
        for (int b = 0; b < ids.length; b++) {
            for (int t = 0; t < ids[0].length; t++) {
                flat[b * ids[0].length + t] = ids[b][t];
            }
        }
        return m.create(flat, new Shape(ids.length, ids[0].length));
    }

    static void assertClose(double[][] expected, float[] actual, int offset, double tol, String what) {
        int k = offset;
        for (int t = 0; t < expected.length; t++) {
            for (int f = 0; f < expected[t].length; f++) {
                assertEquals(expected[t][f], actual[k++], tol, what + " at [" + t + "][" + f + "]");
            }
        }
    }

    @Test
    void encoderAndHeadMatchTheDoublePrecisionReference(@TempDir Path dir) throws Exception {
        Map<String, HostTensor> w = writeFolder(dir, TINY, 42, true);
        BertReference ref = new BertReference(TINY, BertReference.floats(w));
        try (NDManager m = NDManager.newBaseManager()) {
            HfBert.Model model = HfBert.load(dir, m, true);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray hidden = model.encoder().forward(ps, new NDList(ids(m, IDS), ids(m, MASK)), false)
                    .singletonOrThrow();
            assertEquals(new Shape(2, 5, 8), hidden.getShape());
            NDArray logits = model.head().forward(ps, new NDList(hidden), false).singletonOrThrow();
            assertEquals(new Shape(2, 5, 11), logits.getShape());
            NDArray split = model.head().decode(ps, model.head().transform(ps, hidden, false), false);
            assertEquals(0f, Fixtures.maxAbs(split, logits), 0f);
            float[] h = hidden.toFloatArray();
            float[] l = logits.toFloatArray();
            for (int b = 0; b < 2; b++) {
                double[][] expected = ref.encode(IDS[b], MASK[b]);
                assertClose(expected, h, b * 5 * 8, 2e-5, "hidden, sample " + b);
                assertClose(ref.mlmLogits(expected), l, b * 5 * 11, 1e-4, "logits, sample " + b);
            }
        }
    }

    @Test
    void paddingIsNotAttendedTo(@TempDir Path dir) throws Exception {
        Map<String, HostTensor> w = writeFolder(dir, TINY, 7, true);
        BertReference ref = new BertReference(TINY, BertReference.floats(w));
        // Without the mask sample 1's real tokens would see the padding: the reference says the outputs differ.
        double[][] masked = ref.encode(IDS[1], MASK[1]);
        double[][] unmasked = ref.encode(IDS[1], new int[] {1, 1, 1, 1, 1});
        assertTrue(Math.abs(masked[0][0] - unmasked[0][0]) > 1e-3, "fixture too weak to show the mask");
        try (NDManager m = NDManager.newBaseManager()) {
            HfBert.Model model = HfBert.load(dir, m, false);
            ParameterStore ps = new ParameterStore(m, false);
            int[][] otherPadding = {{1, 9, 2, 6, 10}};
            float[] a = model.encoder().forward(ps, new NDList(ids(m, new int[][] {IDS[1]}),
                    ids(m, new int[][] {MASK[1]})), false).singletonOrThrow().toFloatArray();
            float[] b = model.encoder().forward(ps, new NDList(ids(m, otherPadding),
                    ids(m, new int[][] {MASK[1]})), false).singletonOrThrow().toFloatArray();
            // Real positions 0..2 ignore what the padded positions hold.
            for (int i = 0; i < 3 * 8; i++) {
                assertEquals(a[i], b[i], 1e-6, "real position changed with the padding, index " + i);
            }
            assertClose(masked, a, 0, 2e-5, "masked");
        }
    }

    @Test
    void hiddenStatesAndSeparateEmbeddingGiveTheSameLastState(@TempDir Path dir) throws Exception {
        writeFolder(dir, TINY, 3, true);
        try (NDManager m = NDManager.newBaseManager()) {
            HfBert.Model model = HfBert.load(dir, m, false);
            BertEncoder enc = model.encoder();
            ParameterStore ps = new ParameterStore(m, false);
            NDArray idArr = ids(m, IDS);
            NDArray maskArr = ids(m, MASK);
            NDList all = enc.hiddenStates(ps, new NDList(idArr, maskArr), false);
            assertEquals(TINY.layers() + 1, all.size());
            NDArray last = enc.forward(ps, new NDList(idArr, maskArr), false).singletonOrThrow();
            NDArray e = enc.getEmbeddings().forward(ps, new NDList(idArr), false).singletonOrThrow();
            NDArray viaEncode = enc.encode(ps, e, maskArr, false);
            assertEquals(0, Fixtures.maxAbs(all.get(0), e), 1e-7);
            assertEquals(0, Fixtures.maxAbs(all.get(TINY.layers()), last), 1e-7);
            assertEquals(0, Fixtures.maxAbs(viaEncode, last), 1e-7);
            // Explicit token types 0 are the default.
            NDArray typed = enc.forward(ps, new NDList(idArr, maskArr, m.zeros(new Shape(2, 5), DataType.INT64)),
                    false).singletonOrThrow();
            assertEquals(0, Fixtures.maxAbs(typed, last), 1e-7);
        }
    }

    @Test
    void freezingStopsGradientsAndTiedHeadSharesEmbeddings() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertEncoder enc = new BertEncoder(TINY);
            enc.initialize(m, DataType.FLOAT32, new Shape(2, 5), new Shape(2, 5));
            assertTrue(enc.isTrainable());
            enc.setTrainable(false);
            assertFalse(enc.isTrainable());
            enc.setTrainable(true);
            assertTrue(enc.isTrainable());
            BertMlmHead tied = BertMlmHead.tied(enc);
            tied.initialize(m, DataType.FLOAT32, new Shape(2, 5, 8));
            assertTrue(tied.isTied());
            // The tied head owns only the transform and the bias: 8·8+8 + 8+8 + 11.
            long own = tied.getParameters().values().stream().mapToLong(p -> p.getShape().size()).sum();
            assertEquals(8 * 8 + 8 + 16 + 11, own);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray z = m.randomNormal(new Shape(2, 5, 8));
            NDArray logits = tied.forward(ps, new NDList(z), false).singletonOrThrow();
            assertEquals(new Shape(2, 5, 11), logits.getShape());
        }
    }

    @Test
    void presetsHaveTheDocumentedSizes() {
        BertConfig base = BertConfig.base(28996);
        assertEquals(768, base.hiddenSize());
        assertEquals(12, base.layers());
        assertEquals(12, base.heads());
        assertEquals(3072, base.intermediateSize());
        try (NDManager m = NDManager.newBaseManager()) {
            BertEncoder enc = new BertEncoder(base);
            enc.initialize(m, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 4));
            // bert-base without the pooler at RadBERT's vocabulary: 108.3 M minus the pooler's 590,592.
            long n = enc.getParameters().values().stream().mapToLong(p -> p.getShape().size()).sum();
            assertEquals(28996L * 768 + 512 * 768 + 2 * 768 + 2 * 768
                    + 12L * (4 * (768 * 768 + 768) + 2 * 768 + 768 * 3072 + 3072 + 3072 * 768 + 768 + 2 * 768), n);
            assertEquals(Blocks.all(enc), Blocks.covered(HfBert.encoderNames(enc)));
        }
    }
}
