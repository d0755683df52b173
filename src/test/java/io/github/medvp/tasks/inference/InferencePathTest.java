package io.github.medvp.tasks.inference;

import io.github.medvp.tasks.segmentation.LabelSpec;
import io.github.medvp.tasks.TaskModel;
import io.github.medvp.tasks.TaskSpec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.medvp.Progress;
import io.github.medvp.data.transform.LoadStudy;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.transform.PercentileScale;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.engine.Engines;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import net.imglib2.img.array.ArrayImgs;

/**
 * A study lacking one of the model's modalities, from files to a label map on disk: read what is there, prepare,
 * fill the missing modality with its template, slide the network, restore and write.
 */
class InferencePathTest {

    private static final List<Modality> MODEL = List.of(Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2);

    @TempDir
    Path dir;

    @Test
    void aStudyWithoutT2IsSegmentedWithTheT2Template() throws Exception {
        int[] d = { 30, 28, 16 };
        // LAS-stored, 1.5 mm along Z: reorientation and resampling both happen on the way in and out.
        Geometry las = new Geometry(new double[][] { { -1, 0, 0, 50 }, { 0, 1, 0, -20 }, { 0, 0, 1.5, 5 } });
        SplittableRandom rng = new SplittableRandom(1);
        for (Modality m : List.of(Modality.FLAIR, Modality.T1, Modality.T1C)) {
            short[] v = new short[d[0] * d[1] * d[2]];
            for (int i = 0; i < v.length; i++) {
                v[i] = (short) (100 + rng.nextInt(100));
            }
            NiftiWriter.write(new Volume(ArrayImgs.shorts(v, d[0], d[1], d[2]), las), dir.resolve("case_" + m.token()
                    + ".nii.gz"));
        }
        Study study = StudyManifest.discover(dir, ModalityNames.defaults()).all().get(0);
        assertEquals(List.of(Modality.FLAIR, Modality.T1, Modality.T1C), study.modalities());

        Sample loaded = new LoadStudy(false).apply(Sample.of(study), new SplittableRandom(0));
        InferenceGeometry g = InferenceGeometry.prepare(loaded, InferenceGeometry.ONE_MM,
                new PercentileScale(5, 95, false), -1, null);
        float[] t2 = new float[48 * 48 * 32];
        for (int i = 0; i < t2.length; i++) {
            t2[i] = i % 7;
        }
        TemplateVolumes templates = TemplateVolumes.of(List.of(Modality.T2), new int[] { 48, 48, 32 },
                new double[] { 1, 1, 1 }, new float[][] { t2 });
        MissingModalities.Result r = MissingModalities.complete(g.prepared(), MODEL,
                MissingModalitiesTest.withTemplates(templates));
        assertEquals(List.of("t2"), r.filledNames());
        assertEquals(MODEL, r.sample().modalities());

        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TaskModel model = TaskModel.create(new TaskSpec(TaskSpec.Task.SEGMENTATION, "tiny", MODEL,
                    LabelSpec.brats(), List.of(), 32, null), m);
            SlidingWindow sw = SlidingWindow.builder().setPredictor(model.predictor(new ParameterStore(m, false)))
                    .optWindow(32, 32, 32).optBatch(2).build();
            float[][] logits = sw.run(m, r.sample(), Progress.NONE);
            assertEquals(3, logits.length);
            Path out = dir.resolve("out").resolve("case_pred.nii.gz");
            java.nio.file.Files.createDirectories(out.getParent());
            g.writeLabels(model.spec().labels().labelMap(logits), out);
            Volume written = NiftiReader.read(out);
            assertArrayEquals(new long[] { 30, 28, 16 }, written.dimensions());
            for (int row = 0; row < 3; row++) {
                assertArrayEquals(las.affine()[row], written.geometry().affine()[row], 1e-6);
            }
        }
    }
}
