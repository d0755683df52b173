package io.github.medvp.tasks.segmentation;

import io.github.medvp.TestProgress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.engine.Engines;
import io.github.medvp.train.RunFolder;
import io.github.medvp.tasks.TaskModel;
import io.github.medvp.tasks.TaskModelTest;
import io.github.medvp.tasks.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segmentation whose first study fails leaves no output folder behind, as every command's output; a fine-tuning
 * run folder given as the model gives its best checkpoint.
 */
class SegmentationOutputFolderTest {

    @TempDir
    Path dir;

    private static void model(Path file) throws Exception {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TaskModel.create(new TaskSpec(TaskSpec.Task.SEGMENTATION, "tiny", List.of(Modality.T1),
                    LabelSpec.binary(), List.of(), 32, null), m).save(file, null);
        }
    }

    @Test
    void aFailureBeforeTheFirstPredictionLeavesNoOutputFolder() throws Exception {
        Path model = dir.resolve("model.safetensors");
        model(model);
        Path studies = Files.createDirectories(dir.resolve("studies"));
        Files.writeString(studies.resolve("case1_t1.nii.gz"), "not a NIfTI file");
        Path out = dir.resolve("predictions").resolve("run1");
        try (Segmentation seg = new Segmentation(SegmentSettings.of(model, "cpu"))) {
            assertThrows(RuntimeException.class, () -> seg.run(studies, List.of(), null, out, Progress.NONE));
        }
        assertTrue(Files.notExists(dir.resolve("predictions")), "the output folder of no prediction was left");
    }

    @Test
    void aRunFolderAsTheModelGivesItsBestCheckpoint() throws Exception {
        Path run = dir.resolve("runs").resolve("seg");
        model(RunFolder.bestCheckpoint(run));
        TestProgress.Logged log = new TestProgress.Logged();
        try (Segmentation seg = new Segmentation(SegmentSettings.of(run, "cpu"), log)) {
            assertEquals(List.of(Modality.T1), seg.model().spec().modalities());
        }
        assertEquals(List.of("model " + run + " is a run folder: using its checkpoints/best.safetensors"), log.lines);
    }
}
