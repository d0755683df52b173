package io.github.medvp.tasks.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.Progress;
import io.github.medvp.engine.Engines;
import io.github.medvp.tasks.Blobs;
import io.github.medvp.tasks.segmentation.SegmentationFineTuningTest;
import io.github.medvp.train.StepUploads;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A classification fine-tuning step, class-weighted, uploads no Java number to the device (StepUploads). */
class ClassificationUploadsTest {

    @Test
    void stepTwoUploadsNothing(@TempDir Path dir) throws Exception {
        Engines.pytorch();
        Path data = Blobs.write(dir.resolve("data"), 6, 32, 5, true);
        try (StepUploads counter = new StepUploads()) {
            ClassificationFineTuning.run(SegmentationFineTuningTest.tiny(data, dir.resolve("run")).epochs(1)
                    .classes(List.of("healthy", "lesion"), csv(dir, 6), new double[] {1, 2})
                    .validation(0.2, 100).logEvery(1).build(), counter.progress(Progress.NONE));
            assertTrue(counter.steps() >= 2, counter.steps() + " steps");
            assertEquals(List.of(), counter.uploads(), "tensors made from Java data in step 2");
        }
    }

    private static Path csv(Path dir, int count) throws java.io.IOException {
        StringBuilder sb = new StringBuilder("case,class\n");
        for (int i = 0; i < count; i++) {
            sb.append(String.format("case%02d,%s%n", i, i % 2 == 0 ? "lesion" : "healthy"));
        }
        return java.nio.file.Files.writeString(dir.resolve("classes.csv"), sb);
    }
}
