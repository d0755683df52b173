package io.github.medvp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.MedvpException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateDictImportTest {

    private static UniFormer3d tiny(NDManager manager, int channels) {
        UniFormer3d encoder = Presets.tiny().optInChannels(channels).build();
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1, channels, 16, 16, 16));
        return encoder;
    }

    private static NDArray run(NDManager manager, UniFormer3d encoder, NDArray x) {
        NDList out = encoder.forward(new ParameterStore(manager, false), new NDList(x), false);
        return out.get(out.size() - 1);
    }

    @Test
    void exportThenImportReproducesTheModel() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UniFormer3d a = tiny(manager, 1);
            UniFormer3d b = tiny(manager, 1);
            NDArray x = manager.randomNormal(new Shape(1, 1, 16, 16, 16));
            assertNotEquals(0f, Fixtures.maxAbs(run(manager, a, x), run(manager, b, x)));
            Map<String, NDArray> state = StateDictImport.export(ReferenceNames.encoder(a), manager);
            // A 3³ depthwise kernel is exported as (C, 1, kz, kx, ky): ours transposed.
            NDArray ours = ReferenceNames.param(((CBlock) a.getBlocks(1).get(0)).posEmbed, "weight").getArray();
            assertEquals(0f, Fixtures.maxAbs(ours.transpose(0, 1, 4, 2, 3), state.get("blocks1.0.pos_embed.weight")));
            StateDictImport.Report report = StateDictImport.builder().build()
                    .load(ReferenceNames.encoder(b), state, "exported");
            assertEquals(state.size(), report.loaded().size());
            assertEquals(0f, Fixtures.maxAbs(run(manager, a, x), run(manager, b, x)));
        }
    }

    @Test
    void stripsWrapperPrefixesSelectsTheEncoderAndIgnoresBatchCounters() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UniFormer3d a = tiny(manager, 1);
            UniFormer3d b = tiny(manager, 1);
            Map<String, NDArray> checkpoint = new LinkedHashMap<>();
            StateDictImport.export(ReferenceNames.encoder(a), manager)
                    .forEach((k, v) -> checkpoint.put("module.encoder.uniformer." + k, v));
            checkpoint.put("module.encoder.uniformer.norm.num_batches_tracked", manager.create(3L));
            checkpoint.put("module.decoder.decoder5.transp_conv.conv.weight", manager.zeros(new Shape(2)));
            checkpoint.put("module.rep_template", manager.zeros(new Shape(2)));
            StateDictImport.Report report = StateDictImport.builder().optSelectPrefix("encoder.").build()
                    .load(ReferenceNames.encoder(b), checkpoint, "ckpt");
            assertTrue(report.missing().isEmpty() && report.unexpected().isEmpty(), report.toString());
            StateDictImport plain = StateDictImport.builder().build();
            assertEquals("norm.weight", plain.normalise("module.uniformer.norm.weight"));
            assertEquals("encoder.norm.weight", plain.normalise("module.encoder.uniformer.norm.weight"));
            assertEquals("encoder.uniformerx.w", plain.normalise("encoder.uniformerx.w"));
            NDArray x = manager.randomNormal(new Shape(1, 1, 16, 16, 16));
            assertEquals(0f, Fixtures.maxAbs(run(manager, a, x), run(manager, b, x)));
        }
    }

    @Test
    void strictLoadNamesTheProblemAndChangesNothing() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UniFormer3d a = tiny(manager, 1);
            UniFormer3d b = tiny(manager, 1);
            Map<String, NDArray> state = StateDictImport.export(ReferenceNames.encoder(a), manager);
            state.remove("blocks3.1.attn.qkv.bias");
            state.put("head.weight", manager.zeros(new Shape(2)));
            NDArray before = ReferenceNames.param(b.getNorm(), "gamma").getArray().duplicate();
            NDArray x = manager.randomNormal(new Shape(1, 1, 16, 16, 16));
            NDArray outBefore = run(manager, b, x);
            MedvpException e = assertThrows(MedvpException.class,
                    () -> StateDictImport.builder().build().load(ReferenceNames.encoder(b), state, "bad.safetensors"));
            assertTrue(e.getMessage().contains("bad.safetensors") && e.getMessage().contains("blocks3.1.attn.qkv.bias")
                    && e.getMessage().contains("head.weight"), e.getMessage());
            assertEquals(0f, Fixtures.maxAbs(before, ReferenceNames.param(b.getNorm(), "gamma").getArray()));
            assertEquals(0f, Fixtures.maxAbs(outBefore, run(manager, b, x)));
        }
    }

    @Test
    void nonStrictFineTuningDropsTheFirstConvOnChannelMismatch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UniFormer3d pretrained = tiny(manager, 1);
            UniFormer3d fineTune = tiny(manager, 4);
            Map<String, NDArray> state = StateDictImport.export(ReferenceNames.encoder(pretrained), manager);
            assertThrows(MedvpException.class,
                    () -> StateDictImport.builder().build().load(ReferenceNames.encoder(fineTune), state, "c1"));
            StateDictImport.Report report = StateDictImport.builder().optStrict(false).build()
                    .load(ReferenceNames.encoder(fineTune), state, "c1");
            assertEquals(List.of("patch_embed1.proj.weight"), report.skipped());
            assertEquals(state.size() - 1, report.loaded().size());
            // As the reference does it: exclude the whole first convolution explicitly.
            StateDictImport.Report excluded = StateDictImport.builder()
                    .optExclude(name -> name.startsWith("patch_embed1.proj.")).build()
                    .load(ReferenceNames.encoder(fineTune), state, "c1");
            assertEquals(List.of("patch_embed1.proj.weight", "patch_embed1.proj.bias"), excluded.skipped());
            assertEquals(0f, Fixtures.maxAbs(ReferenceNames.param(pretrained.getNorm(), "runningVar").getArray(),
                    ReferenceNames.param(fineTune.getNorm(), "runningVar").getArray()));
        }
    }

    @Test
    void exportReproducesTheFixtureCheckpoint() throws Exception {
        Path dir = Fixtures.parity("uniformer-tiny-c4");
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = Fixtures.safetensors(manager, dir.resolve("weights.safetensors"));
            UniFormer3d encoder = tiny(manager, 4);
            StateDictImport.builder().build().load(ReferenceNames.encoder(encoder), weights, "fixture");
            Map<String, NDArray> exported = StateDictImport.export(ReferenceNames.encoder(encoder), manager);
            assertEquals(weights.keySet(), exported.keySet());
            for (String key : weights.keySet()) {
                assertEquals(weights.get(key).getShape(), exported.get(key).getShape(), key);
                assertEquals(0f, Fixtures.maxAbs(weights.get(key), exported.get(key)), key);
            }
        }
    }
}
