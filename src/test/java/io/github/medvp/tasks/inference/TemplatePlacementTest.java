package io.github.medvp.tasks.inference;

import io.github.medvp.tasks.TemplateReplacement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.data.Batch;
import io.github.medvp.data.transform.LabelToRegions;
import io.github.medvp.data.transform.RandomFlip;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.engine.Engines;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The template crops of training batches land on the anatomy of the crops: a study whose image is the template
 * itself (cut from a larger, off-centre grid) goes through the template-aware training pipeline (random crop,
 * flips, affine intensity steps); the crops gathered from the batch's placement must equal the image up to the
 * pipeline's per-sample affine intensity change, voxel for voxel.
 */
class TemplatePlacementTest {

    @TempDir
    Path dir;

    @Test
    void cropsFollowRandomCropsAndFlips() throws Exception {
        Engines.pytorch();
        int[] grid = {44, 42, 40};
        int n = 40;
        float[] t = new float[grid[0] * grid[1] * grid[2]];
        for (int i = 0; i < t.length; i++) {
            t[i] = 1 + i / 1000f;
        }
        // The study is the 40³ centre of the template grid: offset ((44 − 40) // 2, (42 − 40) // 2, 0)
        // = (2, 1, 0).
        float[] img = new float[n * n * n];
        float[] seg = new float[n * n * n];
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    // Template layout (C order over X, Y, Z), image layout X fastest.
                    img[x + n * (y + n * z)] = t[((x + 2) * grid[1] + y + 1) * grid[2] + z];
                }
            }
        }
        NiftiWriter.write(new Volume(ArrayImgs.floats(img, n, n, n), Geometry.ofSpacing(1, 1, 1)),
                dir.resolve("c_t1.nii.gz"));
        NiftiWriter.write(new Volume(ArrayImgs.floats(seg, n, n, n), Geometry.ofSpacing(1, 1, 1)),
                dir.resolve("c_seg.nii.gz"));
        Study study = StudyManifest.discover(dir, ModalityNames.defaults()).training().get(0);
        // Flips of each axis, so that the placement is checked for every combination of flipped axes.
        var pipeline = Pipelines.segmentationTraining(List.of(Modality.T1), Pipelines.taskIntensity(), 32, 0,
                LabelToRegions.brats(),
                RandomFlip.Mode.EACH, grid);
        List<Sample> samples = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            samples.add(pipeline.apply(Sample.of(study), new SplittableRandom(s)));
        }
        Batch batch = Batch.of(0, 0, samples);
        TemplateReplacement.Placement at = TemplateReplacement.placement(batch);
        int flipped = 0;
        for (boolean[] f : at.flips()) {
            for (boolean b : f) {
                flipped += b ? 1 : 0;
            }
        }
        assertTrue(flipped > 0 && flipped < 18, "some axes flipped, not all: " + flipped);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            float[] crops = TemplateReplacement.crops(m.create(t, new Shape(1, grid[0], grid[1], grid[2])),
                    at.starts(), at.flips(), new int[] {32, 32, 32}, m).toFloatArray();
            float[] images = new float[crops.length];
            batch.images().get(0, images);
            int per = 32 * 32 * 32;
            double[] scale = new double[6];
            double[] offset = new double[6];
            for (int s = 0; s < 6; s++) {
                // image = a·template + b within a sample (percentile scaling, shift and scale are affine).
                int i0 = s * per;
                int i1 = s * per + per - 1;
                double a = (images[i1] - images[i0]) / (crops[i1] - crops[i0]);
                double b = images[i0] - a * crops[i0];
                for (int i = s * per; i < (s + 1) * per; i++) {
                    assertEquals(a * crops[i] + b, images[i], 1e-3 * Math.abs(a) + 1e-4, "sample " + s + " voxel "
                            + (i - s * per));
                }
                // The recorded intensity map {u, v} is what the augmentation did after the percentile scaling
                // t ↦ α·t + β, which is the same for every crop of the study: a = u·α and b = u·β + v.
                double[] map = at.intensity()[s];
                scale[s] = a / map[0];
                offset[s] = (b - map[1]) / map[0];
            }
            for (int s = 1; s < 6; s++) {
                assertEquals(scale[0], scale[s], 1e-4 * Math.abs(scale[0]), "percentile scale of sample " + s);
                assertEquals(offset[0], offset[s], 1e-3 * Math.abs(scale[0]), "percentile offset of sample " + s);
            }
            assertTrue(Math.abs(at.intensity()[0][0] - at.intensity()[1][0]) > 1e-6, "intensity maps are drawn");
        }
    }
}
