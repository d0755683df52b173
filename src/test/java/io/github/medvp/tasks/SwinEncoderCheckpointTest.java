package io.github.medvp.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.SettingsException;
import io.github.medvp.engine.Engines;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.Safetensors;
import io.github.medvp.nn.EncoderAxes;
import io.github.medvp.nn.EncoderPreset;
import io.github.medvp.nn.ReferenceNames;
import io.github.medvp.nn.StateDictImport;
import io.github.medvp.nn.swin.Swin3d;
import io.github.medvp.nn.swin.SwinPreset;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.NamedParameters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Swin encoders read from every kind of checkpoint the tasks accept: MONAI and MG-3D reference state dicts under
 * their prefixes and wrappers, an MG-3D pre-training run's checkpoint; sized from the stem's width, the axis order
 * from the origin, and incomplete or foreign key sets refused in one line.
 */
class SwinEncoderCheckpointTest {

    @TempDir
    static Path dir;
    private static Map<String, HostTensor> reference;

    @BeforeAll
    static void exportReference() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            Swin3d swin = SwinPreset.TINY.encoder().optInChannels(2).build();
            swin.initialize(m, DataType.FLOAT32, new Shape(1, 2, 32, 32, 32));
            reference = new LinkedHashMap<>();
            StateDictImport.export(ReferenceNames.swin(swin), m).forEach((k, v) -> reference.put(k,
                    HostArrays.toHost(v)));
        }
    }

    private static Path write(String name, String prefix, Map<String, HostTensor> extra) throws IOException {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        reference.forEach((k, v) -> t.put(prefix + k, v));
        t.putAll(extra);
        Path file = dir.resolve(name);
        Safetensors.write(file, t, Map.of());
        return file;
    }

    /** The features of the encoder loaded from {@code file} on a fixed input, as (N, C, X, Y, Z). */
    private static float[] features(Path file, NDManager m, int stage) throws IOException {
        TaskEncoder e = EncoderCheckpoint.load(file, m);
        NDArray x = m.arange(2 * 64 * 32 * 32).toType(DataType.FLOAT32, false).reshape(1, 2, 64, 32, 32).div(1e5);
        return e.features(new ParameterStore(m, false), x, false).get(stage).toFloatArray();
    }

    @ParameterizedTest
    @CsvSource({"swinViT., XYZ, MONAI SwinUNETR weights (swinViT.)",
        "module.swinViT., XYZ, MONAI SwinUNETR weights (swinViT.)",
        "model.module.backbone., XYZ, Swin state dict",
        "vision_encoder., ZYX, MG-3D Swin weights (vision_encoder.)",
        "module.vision_encoder., ZYX, MG-3D Swin weights (vision_encoder.)"})
    void referenceSwinsAreRecognisedUnderTheirPrefixes(String prefix, EncoderAxes axes, String origin)
            throws Exception {
        // A whole SwinUNETR or MG-3D model also holds other modules: not the encoder's, so not unexpected (a bare
        // state dict is all encoder: there, any other key is).
        String outer = prefix.replace("swinViT.", "").replace("vision_encoder.", "");
        Path file = write("ref.safetensors", prefix, outer.equals(prefix) ? Map.of() : Map.of(outer
                + "encoder1.layer.conv1.conv.weight", reference.get("patch_embed.proj.weight")));
        EncoderCheckpoint.Description d = EncoderCheckpoint.describe(file);
        assertEquals(EncoderPreset.SWIN_TINY, d.preset());
        assertEquals(axes, d.axes());
        assertEquals(2, d.inChannels());
        assertEquals(origin, d.origin());
        try (NDManager m = NDManager.newBaseManager()) {
            TaskEncoder e = EncoderCheckpoint.load(file, m);
            assertEquals(axes, e.axes());
            // Every tensor arrived: the exported state dict of the loaded encoder is the file's.
            StateDictImport.export(ReferenceNames.swin((Swin3d) e.block()), m).forEach((k, v) ->
                    assertArrayEquals(reference.get(k).toFloatArray(), v.toFloatArray(), k));
        }
    }

    @Test
    void mg3dWeightsComputeInTheTransposedOrderAndGiveTaskOrderFeatures() throws Exception {
        Path monai = write("monai.safetensors", "swinViT.", Map.of());
        Path mg3d = write("mg3d.safetensors", "vision_encoder.", Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            TaskEncoder e = EncoderCheckpoint.load(mg3d, m);
            NDArray x = m.randomUniform(0, 1, new Shape(1, 2, 64, 32, 32));
            ParameterStore ps = new ParameterStore(m, false);
            NDList f = e.features(ps, x, false);
            assertEquals(new Shape(1, 12, 32, 16, 16), f.get(0).getShape());
            assertEquals(new Shape(1, 192, 2, 1, 1), f.get(4).getShape());
            // The same weights in MONAI's order, fed the transposed volume, give the transposed features.
            NDList direct = EncoderCheckpoint.load(monai, m).features(ps, x.transpose(0, 1, 4, 3, 2), false);
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(direct.get(i).transpose(0, 1, 4, 3, 2).toFloatArray(), f.get(i).toFloatArray(),
                        1e-5f, "x" + i);
            }
            assertEquals(e.featureShapes(x.getShape())[2], f.get(2).getShape());
        }
    }

    @Test
    void encoderAxesSetsTheOrderOfBareKeysAndCannotContradictARecordedOne() throws Exception {
        Path bare = write("bare.safetensors", "", Map.of());
        Path mg3d = write("mg3d-prefixed.safetensors", "vision_encoder.", Map.of());
        assertEquals(EncoderAxes.XYZ, EncoderCheckpoint.describe(bare).axes());
        assertEquals(EncoderAxes.ZYX, EncoderCheckpoint.describe(bare, EncoderAxes.ZYX).axes());
        try (NDManager m = NDManager.newBaseManager()) {
            // MG-3D weights renamed to bare keys compute what they computed under vision_encoder. once told zyx.
            NDArray x = m.randomUniform(0, 1, new Shape(1, 2, 64, 32, 32));
            ParameterStore ps = new ParameterStore(m, false);
            NDList want = EncoderCheckpoint.load(mg3d, m).features(ps, x, false);
            TaskEncoder told = EncoderCheckpoint.load(bare, m, EncoderAxes.ZYX);
            assertEquals(EncoderAxes.ZYX, told.axes());
            NDList got = told.features(ps, x, false);
            NDList untold = EncoderCheckpoint.load(bare, m).features(ps, x, false);
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(want.get(i).toFloatArray(), got.get(i).toFloatArray(), 1e-6f, "x" + i);
            }
            assertTrue(want.get(4).sub(untold.get(4)).abs().max().getFloat() > 1e-3f,
                    "the order must change the features, or this test shows nothing");
            SettingsException e = assertThrows(SettingsException.class,
                    () -> EncoderCheckpoint.load(mg3d, m, EncoderAxes.XYZ));
            assertEquals("setting 'encoder_axes': xyz is not allowed; use auto or zyx (" + mg3d + ", MG-3D Swin weights "
                    + "(vision_encoder.), holds a swin-tiny encoder in zyx order)", e.getMessage());
        }
        assertEquals(EncoderAxes.ZYX, EncoderCheckpoint.describe(mg3d, EncoderAxes.ZYX).axes());
    }

    @Test
    void aCheckpointIsReadOnceForDescribeAndLoadAndAgainWhenRewritten() throws Exception {
        Path file = write("swinunetr.safetensors", "swinViT.", Map.of());
        Map<String, HostTensor> first = EncoderCheckpoint.swinUnetrTensors(file);
        EncoderCheckpoint.describe(file);
        assertTrue(first == EncoderCheckpoint.swinUnetrTensors(file), "the same read serves every question");
        Map<String, HostTensor> more = new LinkedHashMap<>();
        reference.forEach((k, v) -> more.put("swinViT." + k, v));
        more.put("out.conv.conv.weight", HostTensor.ofFloats(new long[] {2, 12, 1, 1, 1}, new float[24]));
        Safetensors.write(file, more, Map.of());
        Map<String, HostTensor> again = EncoderCheckpoint.swinUnetrTensors(file);
        assertTrue(again != first && again.containsKey("out.conv.conv.weight"), "a rewritten file is read anew");
    }

    @Test
    void missingAndUnexpectedKeysAreListedInOneLine() throws Exception {
        Map<String, HostTensor> partial = new LinkedHashMap<>();
        reference.forEach((k, v) -> {
            if (!k.startsWith("layers4.0.blocks.1.mlp")) {
                partial.put("swinViT." + k, v);
            }
        });
        partial.put("swinViT.layers4.0.blocks.1.mlp.fc9.weight", reference.get("patch_embed.proj.weight"));
        Path file = dir.resolve("partial.safetensors");
        Safetensors.write(file, partial, Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            MedvpException e = assertThrows(MedvpException.class, () -> EncoderCheckpoint.load(file, m));
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertTrue(e.getMessage().contains("missing 4 [layers4.0.blocks.1.mlp.linear1.weight"), e.getMessage());
            assertTrue(e.getMessage().contains("unexpected 1 [layers4.0.blocks.1.mlp.fc9.weight]"), e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource({"48, SWIN_B", "96, SWIN_L"})
    void theSizeComesFromThePatchEmbeddingWidth(int width, EncoderPreset preset) throws Exception {
        Path file = dir.resolve("stem" + width + ".safetensors");
        Safetensors.write(file, Map.of("patch_embed.proj.weight", HostTensor.ofFloats(
                new long[] {width, 1, 2, 2, 2}, new float[width * 8])), Map.of());
        assertEquals(preset, EncoderCheckpoint.describe(file).preset());
    }

    @Test
    void anUnknownWidthOrDepthIsRefusedNamingIt() throws Exception {
        Path file = dir.resolve("stem20.safetensors");
        Safetensors.write(file, Map.of("patch_embed.proj.weight", HostTensor.ofFloats(
                new long[] {20, 1, 2, 2, 2}, new float[20 * 8])), Map.of());
        MedvpException e = assertThrows(MedvpException.class, () -> EncoderCheckpoint.describe(file));
        assertTrue(e.getMessage().contains("stem width 20 is no known size: 12 (tiny), 48 (Swin-B) or 96"),
                e.getMessage());
        Map<String, HostTensor> deeper = new LinkedHashMap<>(reference);
        reference.forEach((k, v) -> {
            if (k.startsWith("layers2.0.blocks.1.")) {
                deeper.put(k.replace("blocks.1.", "blocks.2."), v);
            }
        });
        Path deep = dir.resolve("deep.safetensors");
        Safetensors.write(deep, deeper, Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            e = assertThrows(MedvpException.class, () -> EncoderCheckpoint.load(deep, m));
            assertTrue(e.getMessage().contains("depths [2, 3, 2, 2]"), e.getMessage());
        }
    }

    @Test
    void anMg3dRunCheckpointGivesItsVisionEncoderInTheTransposedOrder() throws Exception {
        Path file = dir.resolve("mg3d-run.safetensors");
        float[] expected;
        try (NDManager m = NDManager.newBaseManager()) {
            Swin3d swin = SwinPreset.TINY.encoder().build();
            swin.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
            JsonObject h = new JsonObject();
            h.addProperty("method", "mg3d");
            JsonObject config = new JsonObject();
            config.addProperty("preset", "tiny");
            h.add("mg3d", config);
            Checkpoints.write(file, Checkpoints.capture(h, NamedParameters.builder().addBlock("vision_encoder.",
                    swin).build(), null));
            NDArray x = m.arange(64 * 32 * 32).toType(DataType.FLOAT32, false).reshape(1, 1, 64, 32, 32).div(1e5);
            expected = swin.forward(new ParameterStore(m, false), new NDList(x.transpose(0, 1, 4, 3, 2)), false)
                    .get(3).transpose(0, 1, 4, 3, 2).toFloatArray();
        }
        EncoderCheckpoint.Description d = EncoderCheckpoint.describe(file);
        assertEquals(EncoderPreset.SWIN_TINY, d.preset());
        assertEquals(EncoderAxes.ZYX, d.axes());
        assertEquals("MG-3D pre-training checkpoint", d.origin());
        try (NDManager m = NDManager.newBaseManager()) {
            TaskEncoder e = EncoderCheckpoint.load(file, m);
            NDArray x = m.arange(64 * 32 * 32).toType(DataType.FLOAT32, false).reshape(1, 1, 64, 32, 32).div(1e5);
            assertArrayEquals(expected, e.features(new ParameterStore(m, false), x, false).get(3).toFloatArray(),
                    1e-6f);
        }
    }
}
