package io.github.medvp.nn.bert;

import io.github.medvp.nn.Fixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.MedvpException;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.TensorFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading and saving Hugging Face BERT model folders. */
class HfBertTest {

    private static final BertConfig TINY = BertEncoderTest.TINY;

    private static float[] run(HfBert.Model model, NDManager m) {
        ParameterStore ps = new ParameterStore(m, false);
        NDArray h = model.encoder().forward(ps, new NDList(BertEncoderTest.ids(m, BertEncoderTest.IDS),
                BertEncoderTest.ids(m, BertEncoderTest.MASK)), false).singletonOrThrow();
        return model.head() == null ? h.toFloatArray()
                : model.head().forward(ps, new NDList(h), false).singletonOrThrow().toFloatArray();
    }

    @Test
    void loadsWithAndWithoutTheBertPrefixAndOldLayerNormNames(@TempDir Path dir) throws Exception {
        Path prefixed = Files.createDirectories(dir.resolve("a"));
        Path bare = Files.createDirectories(dir.resolve("b"));
        BertEncoderTest.writeFolder(prefixed, TINY, 11, true);
        Map<String, HostTensor> w = BertEncoderTest.writeFolder(bare, TINY, 11, false);
        // A TensorFlow-converted checkpoint with LayerNorm.gamma/beta and a DDP prefix.
        Path old = Files.createDirectories(dir.resolve("c"));
        Map<String, HostTensor> renamed = new LinkedHashMap<>();
        w.forEach((k, v) -> renamed.put("module.bert." + k.replace("LayerNorm.weight", "LayerNorm.gamma")
                .replace("LayerNorm.bias", "LayerNorm.beta"), v));
        TINY.write(old.resolve(HfBert.CONFIG));
        TensorFiles.write(old.resolve(HfBert.SAFETENSORS), renamed, Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            float[] a = run(HfBert.load(prefixed, m, false), m);
            float[] b = run(HfBert.load(bare, m, false), m);
            float[] c = run(HfBert.load(old, m, false), m);
            BertReference ref = new BertReference(TINY, BertReference.floats(w));
            BertEncoderTest.assertClose(ref.encode(BertEncoderTest.IDS[0], BertEncoderTest.MASK[0]), a, 0, 2e-5,
                    "prefixed");
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 0f);
                assertEquals(a[i], c[i], 0f);
            }
        }
    }

    @Test
    void headDecoderFallsBackToTheWordEmbeddingsWhenStoredTied(@TempDir Path dir) throws Exception {
        Map<String, HostTensor> w = BertEncoderTest.writeFolder(dir, TINY, 5, true);
        Map<String, HostTensor> file = new LinkedHashMap<>(TensorFiles.readStateDict(dir.resolve(
                HfBert.SAFETENSORS)));
        file.remove("cls.predictions.decoder.weight");
        TensorFiles.write(dir.resolve(HfBert.SAFETENSORS), file, Map.of());
        Map<String, float[]> expectedWeights = BertReference.floats(w);
        expectedWeights.put("cls.predictions.decoder.weight",
                expectedWeights.get("embeddings.word_embeddings.weight"));
        BertReference ref = new BertReference(TINY, expectedWeights);
        try (NDManager m = NDManager.newBaseManager()) {
            HfBert.Model model = HfBert.load(dir, m, true);
            float[] logits = run(model, m);
            double[][] h = ref.encode(BertEncoderTest.IDS[0], BertEncoderTest.MASK[0]);
            BertEncoderTest.assertClose(ref.mlmLogits(h), logits, 0, 1e-4, "tied-stored logits");
            // A head alone (MG-3D's own mlm_head initialised from the checkpoint) gets the same weights.
            BertMlmHead alone = BertMlmHead.untied(TINY.hiddenSize(), TINY.vocabSize(), TINY.layerNormEps());
            alone.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8));
            HfBert.loadWeights(dir.resolve(HfBert.SAFETENSORS), null, alone);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray hidden = model.encoder().forward(ps, new NDList(BertEncoderTest.ids(m, BertEncoderTest.IDS),
                    BertEncoderTest.ids(m, BertEncoderTest.MASK)), false).singletonOrThrow();
            assertEquals(0f, Fixtures.maxAbs(model.head().forward(ps, new NDList(hidden), false).singletonOrThrow(),
                    alone.forward(ps, new NDList(hidden), false).singletonOrThrow()), 0f);
        }
    }

    @Test
    void wrongShapeNamesTheKey(@TempDir Path dir) throws Exception {
        BertEncoderTest.writeFolder(dir, TINY, 1, true);
        Map<String, HostTensor> file = new LinkedHashMap<>(TensorFiles.readStateDict(dir.resolve(
                HfBert.SAFETENSORS)));
        file.put("bert.encoder.layer.1.intermediate.dense.weight", HostTensor.ofFloats(new long[] {15, 8},
                new float[15 * 8]));
        TensorFiles.write(dir.resolve(HfBert.SAFETENSORS), file, Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            MedvpException e = assertThrows(MedvpException.class, () -> HfBert.load(dir, m, false));
            assertTrue(e.getMessage().contains("bert.encoder.layer.1.intermediate.dense.weight"), e.getMessage());
            assertTrue(e.getMessage().contains("(15, 8)") && e.getMessage().contains("(16, 8)"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
    }

    @Test
    void missingKeyConfigOrWeightsNamesIt(@TempDir Path dir) throws Exception {
        BertEncoderTest.writeFolder(dir, TINY, 1, true);
        Map<String, HostTensor> file = new LinkedHashMap<>(TensorFiles.readStateDict(dir.resolve(
                HfBert.SAFETENSORS)));
        file.remove("bert.encoder.layer.0.attention.self.key.bias");
        TensorFiles.write(dir.resolve(HfBert.SAFETENSORS), file, Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            MedvpException e = assertThrows(MedvpException.class, () -> HfBert.load(dir, m, false));
            assertTrue(e.getMessage().contains("bert.encoder.layer.0.attention.self.key.bias"), e.getMessage());
            Files.delete(dir.resolve(HfBert.SAFETENSORS));
            e = assertThrows(MedvpException.class, () -> HfBert.load(dir, m, false));
            assertTrue(e.getMessage().contains("pytorch_model.bin"), e.getMessage());
            Files.delete(dir.resolve(HfBert.CONFIG));
            e = assertThrows(MedvpException.class, () -> HfBert.load(dir, m, false));
            assertTrue(e.getMessage().contains("config.json"), e.getMessage());
            Files.writeString(dir.resolve(HfBert.CONFIG), "{\"hidden_size\": 8}");
            e = assertThrows(MedvpException.class, () -> HfBert.load(dir, m, false));
            assertTrue(e.getMessage().contains("vocab_size"), e.getMessage());
        }
    }

    @Test
    void saveThenLoadRoundTrips(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Path copy = dir.resolve("copy");
        BertEncoderTest.writeFolder(src, TINY, 9, true);
        try (NDManager m = NDManager.newBaseManager()) {
            HfBert.Model model = HfBert.load(src, m, true);
            HfBert.save(copy, model.encoder(), model.head());
            assertTrue(TensorFiles.readStateDict(copy.resolve(HfBert.SAFETENSORS))
                    .containsKey("bert.encoder.layer.1.output.LayerNorm.weight"));
            assertEquals(TINY, BertConfig.read(copy.resolve(HfBert.CONFIG)));
            float[] a = run(model, m);
            float[] b = run(HfBert.load(copy, m, true), m);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 0f);
            }
        }
    }

    @Test
    void prefersModelSafetensorsAndFallsBackToPytorchModelBin(@TempDir Path dir) throws Exception {
        // The file is chosen by name and its format detected by content (TensorFiles; the torch zip format itself
        // is covered by TorchCheckpointTest), so safetensors bytes under the .bin name exercise the fallback.
        Path other = Files.createDirectories(dir.resolve("other"));
        Map<String, HostTensor> w = BertEncoderTest.writeFolder(dir, TINY, 21, true);
        Map<String, HostTensor> w2 = BertEncoderTest.writeFolder(other, TINY, 22, true);
        Files.copy(other.resolve(HfBert.SAFETENSORS), dir.resolve(HfBert.PYTORCH_BIN));
        double[][] fromSafetensors = new BertReference(TINY, BertReference.floats(w)).encode(
                BertEncoderTest.IDS[0], BertEncoderTest.MASK[0]);
        double[][] fromBin = new BertReference(TINY, BertReference.floats(w2)).encode(
                BertEncoderTest.IDS[0], BertEncoderTest.MASK[0]);
        try (NDManager m = NDManager.newBaseManager()) {
            BertEncoderTest.assertClose(fromSafetensors, run(HfBert.load(dir, m, false), m), 0, 2e-5, "both files");
            Files.delete(dir.resolve(HfBert.SAFETENSORS));
            assertEquals(dir.resolve(HfBert.PYTORCH_BIN), HfBert.weightsFile(dir));
            BertEncoderTest.assertClose(fromBin, run(HfBert.load(dir, m, false), m), 0, 2e-5, "bin only");
        }
    }
}
