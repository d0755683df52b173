package io.github.medvp.pretrain.mg3d;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.MedvpException;
import io.github.medvp.engine.Engines;
import io.github.medvp.nn.bert.BertConfig;
import io.github.medvp.train.BlockMask;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.NamedParameters;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint round trip (same embeddings after save and load) and MIM mask statistics. */
class Mg3dCheckpointTest {

    @TempDir
    Path tmp;

    @Test
    void savedCheckpointRebuildsTheSameModelAndTokenizer() throws Exception {
        Engines.pytorch();
        Mg3dConfig config = new Mg3dConfig("tiny", new BertConfig(Mg3dSynthetic.VOCAB, 32, 1, 2, 64, 64, 2, 1e-12, 0,
                0), true, MimFusion.PAPER, CmlMode.VOLUME_REPORT, false, new int[] {32, 32, 32},
                Mg3dSynthetic.LENGTH, new Mg3dConfig.Preprocessing("mri", new double[] {1, 1, 2},
                new double[] {-100, 200}));
        Path file = tmp.resolve("last.safetensors");
        float[] volumes;
        float[] reports;
        Mg3dBatch batch = Mg3dSynthetic.batch(new int[] {1, 6}, config.size(), new SplittableRandom(3));
        try (NDManager manager = NDManager.newBaseManager()) {
            Mg3dModel model = config.model().build();
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 32, 32, 32), new Shape(2, 16));
            NamedParameters params = model.namedParameters();
            Checkpoints.write(file, Checkpoints.capture(withStep(Mg3dCheckpoint.header(config,
                    Mg3dSynthetic.tokenizer())), params, null));
            Mg3dInput in = batch.toInput(manager);
            ParameterStore ps = new ParameterStore(manager, false);
            volumes = model.volumeEmbedding(ps, in.volumes(), false).toFloatArray();
            reports = model.reportEmbedding(ps, in.ids(), in.attentionMask(), in.sentenceIndex(), in.sentences(), false)
                    .toFloatArray();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Mg3dCheckpoint ck = Mg3dCheckpoint.load(file, manager);
            assertEquals(List.of(Mg3dSynthetic.WORDS), ck.encoder().tokenizer().vocabulary());
            assertEquals(config.toJson(), ck.config().toJson());
            Mg3dInput in = batch.toInput(manager);
            ParameterStore ps = new ParameterStore(manager, false);
            assertArrayEquals(volumes, ck.model().volumeEmbedding(ps, in.volumes(), false).toFloatArray(), 0f);
            assertArrayEquals(reports, ck.model().reportEmbedding(ps, in.ids(), in.attentionMask(), in.sentenceIndex(),
                    in.sentences(), false).toFloatArray(), 0f);
        }
    }

    @Test
    void aCheckpointWithoutMg3dConfigurationIsRefused() throws Exception {
        Path file = tmp.resolve("other.safetensors");
        com.google.gson.JsonObject h = new com.google.gson.JsonObject();
        h.addProperty("method", "brainmvp");
        Checkpoints.write(file, new io.github.medvp.train.Checkpoint(withStep(h), java.util.Map.of()));
        try (NDManager manager = NDManager.newBaseManager()) {
            MedvpException e = assertThrows(MedvpException.class, () -> Mg3dCheckpoint.load(file, manager));
            assertEquals(true, e.getMessage().contains("not an MG-3D checkpoint"));
        }
    }

    private static com.google.gson.JsonObject withStep(com.google.gson.JsonObject h) {
        h.addProperty("step", 0);
        return h;
    }

    @Test
    void mimMaskHidesHalfOfThe16CubedBlocksSharedByTheBatch() {
        Engines.pytorch();
        BlockMask mask = BlockMask.builder().optBlockSize(16).optRatio(0.5).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape spatial = new Shape(128, 96, 128);
            NDArray m = mask.sample(manager, 1, spatial, DataType.FLOAT32, new SplittableRandom(1));
            assertEquals(new Shape(1, 1, 128, 96, 128), m.getShape());
            // 8×6×8 = 384 blocks, 192 masked: exactly half of the voxels.
            assertEquals(0.5, m.mean().getFloat(), 0);
            float[] b = blockMeans(m);
            int masked = 0;
            for (float v : b) {
                assertEquals(true, v == 0f || v == 1f, "a block is partly masked: " + v);
                masked += v == 1f ? 1 : 0;
            }
            assertEquals(192, masked);
            NDArray other = mask.sample(manager, 1, spatial, DataType.FLOAT32, new SplittableRandom(2));
            assertEquals(false, java.util.Arrays.equals(b, blockMeans(other)), "masks of different steps must differ");
        }
    }

    /** The mean of each 16³ block (the engine's mean reduces one axis at a time). */
    private static float[] blockMeans(NDArray m) {
        return m.reshape(8, 16, 6, 16, 8, 16).transpose(0, 2, 4, 1, 3, 5).reshape(384, 4096).mean(new int[] {1})
                .toFloatArray();
    }
}
