package io.github.medvp.tasks;

import io.github.medvp.TestProgress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.SettingsException;
import io.github.medvp.data.manifest.Modality;
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
import io.github.medvp.nn.swin.SwinUnetrDecoder;
import io.github.medvp.tasks.inference.ModalityFill;
import io.github.medvp.tasks.segmentation.LabelSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuned models with a Swin encoder: built, run, saved and read back like UniFormer ones; the header records the
 * encoder and its axis order (old headers stay UniFormer); initialisation from Swin weights inflates the stem; the
 * encoder setting is checked against init's.
 */
class SwinTaskModelTest {

    private static final List<Modality> TWO = List.of(Modality.T1, Modality.FLAIR);

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    private static TaskSpec seg(EncoderAxes axes) {
        return new TaskSpec(TaskSpec.Task.SEGMENTATION, EncoderPreset.SWIN_TINY, axes, TWO, LabelSpec.binary(),
                List.of(), 32, null);
    }

    private static NDArray input(NDManager m, int channels) {
        return m.arange(channels * 32 * 32 * 32).toType(DataType.FLOAT32, false).reshape(1, channels, 32, 32, 32)
                .div(1e5).sin();
    }

    @Test
    void segmentationAndClassificationRunSaveAndLoad() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TaskModel model = TaskModel.create(seg(EncoderAxes.ZYX), m);
            assertEquals(1, model.trainingOutputs());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = input(m, 2);
            TaskModel.Outputs train = model.forward(ps, x, true);
            assertEquals(1, train.logits().size());
            assertEquals(new Shape(1, 1, 32, 32, 32), train.main().getShape());
            assertEquals(new Shape(1, 192, 1, 1, 1), train.features().getShape());
            float[] before = model.forward(ps, x, false).main().toFloatArray();
            // The sliding window's predictor is the same network.
            assertArrayEquals(before, model.predictor(ps).predict(x).toFloatArray(), 1e-6f);

            Path file = dir.resolve("swin-seg.safetensors");
            model.save(file, null);
            JsonObject h = model.header();
            assertEquals("swin", h.get("encoder").getAsString());
            assertEquals("tiny", h.get("preset").getAsString());
            assertEquals("zyx", h.get("encoder_axes").getAsString());
            TaskModel back = TaskModel.load(file, m);
            assertEquals(model.spec(), back.spec());
            assertArrayEquals(before, back.forward(ps, x, false).main().toFloatArray(), 1e-6f);

