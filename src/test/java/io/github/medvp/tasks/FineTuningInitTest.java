package io.github.medvp.tasks;

import io.github.medvp.TestProgress;

import io.github.medvp.tasks.segmentation.LabelSpec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.engine.Engines;
import io.github.medvp.train.NamedParameters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The initial weights of a fine-tuning run come from its seed: two runs with the same settings start alike, so a
 * comparison of two initialisations (pre-trained versus scratch) is not also a comparison of two random heads.
 */
class FineTuningInitTest {

    private static List<float[]> initialWeights(long seed) throws IOException {
        Engines.pytorch();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            // Whatever was drawn before must not matter.
            manager.randomNormal(new ai.djl.ndarray.types.Shape(seed == 1 ? 7 : 3)).close();
            TaskModel model = FineTuning.model(new TaskSpec(TaskSpec.Task.SEGMENTATION, "tiny",
                    List.of(Modality.T1, Modality.FLAIR), LabelSpec.binary(), List.of(), 32, null),
                    FineTuneSettings.builder().data(Path.of("data")).run(Path.of("run")).seed(seed).build(), manager,
                    Progress.NONE);
            List<float[]> out = new ArrayList<>();
            for (NamedParameters.Entry e : model.parameters().entries()) {
                out.add(e.array().toFloatArray());
            }
            return out;
        }
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() throws IOException {
        List<float[]> a = initialWeights(1);
        List<float[]> b = initialWeights(1);
        List<float[]> c = initialWeights(2);
        assertEquals(a.size(), b.size());
        boolean anyDiffers = false;
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "tensor " + i);
            anyDiffers |= !Arrays.equals(a.get(i), c.get(i));
        }
        assertTrue(anyDiffers, "another seed must give other random weights");
    }

    @Test
    void initMayBeThePreTrainingRunFolder(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("pretrain");
        Engines.pytorch();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            TaskModelTest.pretrainingCheckpoint(io.github.medvp.train.RunFolder.lastCheckpoint(run), manager,
                    new int[] {40, 40, 40});
            TestProgress.Logged progress = new TestProgress.Logged();
            FineTuning.model(new TaskSpec(TaskSpec.Task.SEGMENTATION, "tiny", List.of(Modality.T1, Modality.FLAIR),
                    LabelSpec.binary(), List.of(), 32, null), FineTuneSettings.builder().data(Path.of("data"))
                    .run(Path.of("run")).init(run).build(), manager, progress);
            assertTrue(progress.lines.contains("init " + run + " is a run folder: using its "
                    + "checkpoints/last.safetensors"), progress.lines.toString());
            assertTrue(progress.lines.stream().anyMatch(l -> l.startsWith("encoder initialised from "
                    + io.github.medvp.train.RunFolder.lastCheckpoint(run))), progress.lines.toString());
        }
    }
}
