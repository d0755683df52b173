package io.github.medvp.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.github.medvp.Progress;
import io.github.medvp.TestProgress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.manifest.Split;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.data.Pipelines;
import io.github.medvp.nn.EncoderAxes;
import io.github.medvp.nn.EncoderPreset;
import io.github.medvp.nn.swin.SwinPreset;
import io.github.medvp.pretrain.mg3d.CmlMode;
import io.github.medvp.pretrain.mg3d.Mg3dPretraining;
import io.github.medvp.pretrain.mg3d.Mg3dSettings;
import io.github.medvp.pretrain.mg3d.MimFusion;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's MG-3D transfer stage on a few generated CT volumes: the lesion task lists the first training volumes as
 * labelled and holds out the validation ones, the pre-trained arm starts from the MG-3D run's vision encoder (zyx, its HU window), the
 * scratch arm from a fresh Swin of the same size, and both are scored on the held-out volumes.
 */
class CtTransferTest {

    @Test
    void bothArmsFineTuneOnTheTrainingVolumesAndAreScoredOnTheHeldOutOnes(@TempDir Path dir) throws Exception {
        PhantomGenerator.Result data = PhantomGenerator.builder().optStudies(1).optCt(10).optCtLabelled(5)
                .optSize(40, 40, 36).optSeed(5).build().generate(dir.resolve("data"), Progress.NONE);
        Path task = data.ctFolder().resolve(PhantomGenerator.CT_CLASSIFICATION);
        StudyManifest m = StudyManifest.readJson(task, null, ModalityNames.defaults());
        List<String> training = data.ct().stream().filter(g -> g.split() == Split.TRAINING)
                .map(PhantomGenerator.Generated::id).toList();
        assertTrue(training.size() > 5, "too few training volumes drawn: " + training);
        assertEquals(training.subList(0, 5), m.training().stream().map(r -> r.id()).toList());
        assertEquals(data.ct().size() - training.size(), m.test().size());
        assertEquals(List.of(Modality.CT), m.training().get(0).modalities());
        for (PhantomGenerator.Generated g : data.ct()) {
            int want = g.findings().lesion() ? 1 : 0;
            m.all().stream().filter(s -> s.id().equals(g.id())).findFirst()
                    .ifPresent(s -> assertEquals(want, s.classLabel(), g.id()));
        }

        double[] window = {0, 80};
        Path mg3d = dir.resolve("runs").resolve("mg3d");
        new Mg3dPretraining(Mg3dSettings.builder().data(data.ctFolder().resolve(PhantomGenerator.TRAIN_REPORTS))
                .run(mg3d).preset(SwinPreset.TINY).epochs(1).batch(2).optimiser(1e-4, 5, 1e-8, 10).seed(1)
                .volumes(Mg3dSettings.VolumeModality.CT, new int[] {32, 32, 32}, Pipelines.mg3dCtSpacing(), window)
                .variant(MimFusion.CODE, CmlMode.VOLUME_REPORT, false).device("cpu").logEvery(1).build())
                .run(Progress.NONE);

        DemoSettings s = DemoSettings.builder().output(dir).size(40, 40, 36).device("cpu")
                .ctTransfer(1, 32, 6).workers(1).mg3d(true).build();
        TestProgress.Logged log = new TestProgress.Logged();
        Map<String, CtTransfer.Arm> arms = CtTransfer.run(s, task, mg3d, EncoderPreset.SWIN_TINY, window,
                dir.resolve("runs"), dir.resolve("report"), log);
        assertEquals(List.of(CtTransfer.PRETRAINED, CtTransfer.SCRATCH), List.copyOf(arms.keySet()));
        for (Map.Entry<String, CtTransfer.Arm> e : arms.entrySet()) {
            CtTransfer.Arm arm = e.getValue();
            assertEquals(m.test().size(), arm.heldOut().cases(), e.getKey());
            for (double p : arm.heldOut().trueClass()) {
                assertTrue(p >= 0 && p <= 1, e.getKey() + ": " + p);
            }
            JsonObject header = Checkpoints.read(arm.tuned().best()).header();
            JsonArray modalities = header.getAsJsonArray("modalities");
            assertEquals("ct", modalities.get(0).getAsString());
            boolean pretrained = e.getKey().equals(CtTransfer.PRETRAINED);
            assertEquals(pretrained ? EncoderAxes.ZYX.key() : EncoderAxes.XYZ.key(),
                    header.get("encoder_axes").getAsString(), e.getKey());
            assertEquals("swin", header.get("encoder").getAsString());
            JsonArray w = header.getAsJsonArray("hu_window");
            assertArrayEquals(window, new double[] {w.get(0).getAsDouble(), w.get(1).getAsDouble()});
        }
        // The pre-trained arm's encoder started from the MG-3D run's vision encoder, the scratch arm's did not.
        String logged = String.join("\n", log.lines);
        assertTrue(logged.contains("encoder initialised from " + RunFolder.lastCheckpoint(mg3d)), logged);
        assertTrue(logged.contains("encoder initialised from scratch (swin-tiny)"), logged);
        assertTrue(Files.isRegularFile(dir.resolve("report").resolve("ct-heldout-mg3d").resolve("predictions.csv")));
        String block = CtTransfer.block(arms);
        assertTrue(block.contains(CtTransfer.PRETRAINED) && block.contains(CtTransfer.SCRATCH)
                && block.contains("probability of the true class"), block);
    }
}
