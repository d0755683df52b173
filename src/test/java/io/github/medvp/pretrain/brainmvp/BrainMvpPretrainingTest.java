package io.github.medvp.pretrain.brainmvp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.nn.UniFormerPreset;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.MetricsLog;
import io.github.medvp.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole (tiny) run from NIfTI files: pipeline, loop, run folder and template export. */
class BrainMvpPretrainingTest {

    private static final Progress QUIET = Progress.NONE;

    /** Studies of 4 modalities, 40×40×30 at 1 mm (the synthetic anatomy of {@link Synthetic}, re-laid X fastest). */
    static List<Study> studies(Path dir, int count) throws IOException {
        List<Modality> mods = List.of(Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2);
        Synthetic cube = new Synthetic(count, 40, 4, 48, 21);
        List<Study> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            List<Study.Channel> channels = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                float[] xFastest = new float[40 * 40 * 30];
                float[] src = cube.studies.get(s);
                for (int x = 0; x < 40; x++) {
                    for (int y = 0; y < 40; y++) {
                        for (int z = 0; z < 30; z++) {
                            xFastest[x + 40 * (y + 40 * z)] = src[((c * 40 + x) * 40 + y) * 40 + z + 5];
                        }
                    }
                }
                Path file = dir.resolve("s" + s + "_" + mods.get(c).token() + ".nii.gz");
                NiftiWriter.write(new Volume(ArrayImgs.floats(xFastest, 40, 40, 30), Geometry.ofSpacing(1, 1, 1)),
                        file);
                channels.add(new Study.Channel(mods.get(c).token(), mods.get(c), file));
            }
            out.add(new Study("s" + s, channels, null, null, null, "test"));
        }
        return out;
    }

    @Test
    void aTinyRunFillsTheRunFolderAndExportsTemplates(@TempDir Path tmp) throws IOException {
        BrainMvpPretraining run = new BrainMvpPretraining(BrainMvpSettings.builder().run(tmp.resolve("run"))
                .preset(UniFormerPreset.TINY).epochs(2).batch(2, 1).geometry(32, 48, 48, 48).phases(0, 1).workers(1)
                .device("cpu").logEvery(1).build(), studies(tmp, 4));
        TrainLoop.Result result = run.run(QUIET);
        assertEquals(4, result.steps()); // 2 epochs of 2 batches of 2 studies
        Map<String, double[]> metrics = MetricsLog.read(tmp.resolve("run").resolve("metrics.csv"));
        assertArrayEquals(new double[] {1, 2, 3, 4}, metrics.get("step"));
        assertEquals(0.0, metrics.get(BrainMvpStep.CL)[1], "contrastive term only from epoch 1");
        assertTrue(metrics.get(BrainMvpStep.CL)[3] > 0);
        assertEquals(4, Checkpoints.read(tmp.resolve("run").resolve("checkpoints").resolve("last.safetensors"))
                .step());
        Path templates = tmp.resolve("run").resolve("templates");
        assertEquals(9, Files.list(templates).count());
        Volume flair = NiftiReader.read(templates.resolve(TemplateNifti.fileName(Modality.FLAIR)));
        assertArrayEquals(new long[] {48, 48, 48}, flair.dimensions());
    }

    @Test
    void tooFewStudiesForOneOptimiserStepAreReported(@TempDir Path tmp) throws IOException {
        BrainMvpPretraining run = new BrainMvpPretraining(BrainMvpSettings.builder().run(tmp.resolve("run"))
                .preset(UniFormerPreset.TINY).batch(3, 2).geometry(32, 48, 48, 48).device("cpu").build(),
                studies(tmp, 2));
        MedvpException e = assertThrows(MedvpException.class, () -> run.run(QUIET));
        assertTrue(e.getMessage().contains("2 studies"), e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("run")), "a start that failed leaves no run folder");
    }

    @Test
    void aCtStudyIsRefusedInOneLine(@TempDir Path tmp) throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        for (int s = 0; s < 2; s++) {
            for (String token : new String[] {"t1", s == 1 ? "CT" : "flair"}) {
                float[] v = new float[8 * 8 * 8];
                java.util.Arrays.fill(v, 40);
                NiftiWriter.write(new Volume(ArrayImgs.floats(v, 8, 8, 8), Geometry.ofSpacing(1, 1, 1)),
                        data.resolve("s" + s + "_" + token + ".nii.gz"));
            }
        }
        BrainMvpPretraining run = new BrainMvpPretraining(BrainMvpSettings.builder().data(data)
                .run(tmp.resolve("run")).preset(UniFormerPreset.TINY).device("cpu").build());
        MedvpException e = assertThrows(MedvpException.class, () -> run.run(QUIET));
        assertTrue(e.getMessage().startsWith("study s1 has a ct channel (" + data.resolve("s1_CT.nii.gz")
                + "): BrainMVP pre-training is MRI-only"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertTrue(Files.notExists(tmp.resolve("run")), "refused before the run folder");
    }
}