            TaskModel cls = TaskModel.create(new TaskSpec(TaskSpec.Task.CLASSIFICATION, EncoderPreset.SWIN_TINY,
                    EncoderAxes.XYZ, TWO, null, List.of("a", "b", "c"), 32, null), m);
            assertEquals(new Shape(1, 3), cls.forward(ps, x, true).main().getShape());
        }
    }

    @Test
    void oldHeadersAreUniFormerInTaskOrder() {
        JsonObject h = new TaskSpec(TaskSpec.Task.SEGMENTATION, "tiny", TWO, LabelSpec.binary(), List.of(), 32, null)
                .toJson();
        assertEquals("uniformer", h.get("encoder").getAsString());
        h.remove("encoder");
        h.remove("encoder_axes");
        TaskSpec old = TaskSpec.fromJson(h, "old.safetensors");
        assertEquals(EncoderPreset.UNIFORMER_TINY, old.encoder());
        assertEquals(EncoderAxes.XYZ, old.axes());
        h.addProperty("encoder", "vit");
        MedvpException e = assertThrows(MedvpException.class, () -> TaskSpec.fromJson(h, "odd.safetensors"));
        assertTrue(e.getMessage().startsWith("odd.safetensors: unknown encoder 'vit'"), e.getMessage());
    }

    @Test
    void swinModelsHaveNoTemplatesAndRefuseFillTemplates() {
        assertThrows(MedvpException.class, () -> seg(EncoderAxes.XYZ).withTemplateGrid(new int[] {8, 8, 8}));
        try (NDManager m = NDManager.newBaseManager()) {
            TaskModel model = TaskModel.create(seg(EncoderAxes.XYZ), m);
            MedvpException e = assertThrows(MedvpException.class, () -> model.filling(ModalityFill.TEMPLATES));
            assertEquals("fill=templates: a swin-tiny model has no modality templates (they come from BrainMVP "
                    + "pre-training); use fill=mean (its training means), zeros or auto", e.getMessage());
            assertEquals(ModalityFill.ZEROS, model.filling(ModalityFill.ZEROS).choice());
        }
    }

    @Test
    void encoderSettingsNameFamilyAndSize() {
        assertNull(EncoderPreset.parse("auto", "auto"));
        assertNull(EncoderPreset.parse("", null));
        assertEquals(EncoderPreset.SWIN_B, EncoderPreset.parse("swin-b", ""));
        assertEquals(EncoderPreset.SWIN_L, EncoderPreset.parse("SWIN_L", "auto"));
        assertEquals(EncoderPreset.SWIN_B, EncoderPreset.parse("swin", ""));
        assertEquals(EncoderPreset.SWIN_TINY, EncoderPreset.parse("swin", "tiny"));
        assertEquals(EncoderPreset.UNIFORMER_TINY, EncoderPreset.parse("", "tiny"));
        assertEquals(EncoderPreset.UNIFORMER_SMALL, EncoderPreset.parse("uniformer", ""));
        assertEquals(EncoderPreset.SWIN_L, EncoderPreset.parse("", "l"));
        SettingsException e = assertThrows(SettingsException.class, () -> EncoderPreset.parse("swin-b", "tiny"));
        assertEquals("setting 'preset': 'tiny' is not allowed; use b (the size of encoder=swin-b), or leave it empty",
                e.getMessage());
        e = assertThrows(SettingsException.class, () -> EncoderPreset.parse("vit", ""));
        assertTrue(e.getMessage().startsWith("setting 'encoder': 'vit' is not allowed; use one of uniformer-small, "
                + "uniformer-tiny, swin-tiny, swin-b, swin-l"), e.getMessage());
        assertThrows(SettingsException.class, () -> EncoderPreset.parse("uniformer", "b"));
    }

    /** Reference (MONAI) weights of a one-channel tiny Swin, and the stem kernel they hold. */
    private Path monaiWeights(NDManager m, float[][] stem) throws Exception {
        Swin3d swin = SwinPreset.TINY.encoder().build();
        swin.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
        Map<String, HostTensor> t = new LinkedHashMap<>();
        StateDictImport.export(ReferenceNames.swin(swin), m).forEach((k, v) -> t.put("module.swinViT." + k,
                HostArrays.toHost(v)));
        stem[0] = swin.getPatchEmbed().getParameters().get(0).getValue().getArray().toFloatArray();
        Path file = dir.resolve("monai.safetensors");
        Safetensors.write(file, t, Map.of());
        return file;
    }

    @Test
    void initFromSwinWeightsTakesTheirEncoderAndInflatesTheStem() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] stem = new float[1][];
            Path weights = monaiWeights(m, stem);
            FineTuneSettings s = FineTuneSettings.builder().data(Path.of("data")).run(Path.of("run")).init(weights)
                    .crop(32).build();
            TaskSpec spec = FineTuning.spec(TaskSpec.Task.SEGMENTATION, s, TWO, LabelSpec.binary(), List.of());
            assertEquals(EncoderPreset.SWIN_TINY, spec.encoder());
            assertEquals(EncoderAxes.XYZ, spec.axes());
            TestProgress.Logged log = new TestProgress.Logged();
            TaskModel model = FineTuning.model(spec, s, m, log);
            assertTrue(log.lines.contains("the first convolution was inflated from the pre-trained kernel: the "
                    + "checkpoint's encoder takes 1 channel(s), the model 2 ([t1, flair])"), log.lines.toString());
            // Each of the two channels holds half the pre-trained kernel: (12, 2, 2, 2, 2).
            float[] k = model.encoder().getStem().getParameters().get(0).getValue().getArray().toFloatArray();
            for (int o = 0; o < 12; o++) {
                for (int c = 0; c < 2; c++) {
                    for (int i = 0; i < 8; i++) {
                        assertEquals(stem[0][o * 8 + i] / 2, k[(o * 2 + c) * 8 + i], 1e-7f);
                    }
                }
            }
            // MONAI's keys leave the order assumed: encoder_axes=zyx makes the model compute as MG-3D's encoder.
            FineTuneSettings zyx = FineTuneSettings.builder().data(Path.of("data")).run(Path.of("run")).init(weights)
                    .encoderAxes(EncoderAxes.ZYX).crop(32).build();
            TaskSpec zyxSpec = FineTuning.spec(TaskSpec.Task.SEGMENTATION, zyx, TWO, LabelSpec.binary(), List.of());
            assertEquals(EncoderAxes.ZYX, zyxSpec.axes());
            assertEquals(EncoderAxes.ZYX, FineTuning.model(zyxSpec, zyx, m, new TestProgress.Logged()).spec().axes());
            SettingsException e = assertThrows(SettingsException.class, () -> FineTuning.spec(
                    TaskSpec.Task.SEGMENTATION, FineTuneSettings.builder().data(Path.of("data")).run(Path.of("run"))
                            .init(weights).encoder(EncoderPreset.SWIN_B).build(), TWO, LabelSpec.binary(),
                    List.of()));
            assertEquals("setting 'encoder': swin-b is not allowed; use swin-tiny (init " + weights + " holds that "
                    + "encoder), or leave encoder and preset empty to take the checkpoint's", e.getMessage());
            // Frozen, the reinitialised stem still learns and nothing else of the encoder does.
            FineTuneSettings frozen = FineTuneSettings.builder().data(Path.of("data")).run(Path.of("run"))
                    .init(weights).crop(32).encoder(1, true, EncoderInit.FirstConv.REINIT).build();
            TaskModel f = FineTuning.model(spec, frozen, m, new TestProgress.Logged());
            List<String> trainable = f.parameters().trainable().stream().map(x -> x.name())
                    .filter(n -> n.startsWith(TaskModel.ENCODER)).toList();
            assertEquals(List.of("encoder.01patch_embed_weight", "encoder.01patch_embed_bias"), trainable);
        }
    }

    @Test
    void aMonaiSwinUnetrCheckpointAlsoGivesItsDecoder() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Swin3d swin = SwinPreset.TINY.encoder().build();
            Shape in = new Shape(1, 1, 32, 32, 32);
            swin.initialize(m, DataType.FLOAT32, in);
            SwinUnetrDecoder decoder = SwinUnetrDecoder.builder().setOutChannels(3).setFeatureSize(12).build();
            Shape[] shapes = new Shape[6];
            shapes[0] = in;
            System.arraycopy(swin.getOutputShapes(new Shape[] {in}), 0, shapes, 1, 5);
            decoder.initialize(m, DataType.FLOAT32, shapes);
            Map<String, HostTensor> t = new LinkedHashMap<>();
            StateDictImport.export(ReferenceNames.swinUnetr(swin, decoder), m).forEach((k, v) -> t.put("module." + k,
                    HostArrays.toHost(v)));
            Path file = dir.resolve("swin_unetr.safetensors");
            Safetensors.write(file, t, Map.of());

            FineTuneSettings s = FineTuneSettings.builder().data(Path.of("data")).run(Path.of("run")).init(file)
                    .crop(32).build();
            TestProgress.Logged log = new TestProgress.Logged();
            TaskModel model = FineTuning.model(FineTuning.spec(TaskSpec.Task.SEGMENTATION, s, TWO,
                    LabelSpec.binary(), List.of()), s, m, log);
            Map<String, StateDictImport.Target> ours = ReferenceNames.swinUnetr((Swin3d) model.encoder(),
                    (SwinUnetrDecoder) model.head());
            // Two channels and one output: encoder1 and out stay fresh, the rest is MONAI's.
            assertArrayEquals(t.get("module.decoder3.transp_conv.conv.weight").toFloatArray(), ours.get(
                    "decoder3.transp_conv.conv.weight").parameter().getArray().toFloatArray());
            assertArrayEquals(t.get("module.encoder10.layer.conv2.conv.weight").toFloatArray(), ours.get(
                    "encoder10.layer.conv2.conv.weight").parameter().getArray().toFloatArray());
            assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("the SwinUNETR decoder's ") && l.contains(
                    "left fresh (other input channels or classes, or absent): [encoder1.layer.conv1.conv.weight, "
                            + "encoder1.layer.conv3.conv.weight, out.conv.conv.weight, out.conv.conv.bias]")),
                    log.lines.toString());
        }
    }

    @Test
    void aScratchSwinFromTheSetting() throws Exception {
        FineTuneSettings s = FineTuneSettings.builder().data(Path.of("data")).run(Path.of("run"))
                .encoder(EncoderPreset.SWIN_L).build();
        TaskSpec spec = FineTuning.spec(TaskSpec.Task.CLASSIFICATION, s, TWO, null, List.of("a", "b"));
        assertEquals(EncoderPreset.SWIN_L, spec.encoder());
        assertEquals(EncoderAxes.XYZ, spec.axes());
        assertEquals(EncoderPreset.UNIFORMER_SMALL, FineTuning.spec(TaskSpec.Task.CLASSIFICATION,
                FineTuneSettings.builder().data(Path.of("data")).run(Path.of("run")).build(), TWO, null,
                List.of("a", "b")).encoder());
    }
}
