package io.github.medvp.tasks.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.github.medvp.Progress;
import io.github.medvp.TestProgress;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.data.transform.LoadStudy;
import io.github.medvp.engine.DeviceList;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Safetensors;
import io.github.medvp.io.Volume;
import io.github.medvp.tasks.FeatureExtraction;
import io.github.medvp.tasks.FineTuneSettings;
import io.github.medvp.tasks.TaskModel;
import io.github.medvp.tasks.TaskModelTest;
import io.github.medvp.tasks.TaskSpec;
import io.github.medvp.tasks.inference.MissingModalities;
import io.github.medvp.tasks.segmentation.SegmentationFineTuningTest;
import io.github.medvp.train.Checkpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CT task end to end on tiny studies in Hounsfield units: {@code finetune-cls} with modality {@code ct} and a HU
 * window from a BrainMVP checkpoint (whose MRI templates are skipped), the window in the model header, and
 * {@code classify} and {@code features} preparing a study with the window the training used.
 */
class CtFineTuningTest {

    private static final int N = 32;
    private static final double[] WINDOW = {-200, 300};
    /** Soft tissue, 40 HU: (40 + 200) / 500 in the window. */
    private static final float TISSUE = 240f / 500;

    @TempDir
    Path dir;

    /**
     * {@code count} studies {@code case<i>_ct.nii.gz} of N³ at 1 mm: air (−1000 HU) with a scanner's −3000 HU
     * outside the field of view in the first slices, a 40 HU body, a 3000 HU bone block (above the window), and in
     * even cases a 200 HU lesion (class 1).
     */
    private Path studies(int count) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        StringBuilder csv = new StringBuilder("case,class\n");
        SplittableRandom rng = new SplittableRandom(7);
        double c = (N - 1) / 2.0;
        for (int i = 0; i < count; i++) {
            float[] hu = new float[N * N * N];
            double[] p = {c + rng.nextInt(-4, 5), c + rng.nextInt(-4, 5), c + rng.nextInt(-4, 5)};
            for (int z = 0; z < N; z++) {
                for (int y = 0; y < N; y++) {
                    for (int x = 0; x < N; x++) {
                        int v = x + N * (y + N * z);
                        double body = Math.sqrt((x - c) * (x - c) + (y - c) * (y - c) + (z - c) * (z - c));
                        double lesion = Math.sqrt((x - p[0]) * (x - p[0]) + (y - p[1]) * (y - p[1])
                                + (z - p[2]) * (z - p[2]));
                        hu[v] = z < 2 ? -3000 : body > 12 ? -1000 : i % 2 == 0 && lesion < 4 ? 200 : 40;
                        if (x >= 8 && x < 10 && y >= 14 && y < 16 && z >= 14 && z < 16) {
                            hu[v] = 3000;
                        }
                    }
                }
            }
            String id = String.format("case%02d", i);
            NiftiWriter.write(new Volume(ArrayImgs.floats(hu, N, N, N), Geometry.ofSpacing(1, 1, 1)),
                    data.resolve(id + "_ct.nii.gz"));
            csv.append(id).append(',').append(i % 2 == 0 ? "lesion" : "clear").append('\n');
        }
        Files.writeString(dir.resolve("classes.csv"), csv);
        return data;
    }

    @Test
    void fineTunesOnCtAndInferencePreparesAsTraining() throws Exception {
        Path data = studies(6);
        Path init = dir.resolve("brainmvp.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TaskModelTest.pretrainingCheckpoint(init, m, new int[] {40, 40, 40});
        }
        FineTuneSettings s = SegmentationFineTuningTest.tiny(data, dir.resolve("run")).modalities(List.of(Modality.CT))
                .huWindow(WINDOW).init(init).epochs(1).classes(List.of("clear", "lesion"), dir.resolve("classes.csv"),
                        null).validation(0.34, 1).logEvery(1).build();
        TestProgress.Logged progress = new TestProgress.Logged();
        ClassificationFineTuning.Result r = ClassificationFineTuning.run(s, progress);
        assertTrue(progress.lines.stream().anyMatch(l -> l.startsWith("template replacement skipped: ct has no "
                + "BrainMVP template")), progress.lines.toString());

        JsonObject h = Checkpoints.read(r.best()).header();
        assertEquals("[\"ct\"]", h.get("modalities").toString());
        assertEquals("[-200.0,300.0]", h.get("hu_window").toString());
        assertEquals("HU window [-200, 300] to [0, 1] with clipping, RAS, 1 mm", h.get("normalisation").getAsString());
        assertFalse(h.get("templates").getAsBoolean());
        TaskSpec spec;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            spec = TaskModel.load(r.best(), m).spec();
        }
        assertArrayEquals(WINDOW, spec.huWindow());

        // classify prepares a study as the training's validation did, with the window from the header.
        Study study = StudyManifest.discover(data, ModalityNames.defaults()).training().get(0);
        Sample validation = Pipelines.classificationEvaluation(List.of(Modality.CT), spec.intensity(), 32)
                .apply(Sample.of(study), new SplittableRandom(0));
        try (Classification cls = new Classification(new ClassifySettings(r.best(), DeviceList.parse("cpu"), null))) {
            MissingModalities.Result in = cls.prepare(loaded(study));
            assertEquals(List.of(Modality.CT), in.sample().modalities());
            assertArrayEquals(validation.shape(), in.sample().shape());
            assertArrayEquals(validation.image()[0], in.sample().image()[0], "inference = training's preparation");
            float[] v = in.sample().image()[0];
            float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
            int tissue = 0;
            for (float x : v) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
                tissue += Math.abs(x - TISSUE) < 1e-6f ? 1 : 0;
            }
            assertEquals(0, lo, "air and the scanner's padding clip to 0");
            assertEquals(1, hi, "bone above the window clips to 1");
            assertTrue(tissue > 1000, "40 HU tissue at (40 + 200) / 500: " + tissue + " voxels");
            Classification.Prediction p = cls.predict(loaded(study));
            assertEquals(1, p.probabilities()[0] + p.probabilities()[1], 1e-5);
        }

        // features: with prepare, the fine-tuned model's ct and window by default, as given explicitly.
        Path volume = data.resolve("case00_ct.nii.gz");
        Path auto = dir.resolve("auto.safetensors");
        Path given = dir.resolve("given.safetensors");
        Path mri = dir.resolve("mri.safetensors");
        new FeatureExtraction(r.best(), volume, auto, 1, "cpu", true).run(Progress.NONE);
        new FeatureExtraction(r.best(), volume, given, 1, "cpu", true, List.of(Modality.CT), WINDOW)
                .run(Progress.NONE);
        new FeatureExtraction(r.best(), volume, mri, 1, "cpu", true, List.of(Modality.T1), null).run(Progress.NONE);
        float[] a = Safetensors.read(auto).tensors().get("x1").toFloatArray();
        assertArrayEquals(Safetensors.read(given).tensors().get("x1").toFloatArray(), a);
        assertFalse(java.util.Arrays.equals(Safetensors.read(mri).tensors().get("x1").toFloatArray(), a),
                "percentile scaling of the same volume gives other features");
    }

    private static Sample loaded(Study study) {
        return new LoadStudy(false).apply(Sample.of(study), new SplittableRandom(0));
    }
}
