package io.github.medvp.data;

import io.github.medvp.data.transform.CenterCropForeground;
import io.github.medvp.data.transform.Compose;
import io.github.medvp.data.transform.LabelToRegions;
import io.github.medvp.data.transform.RandomFlip;
import io.github.medvp.data.transform.LoadStudy;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.transform.PadTo;
import io.github.medvp.data.transform.RandomCrop;
import io.github.medvp.data.transform.ResampleSpacing;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.transform.TemplateOffset;
import io.github.medvp.data.transform.ToRas;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.medvp.MedvpException;

/** The references' chains end to end on NIfTI files, through the loader. */
class PipelinesTest {

    @TempDir
    Path dir;

    private static final int[] T = { 40, 40, 31 };

    /** A study on the template grid whose foreground voxels hold 1 + their template index (X fastest). */
    private Study encoded(String id, Modality... mods) throws IOException {
        float[] a = new float[T[0] * T[1] * T[2]];
        for (int z = 12; z < 19; z++) {
            for (int y = 5; y < 33; y++) {
                for (int x = 9; x < 30; x++) {
                    int i = x + T[0] * (y + T[1] * z);
                    a[i] = i + 1;
                }
            }
        }
        List<Study.Channel> ch = new ArrayList<>();
        for (Modality m : mods) {
            Path p = Fixtures.write(dir.resolve(id + "_" + m.token() + ".nii.gz"), a, T, Fixtures.oneMm());
            ch.add(new Study.Channel(m.token(), m, p));
        }
        return new Study(id, ch, null, null, null, "test");
    }

    @Test
    void repStartPointsAtTheSameAnatomyInTheTemplate() throws IOException {
        Study s = encoded("enc", Modality.T1);
        // The pre-training chain without intensity scaling, so values still encode template positions.
        Compose chain = Compose.of(new LoadStudy(false), new ToRas(), new ResampleSpacing(1, 1, 1),
                new CenterCropForeground(), new CenterCropForeground(), TemplateOffset.recordFrame(),
                new RandomCrop(16, 16, 16), new PadTo(16, 16, 16), TemplateOffset.repStart(T));
        for (int seed = 0; seed < 5; seed++) {
            Sample out = chain.apply(Sample.of(s), BatchLoader.sampleRandom(seed, 0, 0));
            int[] rep = (int[]) out.meta(Sample.REP_START);
            assertEquals(12 - (16 - 7) / 2, rep[2], "z: foreground [12,19) padded by 4 before");
            int nonzero = 0;
            for (int z = 0; z < 16; z++) {
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) {
                        float v = TestSamples.at(out, 0, x, y, z);
                        if (v == 0) {
                            continue;
                        }
                        nonzero++;
                        int i = (int) v - 1;
                        assertArrayEquals(new int[] { rep[0] + x, rep[1] + y, rep[2] + z },
                                new int[] { i % T[0], i / T[0] % T[1], i / (T[0] * T[1]) });
                    }
                }
            }
            assertTrue(nonzero >= 15 * 14 * 7, "crop holds foreground: " + nonzero);
        }
    }

    @Test
    void pretrainingBatchesFromFiles() throws IOException {
        List<Study> studies = List.of(encoded("a", Modality.T1, Modality.T2, Modality.FLAIR),
                encoded("b", Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2, Modality.DWI),
                encoded("c", Modality.T1, Modality.T1C, Modality.T2, Modality.FLAIR));
        studies = Pipelines.shuffleChannelOrder(studies, 46);
        BatchLoader.Options o = new BatchLoader.Options(3, 2, 2, 46, true, true);
        try (BatchLoader l = new BatchLoader(studies, Pipelines.brainMvpPretraining(4, 16, T), o)) {
            Batch b = l.epoch(0).next();
            assertArrayEquals(new long[] { 3, 4, 16, 16, 16 }, b.shape());
            FloatBuffer f = b.images();
            while (f.hasRemaining()) {
                float v = f.get();
                assertTrue(v >= 0 && v <= 1, "clipped scaling: " + v);
            }
            for (int i = 0; i < 3; i++) {
                List<Modality> m = b.modalities().get(i);
                assertEquals(4, m.size());
                if (b.studyIds().get(i).equals("b")) {
                    assertEquals(4, new HashSet<>(m).size(), "5 modalities: 4 without replacement");
                }
                int[] rep = b.repStarts()[i];
                for (int a = 0; a < 3; a++) {
                    assertTrue(rep[a] >= 0 && rep[a] + 16 <= T[a], "rep_start inside the template");
                }
                assertArrayEquals(new int[] { 22, 30, 7 }, (int[]) b.meta(i).get(Sample.NEW_DIM));
            }
        }
    }

    @Test
    void segmentationChainsNeedTheTaskModalities() throws IOException {
        Study s = encoded("seg", Modality.T1, Modality.FLAIR);
        Compose eval = Pipelines.segmentationEvaluation(List.of(Modality.FLAIR, Modality.T1),
                Pipelines.taskIntensity(), LabelToRegions.brats());
        Sample out = eval.apply(Sample.of(s), BatchLoader.sampleRandom(1, 0, 0));
        assertEquals(List.of(Modality.FLAIR, Modality.T1), out.modalities());
        assertArrayEquals(new int[] { 23, 30, 9 }, out.shape(), "foreground box + margin 1");
        Compose train = Pipelines.segmentationTraining(List.of(Modality.T1C), Pipelines.taskIntensity(), 16, 0,
                LabelToRegions.brats(),
                RandomFlip.Mode.ALL);
        MedvpException e = assertThrows(MedvpException.class,
                () -> train.apply(Sample.of(s), BatchLoader.sampleRandom(1, 0, 0)));
        assertTrue(e.getMessage().contains("study seg has no t1c image"), e.getMessage());
    }
}
