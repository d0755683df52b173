package io.github.medvp.tasks;

import io.github.medvp.TestProgress;

import io.github.medvp.tasks.segmentation.LabelSpec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.engine.Engines;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.io.HostTensor;
import io.github.medvp.nn.ReconstructionDecoder;
import io.github.medvp.nn.UniFormer3d;
import io.github.medvp.train.Checkpoint;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.NamedParameters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fine-tuned model format: round trips, clear errors on mismatches, encoder initialisation. */
public class TaskModelTest {

    private static final int[] GRID = {36, 34, 33};

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    public static TaskSpec segSpec(List<Modality> mods, int[] grid) {
        return new TaskSpec(TaskSpec.Task.SEGMENTATION, "tiny", mods, LabelSpec.brats2023(), List.of(), 32, grid);
    }

    private static float[] predict(TaskModel m, NDManager manager) {
        NDArray x = manager.randomUniform(0, 1, new Shape(1, m.spec().inChannels(), 32, 32, 32));
        x = manager.create(new float[(int) x.size()], x.getShape()).add(x); // a plain copy, same values each call
        return m.forward(new ParameterStore(manager, false), x, false).main().toFloatArray();
    }

    @Test
    void segmentationRoundTripGivesIdenticalOutputs() throws IOException {
        TaskSpec spec = segSpec(List.of(Modality.T1, Modality.FLAIR), GRID);
        Path file = dir.resolve("seg.safetensors");
        float[] before;
        float[] templateBefore;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            m.getEngine().setRandomSeed(3);
            TaskModel model = TaskModel.create(spec, m);
            model.setTemplates(HostArrays.toHost(m.randomUniform(0, 1, new Shape(2, 36, 34, 33))));
            templateBefore = model.template(Modality.FLAIR).toFloatArray();
            m.getEngine().setRandomSeed(7);
            before = predict(model, m);
            model.save(file, null);
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TaskModel loaded = TaskModel.load(file, m);
            assertEquals(spec, loaded.spec());
            assertEquals(3, loaded.spec().outChannels());
            m.getEngine().setRandomSeed(7);
            assertArrayEquals(before, predict(loaded, m));
            assertArrayEquals(templateBefore, loaded.template(Modality.FLAIR).toFloatArray());
            // Templates are kept in the checkpoint but are not trained.
            assertFalse(loaded.parameters().get("templates.templates").trainable());
        }
    }

    @Test
    void classificationRoundTrip() throws IOException {
        TaskSpec spec = new TaskSpec(TaskSpec.Task.CLASSIFICATION, "tiny", List.of(Modality.T1), null,
                List.of("NC", "MCI", "AD"), 32, null);
        Path file = dir.resolve("cls.safetensors");
        float[] before;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TaskModel model = TaskModel.create(spec, m);
            m.getEngine().setRandomSeed(1);
            before = predict(model, m);
            assertEquals(3, before.length);
            model.save(file, null);
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TaskModel loaded = TaskModel.load(file, m);
            assertEquals(List.of("NC", "MCI", "AD"), loaded.spec().classes());
            assertFalse(loaded.hasTemplates());
            m.getEngine().setRandomSeed(1);
            assertArrayEquals(before, predict(loaded, m));
        }
    }

    @Test
    void shapeMismatchIsAOneLineErrorNamingTheTensor() throws IOException {
        Path file = dir.resolve("seg.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TaskModel.create(segSpec(List.of(Modality.T1, Modality.FLAIR), null), m).save(file, null);
        }
        // The same tensors under a header that claims three modalities.
        Checkpoint ck = Checkpoints.read(file);
        JsonObject h = ck.header().deepCopy();
        JsonArray mods = new JsonArray();
        List.of("t1", "t2", "flair").forEach(mods::add);
        h.add("modalities", mods);
        Path bad = dir.resolve("bad.safetensors");
        Checkpoints.write(bad, new Checkpoint(h, ck.tensors()));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            MedvpException e = assertThrows(MedvpException.class, () -> TaskModel.load(bad, m));
            assertTrue(e.getMessage().contains("patch_embed1") && e.getMessage().contains("shape"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void aPretrainingCheckpointIsNotAFineTunedModel() throws IOException {
        Path file = dir.resolve("pre.safetensors");
        JsonObject h = new JsonObject();
        h.addProperty("method", "brainmvp");
        h.addProperty("step", 10);
        Checkpoints.write(file, new Checkpoint(h, Map.of()));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            MedvpException e = assertThrows(MedvpException.class, () -> TaskModel.load(file, m));
            assertTrue(e.getMessage().contains("not a fine-tuned"), e.getMessage());
        }
    }

    /**
     * A BrainMVP-style checkpoint: a one-channel tiny encoder under {@code model.encoder.} and 8 templates whose
     * rows are ramps with distinct ranges.
     */
    public static Path pretrainingCheckpoint(Path file, NDManager m, int[] grid) throws IOException {
        UniFormer3d enc = TaskModel.encoderPreset("tiny").optInChannels(1).build();
        enc.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
        Map<String, HostTensor> tensors = new LinkedHashMap<>(NamedParameters.builder().addBlock("encoder.", enc)
                .build().toHost(Checkpoint.MODEL, Checkpoint.EXTRA));
        int n = grid[0] * grid[1] * grid[2];
        float[] t = new float[8 * n];
        for (int r = 0; r < 8; r++) {
            for (int i = 0; i < n; i++) {
                t[r * n + i] = (r + 1) * 3f * i / n - r;
            }
        }
        tensors.put(Checkpoint.MODEL + "rep_template", HostTensor.ofFloats(new long[] {8, grid[0], grid[1], grid[2]},
                t));
        JsonObject h = new JsonObject();
        h.addProperty("method", "brainmvp");
        h.addProperty("preset", "tiny");
        h.addProperty("step", 5);
        Checkpoints.write(file, new Checkpoint(h, tensors));
        return file;
    }

    @Test
    void encoderInitCopiesAllButTheFirstConvolutionAndNormalisesTemplates() throws IOException {
        Path ck = dir.resolve("pre.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            pretrainingCheckpoint(ck, m, GRID);
            assertArrayEquals(GRID, EncoderInit.templateGrid(ck));
            TaskModel model = TaskModel.create(segSpec(List.of(Modality.T2, Modality.FLAIR), GRID), m);
            NamedParameters params = model.parameters();
            String conv = params.entries().stream().map(NamedParameters.Entry::name)
                    .filter(n -> n.contains("patch_embed1") && params.get(n).array().getShape().dimension() == 5)
                    .findFirst().orElseThrow();
            float[] freshConv = params.get(conv).array().toFloatArray();
            TestProgress.Logged progress = new TestProgress.Logged();
            EncoderInit.Report r = EncoderInit.apply(model, ck, progress);
            assertTrue(r.reinitialised().contains(conv.substring(TaskModel.ENCODER.length())), r.toString());
            assertTrue(r.templates());
            assertTrue(progress.lines.stream().anyMatch(l -> l.contains("re-initialised")), progress.lines
                    .toString());
            assertArrayEquals(freshConv, params.get(conv).array().toFloatArray());
            Map<String, HostTensor> saved = Checkpoints.read(ck).section(Checkpoint.MODEL);
            int compared = 0;
            for (NamedParameters.Entry e : params.entries()) {
                if (e.name().startsWith(TaskModel.ENCODER) && !r.reinitialised().contains(e.name()
                        .substring(TaskModel.ENCODER.length()))) {
                    assertArrayEquals(saved.get(e.name()).toFloatArray(), e.array().toFloatArray(), e.name());
                    compared++;
                }
            }
            assertEquals(r.copied(), compared);
            // Row t2 (template index 3) is 12·i/n − 3, normalised to i/(n−1) up to rounding; flair (0) likewise.
            int n = GRID[0] * GRID[1] * GRID[2];
            float[] t2 = model.template(Modality.T2).toFloatArray();
            float[] flair = model.template(Modality.FLAIR).toFloatArray();
            for (int i : new int[] {0, 1, n / 2, n - 1}) {
                assertEquals(i / (double) (n - 1), t2[i], 1e-5);
                assertEquals(i / (double) (n - 1), flair[i], 1e-5);
            }
        }
    }

    @Test
    void inflatedFirstConvolutionSpreadsThePretrainedKernelOverTheChannels() throws IOException {
        Path ck = dir.resolve("pre.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            pretrainingCheckpoint(ck, m, GRID);
            List<Modality> mods = List.of(Modality.T2, Modality.FLAIR, Modality.T1);
            TaskModel model = TaskModel.create(segSpec(mods, GRID), m);
            NamedParameters params = model.parameters();
            String conv = params.entries().stream().map(NamedParameters.Entry::name)
                    .filter(n -> n.contains("patch_embed1") && params.get(n).array().getShape().dimension() == 5)
                    .findFirst().orElseThrow();
            TestProgress.Logged progress = new TestProgress.Logged();
            EncoderInit.Report r = EncoderInit.apply(model, ck, EncoderInit.FirstConv.INFLATE, progress);
            assertEquals(List.of(conv.substring(TaskModel.ENCODER.length())), r.inflated());
            assertTrue(r.reinitialised().isEmpty(), r.toString());
            assertTrue(progress.lines.stream().anyMatch(l -> l.contains("inflated")), progress.lines.toString());
            // Pre-trained kernel (O, 1, k, k, k); the model's is (O, 3, k, k, k) with every channel = kernel / 3.
            float[] pre = Checkpoints.read(ck).section(Checkpoint.MODEL).get(conv).toFloatArray();
            float[] got = params.get(conv).array().toFloatArray();
            long[] shape = params.get(conv).array().getShape().getShape();
            int k = (int) (shape[2] * shape[3] * shape[4]);
            assertEquals(pre.length * mods.size(), got.length);
            for (int o = 0; o < shape[0]; o++) {
                for (int c = 0; c < mods.size(); c++) {
                    for (int i = 0; i < k; i++) {
                        assertEquals(pre[o * k + i] / 3, got[(o * mods.size() + c) * k + i], 1e-7, conv);
                    }
                }
            }
        }
        assertThrows(MedvpException.class, () -> io.github.medvp.train.Settings.choice("first_conv",
                EncoderInit.FirstConv.class, "copy"));
        assertEquals(EncoderInit.FirstConv.INFLATE, io.github.medvp.train.Settings.choice("first_conv",
                EncoderInit.FirstConv.class, " Inflate"));
    }

    @Test
    void segmentationDecoderTakesThePretrainedTransposedConvolutions() throws IOException {
        Path ck = dir.resolve("pre.safetensors");
        Path encoderOnly = dir.resolve("encoder-only.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            pretrainingCheckpoint(encoderOnly, m, GRID);
            Checkpoint base = Checkpoints.read(encoderOnly);
            UniFormer3d enc = TaskModel.encoderPreset("tiny").build();
            ReconstructionDecoder dec = ReconstructionDecoder.builder().optWidths(enc.getWidths()).build();
            dec.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, enc.getWidths()[3], 2, 2, 2));
            Map<String, HostTensor> tensors = new LinkedHashMap<>(base.tensors());
            tensors.putAll(NamedParameters.builder().addBlock("decoder.", dec).build().toHost(Checkpoint.MODEL,
                    Checkpoint.EXTRA));
            Checkpoints.write(ck, new Checkpoint(base.header(), tensors));

            TaskModel model = TaskModel.create(segSpec(List.of(Modality.T1, Modality.T2), GRID), m);
            EncoderInit.Report r = EncoderInit.apply(model, ck, Progress.NONE);
            assertEquals(4, r.upsampling().size(), r.toString());
            Map<String, HostTensor> saved = Checkpoints.read(ck).section(Checkpoint.MODEL);
            for (int level = 5; level >= 2; level--) {
                String from = "decoder.0" + (6 - level) + "decoder" + level + "_weight";
                String to = r.upsampling().get(5 - level);
                assertTrue(to.contains("decoder" + level + "_"), to);
                assertArrayEquals(saved.get(from).toFloatArray(), model.parameters().get(to).array().toFloatArray(),
                        to);
            }
            // Without a pre-training decoder (or for a classifier) the decoder keeps its initialisation.
            TaskModel plain = TaskModel.create(segSpec(List.of(Modality.T1, Modality.T2), GRID), m);
            assertTrue(EncoderInit.apply(plain, encoderOnly, Progress.NONE).upsampling().isEmpty());
        }
    }

    @Test
    void encoderOfAnotherPresetIsRefused() throws IOException {
        Path ck = dir.resolve("pre.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            pretrainingCheckpoint(ck, m, GRID);
            TaskModel model = TaskModel.create(new TaskSpec(TaskSpec.Task.SEGMENTATION, "small",
                    List.of(Modality.T1), LabelSpec.binary(), List.of(), 32, null), m);
            MedvpException e = assertThrows(MedvpException.class, () -> EncoderInit.apply(model, ck,
                    Progress.NONE));
            assertTrue(e.getMessage().contains("preset"), e.getMessage());
        }
    }

    @Test
    void headerHoldsTheDescription() {
        JsonObject h = segSpec(List.of(Modality.T1C, Modality.FLAIR), GRID).toJson();
        assertEquals("finetune", h.get("method").getAsString());
        assertEquals("segmentation", h.get("task").getAsString());
        assertEquals("[\"t1c\",\"flair\"]", h.get("modalities").toString());
        assertEquals("regions", h.getAsJsonObject("labels").get("kind").getAsString());
        assertEquals("[[3,4]]", h.getAsJsonObject("labels").get("remap").toString());
        assertTrue(h.get("templates").getAsBoolean());
    }
}
