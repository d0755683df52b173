package io.github.medvp.pretrain.brainmvp;

import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.nn.UniFormerPreset;
import io.github.medvp.train.SameLosses;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BrainMVP pre-training on two CPU replicas of batch 2 logs the losses of one device with batch 4 (before the
 * per-replica contrastive term starts): the same studies, masks and templates per sample, BatchNorm over all eight
 * encoder volumes of the global micro-batch, one update from the summed gradients.
 */
class BrainMvpDataParallelTest {

    @Test
    void twoReplicasOfBatchTwoLogTheLossesOfOneDeviceWithBatchFour(@TempDir Path tmp) throws Exception {
        List<Study> studies = BrainMvpPretrainingTest.studies(tmp, 8);
        Path one = tmp.resolve("one");
        Path two = tmp.resolve("two");
        new BrainMvpPretraining(settings(one, 4, "cpu"), studies).run(Progress.NONE);
        new BrainMvpPretraining(settings(two, 2, "cpu,cpu"), studies).run(Progress.NONE);
        double worst = SameLosses.assertSame(one, two, List.of("loss", BrainMvpStep.MD, BrainMvpStep.CMR), 1e-4, 4);
        System.out.println("largest relative loss difference " + worst);
    }

    private static BrainMvpSettings settings(Path run, int batch, String device) {
        return BrainMvpSettings.builder().run(run).preset(UniFormerPreset.TINY).epochs(2).batch(batch, 1)
                .geometry(32, 48, 48, 48).phases(5, 5).workers(1).device(device).seed(11).logEvery(1).build();
    }
}
