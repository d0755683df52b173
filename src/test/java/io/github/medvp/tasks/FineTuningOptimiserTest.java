package io.github.medvp.tasks;

import io.github.medvp.tasks.segmentation.LabelSpec;
import io.github.medvp.tasks.segmentation.SegmentationFineTuning;
import io.github.medvp.tasks.segmentation.SegmentationFineTuningTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.engine.Engines;
import io.github.medvp.train.Adam;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pre-trained encoder's learning-rate group. */
class FineTuningOptimiserTest {

    private static Map<String, String> groups(FineTuneSettings s) {
        Engines.pytorch();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            TaskModel model = TaskModel.create(new TaskSpec(TaskSpec.Task.SEGMENTATION, "tiny",
                    List.of(Modality.T1, Modality.FLAIR), LabelSpec.binary(), List.of(), 32, null), manager);
            try (Adam adam = FineTuning.optimiser(model.parameters(), s, model.encoder().getStemName())) {
                return adam.groupAssignment();
            }
        }
    }

    @Test
    void copiedEncoderTensorsTrainSlowerButNotAReinitialisedFirstConvolutionOrTheDecoder() {
        for (EncoderInit.FirstConv stem : EncoderInit.FirstConv.values()) {
            Map<String, String> g = groups(FineTuneSettings.builder().data(Path.of("data")).run(Path.of("run"))
                    .init(Path.of("pretrained.safetensors")).encoder(0.1, false, stem).build());
            long slow = g.values().stream().filter("pretrained_encoder"::equals).count();
            assertTrue(slow > 10, g.toString());
            g.forEach((name, group) -> {
                boolean copied = name.startsWith(TaskModel.ENCODER)
                        && (stem == EncoderInit.FirstConv.INFLATE || !name.contains("patch_embed1"));
                assertEquals(copied, group.equals("pretrained_encoder"), stem + ": " + name + " -> " + group);
            });
        }
    }

    @Test
    void withoutInitialWeightsOrAtFactorOneEverythingSharesTheRate() {
        assertTrue(groups(FineTuneSettings.builder().data(Path.of("data")).run(Path.of("run")).encoder(0.1, false,
                EncoderInit.FirstConv.INFLATE).build()).values().stream()
                .noneMatch("pretrained_encoder"::equals));
        assertTrue(groups(FineTuneSettings.builder().data(Path.of("data")).run(Path.of("run"))
                .init(Path.of("p.safetensors")).build()).values().stream()
                .noneMatch("pretrained_encoder"::equals));
    }

    @Test
    void factorOutsideZeroToOneIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) {
        MedvpException e = assertThrows(MedvpException.class, () -> SegmentationFineTuning.run(
                SegmentationFineTuningTest.tiny(dir, dir.resolve("run")).encoder(0, false,
                        EncoderInit.FirstConv.INFLATE).build(), Progress.NONE));
        assertTrue(e.getMessage().startsWith("setting 'encoder_lr'"), e.getMessage());
    }
}
