package io.github.medvp.tasks;

import io.github.medvp.TestProgress;

import io.github.medvp.tasks.classification.ClassificationFineTuning;
import io.github.medvp.tasks.segmentation.LabelSpec;
import io.github.medvp.tasks.segmentation.SegmentationFineTuning;
import io.github.medvp.tasks.segmentation.SegmentationFineTuningTest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.engine.Engines;
import io.github.medvp.io.HostTensor;
import io.github.medvp.train.Checkpoint;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.NamedParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code freeze_encoder}: the decoder or head learns on a fixed encoder, the test of what pre-trained features are
 * worth. Checked on the weights a run leaves, not on flags: a frozen tensor must come out bit for bit as it went in.
 */
class FrozenEncoderTest {

    @TempDir
    Path dir;

    private static final TaskSpec SEG = new TaskSpec(TaskSpec.Task.SEGMENTATION, "tiny",
            List.of(Modality.T1, Modality.FLAIR), LabelSpec.binary(), List.of(), 32, null);

    /** Settings whose data and run folder are never read: for making models only. */
    private static FineTuneSettings.Builder unused() {
        return FineTuneSettings.builder().data(Path.of("data")).run(Path.of("run"));
    }

    /** The names of the trainable tensors of a freshly made model under these settings. */
    private static Set<String> trainable(FineTuneSettings s) throws Exception {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            return FineTuning.model(SEG, s, m, Progress.NONE).parameters().trainable().stream()
                    .map(NamedParameters.Entry::name).collect(Collectors.toSet());
        }
    }

    @Test
    void freezesTheEncoderButAReinitialisedFirstConvolution() throws Exception {
        Set<String> all = trainable(unused().build());
        for (EncoderInit.FirstConv stem : EncoderInit.FirstConv.values()) {
            Set<String> left = trainable(unused()
                    .encoder(1, true, stem).build());
            for (String name : all) {
                boolean trains = !name.startsWith(TaskModel.ENCODER)
                        || stem == EncoderInit.FirstConv.REINIT && name.contains("patch_embed1");
                assertEquals(trains, left.contains(name), stem + ": " + name);
            }
            assertTrue(left.stream().anyMatch(n -> n.startsWith(TaskModel.HEAD)));
        }
        assertTrue(all.stream().filter(n -> n.startsWith(TaskModel.ENCODER)).count() > 20, all.toString());
    }

    @Test
    void aFrozenRunLeavesTheEncoderAsItStartedAndTrainsTheDecoder() throws Exception {
        Path data = Blobs.write(dir.resolve("data"), 6, 32, 5);
        Path ck = dir.resolve("pre.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TaskModelTest.pretrainingCheckpoint(ck, m, new int[] {40, 40, 40});
        }
        FineTuneSettings.Builder s = SegmentationFineTuningTest.tiny(data, dir.resolve("run")).epochs(2).init(ck)
                .templates(false, 0, 1, 0).encoder(1, true, EncoderInit.FirstConv.REINIT).validation(0.34, 2);
        Map<String, float[]> before = new LinkedHashMap<>();
        Set<String> trainable;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // The run's own starting point: same seed, same checkpoint.
            TaskModel model = FineTuning.model(SEG, s.build(), m, Progress.NONE);
            NamedParameters p = model.parameters();
            trainable = p.trainable().stream().map(NamedParameters.Entry::name).collect(Collectors.toSet());
            p.entries().forEach(e -> before.put(e.name(), e.array().toFloatArray()));
        }
        TestProgress.Logged progress = new TestProgress.Logged();
        SegmentationFineTuning.Result r = SegmentationFineTuning.run(s.build(), progress);
        assertTrue(progress.lines.stream().anyMatch(l -> l.startsWith("encoder frozen (")
                && l.endsWith("only the decoder and the re-initialised first convolution learn")),
                progress.lines.toString());
        Map<String, HostTensor> after = Checkpoints.read(r.last()).tensors();
        int frozen = 0;
        int moved = 0;
        for (Map.Entry<String, float[]> e : before.entrySet()) {
            float[] now = after.get(Checkpoint.MODEL + e.getKey()).toFloatArray();
            boolean running = e.getKey().contains("running");
            if (e.getKey().startsWith(TaskModel.ENCODER) && !trainable.contains(e.getKey()) && !running) {
                assertArrayEquals(e.getValue(), now, e.getKey() + " is frozen");
                frozen++;
            } else if (trainable.contains(e.getKey()) && !Arrays.equals(e.getValue(), now)) {
                moved++;
            }
        }
        assertTrue(frozen > 20, "frozen tensors checked: " + frozen);
        // The decoder and the re-initialised first convolution learn (a few zero-initialised biases may stay).
        assertTrue(moved > trainable.size() / 2, moved + " of " + trainable.size() + " trainable tensors moved");
        assertTrue(trainable.stream().anyMatch(n -> n.contains("patch_embed1")), trainable.toString());
        assertTrue(Files.readString(r.runFolder().resolve("config.json")).contains("\"freeze_encoder\": true"));

        // Resuming with the encoder unfrozen would hand the optimiser tensors it has no state for: refused.
        MedvpException e = assertThrows(MedvpException.class, () -> SegmentationFineTuning.run(
                SegmentationFineTuningTest.tiny(data, dir.resolve("run")).epochs(3).init(ck).templates(false, 0, 1, 0)
                        .encoder(1, false, EncoderInit.FirstConv.REINIT).validation(0.34, 2).resume(true).build(),
                Progress.NONE));
        assertTrue(e.getMessage().contains("freeze_encoder"), e.getMessage());
        // Resumed frozen, one more epoch: the optimiser state fits and the encoder still has not moved.
        SegmentationFineTuning.Result more = SegmentationFineTuning.run(s.epochs(3).resume(true).build(),
                Progress.NONE);
        assertEquals(3 * r.training().steps() / 2, more.training().steps());
        Map<String, HostTensor> resumed = Checkpoints.read(more.last()).tensors();
        for (Map.Entry<String, float[]> b : before.entrySet()) {
            if (b.getKey().startsWith(TaskModel.ENCODER) && !trainable.contains(b.getKey())
                    && !b.getKey().contains("running")) {
                assertArrayEquals(b.getValue(), resumed.get(Checkpoint.MODEL + b.getKey()).toFloatArray(), b.getKey());
            }
        }
    }

    @Test
    void linearProbingFromScratchTrainsOnlyTheHead() throws Exception {
        Path data = Blobs.write(dir.resolve("data"), 6, 32, 5, true);
        Path csv = Files.writeString(dir.resolve("classes.csv"),
                "case,class\ncase00,a\ncase01,b\ncase02,a\ncase03,b\ncase04,a\ncase05,b\n");
        FineTuneSettings.Builder s = SegmentationFineTuningTest.tiny(data, dir.resolve("run")).epochs(2)
                .classes(List.of(), csv, null)
                .validation(0.34, 2).encoder(1, true, EncoderInit.FirstConv.INFLATE);
        TestProgress.Logged progress = new TestProgress.Logged();
        ClassificationFineTuning.Result r = ClassificationFineTuning.run(s.build(), progress);
        assertTrue(progress.lines.stream().anyMatch(l -> l.contains("at its random initialisation")
                && l.endsWith("only the head learns")), progress.lines.toString());
        Map<String, HostTensor> first = Checkpoints.read(r.runFolder().resolve("checkpoints")
                .resolve("last.safetensors")).tensors();
        // Against the random initial weights of the same seed.
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TaskSpec cls = new TaskSpec(TaskSpec.Task.CLASSIFICATION, "tiny", List.of(Modality.T1, Modality.FLAIR),
                    null, List.of("a", "b"), 32, null);
            TaskModel start = FineTuning.model(cls, unused().seed(3).build(), m,
                    Progress.NONE);
            boolean headMoved = false;
            for (NamedParameters.Entry e : start.parameters().entries()) {
                float[] now = first.get(Checkpoint.MODEL + e.name()).toFloatArray();
                if (e.name().startsWith(TaskModel.ENCODER) && e.trainable()) {
                    assertArrayEquals(e.array().toFloatArray(), now, e.name() + " is frozen");
                } else if (e.name().startsWith(TaskModel.HEAD)) {
                    headMoved |= !Arrays.equals(e.array().toFloatArray(), now);
                }
            }
            assertTrue(headMoved, "the linear head must learn");
        }
    }

    @Test
    void theLogSaysWhenTheConsistencyTermCannotTrainAnything() throws Exception {
        Path ck = dir.resolve("pre.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TaskModelTest.pretrainingCheckpoint(ck, m, new int[] {40, 40, 40});
            for (EncoderInit.FirstConv stem : EncoderInit.FirstConv.values()) {
                TestProgress.Logged progress = new TestProgress.Logged();
                FineTuneSettings s = unused().init(ck).templates(true, 0.5, 1, 0.1)
                        .encoder(1, true, stem).build();
                assertTrue(FineTuning.replacement(FineTuning.model(SEG, s, m, progress), s, progress) != null);
                // With a re-initialised first convolution the term still reaches a trainable tensor.
                assertEquals(stem == EncoderInit.FirstConv.INFLATE, progress.lines.stream()
                        .anyMatch(l -> l.startsWith("note: the consistency term")), stem + ": " + progress.lines);
            }
        }
    }

    @Test
    void anEncoderLearningRateWithAFrozenEncoderIsRefused() {
        MedvpException e = assertThrows(MedvpException.class, () -> SegmentationFineTuning.run(
                SegmentationFineTuningTest.tiny(dir, dir.resolve("run"))
                        .encoder(0.1, true, EncoderInit.FirstConv.INFLATE)
                        .build(), Progress.NONE));
        assertTrue(e.getMessage().startsWith("setting 'encoder_lr': 0.1 is not allowed; use 1 with freeze_encoder"),
                e.getMessage());
    }
}
