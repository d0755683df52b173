package io.github.medvp.pretrain.brainmvp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.nn.UniFormerPreset;
import io.github.medvp.train.StepUploads;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BrainMVP pre-training step uploads no Java number to the device (see {@link StepUploads}): step 2 with the
 * cross-modal views, the template crops and the contrastive term all on from epoch 0.
 */
class BrainMvpUploadsTest {

    @Test
    void stepTwoUploadsNothing(@TempDir Path tmp) throws Exception {
        List<Study> studies = BrainMvpPretrainingTest.studies(tmp, 4);
        BrainMvpSettings s = BrainMvpSettings.builder().run(tmp.resolve("run")).preset(UniFormerPreset.TINY)
                .epochs(1).batch(2, 1).geometry(32, 48, 48, 48).phases(-1, 0).workers(1).device("cpu").seed(11)
                .logEvery(1).build();
        try (StepUploads counter = new StepUploads()) {
            new BrainMvpPretraining(s, studies).run(counter.progress(Progress.NONE));
            assertTrue(counter.steps() >= 2, counter.steps() + " steps");
            assertEquals(List.of(), counter.uploads(), "tensors made from Java data in step 2");
        }
    }
}
