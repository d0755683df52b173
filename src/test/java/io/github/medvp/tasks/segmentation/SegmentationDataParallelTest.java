package io.github.medvp.tasks.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import io.github.medvp.Progress;
import io.github.medvp.engine.Engines;
import io.github.medvp.tasks.Blobs;
import io.github.medvp.tasks.FineTuneSettings;
import io.github.medvp.train.RunFolder;
import io.github.medvp.train.SameLosses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segmentation fine-tuning on two CPU replicas of batch 2 logs the losses of one device with batch 4: the same global
 * batch, BatchNorm over all four studies (a BatchNorm per replica would change the losses from the first step), one
 * update from the summed gradients.
 */
class SegmentationDataParallelTest {

    @TempDir
    Path dir;

    @Test
    void twoReplicasOfBatchTwoLogTheLossesOfOneDeviceWithBatchFour() throws Exception {
        Engines.pytorch();
        Path data = Blobs.write(dir.resolve("data"), 9, 32, 4);
        FineTuneSettings.Builder base = SegmentationFineTuningTest.tiny(data, dir.resolve("x")).epochs(1)
                .validation(0.12, 100).logEvery(1);
        Path one = dir.resolve("one");
        Path two = dir.resolve("two");
        SegmentationFineTuning.run(base.run(one).batch(4, 1).device("cpu").build(), Progress.NONE);
        SegmentationFineTuning.run(base.run(two).batch(2, 1).device("cpu,cpu").build(), Progress.NONE);
        double worst = SameLosses.assertSame(one, two, List.of("loss", SegmentationStep.SEG), 1e-4, 2);
        System.out.println("largest relative loss difference " + worst);
        JsonObject config = com.google.gson.JsonParser.parseString(Files.readString(two.resolve(RunFolder.CONFIG)))
                .getAsJsonObject();
        assertEquals(4, config.get("effective_batch").getAsInt());
        assertEquals(2, config.getAsJsonArray("replica_devices").size());
    }
}
