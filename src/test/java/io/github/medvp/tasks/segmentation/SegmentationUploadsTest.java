package io.github.medvp.tasks.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.Progress;
import io.github.medvp.engine.Engines;
import io.github.medvp.tasks.Blobs;
import io.github.medvp.train.StepUploads;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A segmentation fine-tuning step uploads no Java number to the device (see {@link StepUploads}). */
class SegmentationUploadsTest {

    @Test
    void stepTwoUploadsNothing(@TempDir Path dir) throws Exception {
        Engines.pytorch();
        Path data = Blobs.write(dir.resolve("data"), 5, 32, 4);
        try (StepUploads counter = new StepUploads()) {
            SegmentationFineTuning.run(SegmentationFineTuningTest.tiny(data, dir.resolve("run")).epochs(1)
                    .validation(0.2, 100).logEvery(1).build(), counter.progress(Progress.NONE));
            assertTrue(counter.steps() >= 2, counter.steps() + " steps");
            assertEquals(List.of(), counter.uploads(), "tensors made from Java data in step 2");
        }
    }
}
