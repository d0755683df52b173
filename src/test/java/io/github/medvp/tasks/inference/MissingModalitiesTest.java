package io.github.medvp.tasks.inference;

import io.github.medvp.tasks.ModalityMeans;
import io.github.medvp.tasks.TaskModel;
import io.github.medvp.tasks.TaskModelTest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Safetensors;
import io.github.medvp.io.Volume;
import io.github.medvp.pretrain.brainmvp.TemplateNifti;
import net.imglib2.img.array.ArrayImgs;

/** Missing modalities filled with templates: order, normalisation, placement, errors, template sources. */
class MissingModalitiesTest {

    private static final List<Modality> MODEL = List.of(Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2);

    @TempDir
    Path dir;

    /** Template grid 8×8×6, raw value {@code 2·(x + 10y + 100z) + 5} so normalisation shows. */
    private static final int[] GRID = { 8, 8, 6 };

    private static float raw(int x, int y, int z) {
        return 2 * (x + 10 * y + 100 * z) + 5;
    }

    private static float[] rawTemplate() {
        float[] t = new float[GRID[0] * GRID[1] * GRID[2]];
        for (int z = 0; z < GRID[2]; z++) {
            for (int y = 0; y < GRID[1]; y++) {
                for (int x = 0; x < GRID[0]; x++) {
                    t[x + GRID[0] * (y + GRID[1] * z)] = raw(x, y, z);
                }
            }
        }
        return t;
    }

    /** Min-max normalised as pre-training: raw in [5, 2·577 + 5]. */
    private static float normalised(int x, int y, int z) {
        float lo = raw(0, 0, 0), hi = raw(7, 7, 5);
        return (raw(x, y, z) - lo) / (hi - lo + 1e-9f);
    }

    /** The model's default fill when it has {@code templates} (or, null, nothing) and no training means. */
    static MissingModalities.Filling withTemplates(TemplateVolumes templates) {
        return new MissingModalities.Filling(null, templates, null);
    }

    private static TemplateVolumes templates() {
        return TemplateVolumes.of(List.of(Modality.T2, Modality.T1C), GRID, new double[] { 1, 1, 1 },
                new float[][] { rawTemplate(), rawTemplate() });
    }

    /** A study with foreground (value 1) in the box [5, 8) × [2, 5) × [1, 3) of a 12×6×5 grid. */
    private static Sample study(double spacing, Modality... modalities) {
        int[] d = { 12, 6, 5 };
        float[][] image = new float[modalities.length][d[0] * d[1] * d[2]];
        for (float[] c : image) {
            for (int z = 1; z < 3; z++) {
                for (int y = 2; y < 5; y++) {
                    for (int x = 5; x < 8; x++) {
                        c[x + d[0] * (y + d[1] * z)] = 1;
                    }
                }
            }
        }
        return Sample.of(d, image, List.of(modalities), null, Geometry.ofSpacing(spacing, spacing, spacing));
    }

    private static float at(Sample s, int c, int x, int y, int z) {
        int[] d = s.shape();
        return s.image()[c][x + d[0] * (y + d[1] * z)];
    }

    @Test
    void aMissingCtChannelIsFilledWithItsMeanOrZerosButNeverATemplate() {
        List<Modality> model = List.of(Modality.T1, Modality.CT);
        Sample s = study(1, Modality.T1);
        MedvpException e = assertThrows(MedvpException.class, () -> MissingModalities.complete(s.copy(), model,
                new MissingModalities.Filling(ModalityFill.TEMPLATES, templates(), null)));
        assertTrue(e.getMessage().contains("has no ct image and fill=templates, but BrainMVP templates exist only "
                + "for the MRI modalities"), e.getMessage());
        MissingModalities.Result mean = MissingModalities.complete(s.copy(), model, new MissingModalities.Filling(
                ModalityFill.MEAN, null, ModalityMeans.of(Map.of(Modality.CT, 0.52f))));
        assertEquals(List.of(Modality.CT), mean.filled());
        assertEquals(0.52f, at(mean.sample(), 1, 6, 3, 1), 0f, "the training mean inside the foreground");
        assertEquals(0f, at(mean.sample(), 1, 0, 0, 0), 0f, "outside: 0, which the HU window gives air");
        MissingModalities.Result zeros = MissingModalities.complete(s.copy(), model, new MissingModalities.Filling(
                ModalityFill.ZEROS, null, null));
        assertEquals(0f, at(zeros.sample(), 1, 6, 3, 1), 0f);
    }

    @Test
    void nothingMissingReordersAndDropsWithoutTemplates() {
        Sample s = study(1, Modality.T2, Modality.ADC, Modality.T1, Modality.FLAIR, Modality.T1C);
        float[][] in = s.image();
        MissingModalities.Result r = MissingModalities.complete(s, MODEL, withTemplates(null));
        assertEquals(List.of(), r.filled());
        assertEquals(MODEL, r.sample().modalities());
        assertSame(in[3], r.sample().image()[0]);
        assertSame(in[0], r.sample().image()[3]);
    }

    @Test
    void missingModalityIsTheNormalisedTemplateCentredOnTheForegroundBox() {
        Sample s = study(1, Modality.FLAIR, Modality.T1);
        MissingModalities.Result r = MissingModalities.complete(s, MODEL, withTemplates(templates()));
        assertEquals(List.of(Modality.T1C, Modality.T2), r.filled());
        assertEquals(List.of("t1c", "t2"), r.filledNames());
        Sample out = r.sample();
        assertEquals(MODEL, out.modalities());
        // Box [5, 8) × [2, 5) × [1, 3), sizes 3, 3, 2: the reference's shift is start − box + (G − n) // 2, i.e.
        // x − 5 + 2, y − 2 + 2, z − 1 + 2.
        assertEquals(normalised(2, 2, 2), at(out, 3, 5, 2, 1), 0f);
        assertEquals(normalised(4, 4, 3), at(out, 3, 7, 4, 2), 0f);
        assertEquals(normalised(7, 3, 4), at(out, 2, 10, 3, 3), 0f);
        assertEquals(normalised(0, 0, 1), at(out, 2, 3, 0, 0), 0f);
        // Study voxel x = 2 is template x = −1: outside the canvas, background.
        assertEquals(0f, at(out, 3, 2, 3, 2), 0f);
        // Values in [0, 1]: the maximum of the template is just below 1.
        assertEquals(1f, normalised(7, 7, 5), 1e-6f);
    }

    @Test
    void coarserStudyGetsTheTemplateResampledAroundTheSameCentre() {
        Sample s = study(2, Modality.FLAIR, Modality.T1, Modality.T1C);
        MissingModalities.Result r = MissingModalities.complete(s, MODEL, withTemplates(templates()));
        assertEquals(List.of(Modality.T2), r.filled());
        // Study 2 mm, template 1 mm: box centre (6, 3, 1.5) onto canvas centre (3.5, 3.5, 2.5),
        // t = 2·(i − c) + centre. Study voxel (6, 3, 1) → template (3.5, 3.5, 1.5): the mean of the 8 neighbours,
        // which for a linear template is its value at the centre point.
        float lo = raw(0, 0, 0), range = raw(7, 7, 5) - lo + 1e-9f;
        float expected = (2 * (3.5f + 35 + 150) + 5 - lo) / range;
        assertEquals(expected, at(r.sample(), 3, 6, 3, 1), 1e-6f);
        // (7, 4, 2) → (5.5, 5.5, 3.5)
        assertEquals((2 * (5.5f + 55 + 350) + 5 - lo) / range, at(r.sample(), 3, 7, 4, 2), 1e-6f);
    }

    @Test
    void missingModalityWithoutTemplateIsAOneLineErrorNamingIt() {
        Sample s = study(1, Modality.FLAIR, Modality.T1, Modality.T2);
        MedvpException e = assertThrows(MedvpException.class, () -> MissingModalities.complete(s, MODEL,
                withTemplates(TemplateVolumes.of(List.of(Modality.T2), GRID, new double[] { 1, 1, 1 },
                        new float[][] { rawTemplate() }))));
        assertTrue(e.getMessage().contains("no t1c image") && e.getMessage().contains("templates with t1c"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
        MedvpException none = assertThrows(MedvpException.class,
                () -> MissingModalities.complete(study(1, Modality.FLAIR), MODEL, withTemplates(null)));
        assertTrue(none.getMessage().contains("no t1 image") && none.getMessage().contains("fill=zeros"),
                none.getMessage());
        MedvpException nothing = assertThrows(MedvpException.class,
                () -> MissingModalities.complete(study(1, Modality.ADC), MODEL, withTemplates(templates())));
        assertTrue(nothing.getMessage().contains("none of the modalities"), nothing.getMessage());
    }

    @Test
    void templatesFromACheckpointAreTransposedToXFastest() throws Exception {
        // A reference state dict: rep_template (4, X, Y, Z) in C order, rows flair, t1, t1c, t2.
        int[] g = GRID;
        int n = g[0] * g[1] * g[2];
        float[] c = new float[4 * n];
        for (int m = 0; m < 4; m++) {
            for (int x = 0, i = m * n; x < g[0]; x++) {
                for (int y = 0; y < g[1]; y++) {
                    for (int z = 0; z < g[2]; z++, i++) {
                        c[i] = raw(x, y, z) + 1000 * m;
                    }
                }
            }
        }
        Path file = dir.resolve("model_final.safetensors");
        Safetensors.write(file, Map.of("module.rep_template", HostTensor.ofFloats(new long[] { 4, g[0], g[1], g[2] },
                c)), Map.of());
        TemplateVolumes t = TemplateVolumes.load(file);
        assertEquals(List.of(Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2), t.modalities());
        assertArrayEquals(g, t.grid());
        float[] t2 = t.normalised(Modality.T2);
        assertEquals(normalised(3, 5, 4), t2[3 + g[0] * (5 + g[1] * 4)], 1e-6f);
        assertEquals(normalised(7, 0, 1), t2[7 + g[0] * (0 + g[1] * 1)], 1e-6f);
    }

    @Test
    void templatesCarriedByAFineTunedModel() {
        io.github.medvp.engine.Engines.pytorch();
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu())) {
            TaskModel model = TaskModel.create(TaskModelTest.segSpec(List.of(Modality.T2, Modality.FLAIR), GRID), m);
            // (C, X, Y, Z) in C order: channel 1 (flair) holds normalised(x, y, z), already in [0, 1].
            int n = GRID[0] * GRID[1] * GRID[2];
            float[] c = new float[2 * n];
            for (int x = 0, i = n; x < GRID[0]; x++) {
                for (int y = 0; y < GRID[1]; y++) {
                    for (int z = 0; z < GRID[2]; z++, i++) {
                        c[i] = normalised(x, y, z);
                    }
                }
            }
            model.setTemplates(HostTensor.ofFloats(new long[] { 2, GRID[0], GRID[1], GRID[2] }, c));
            TemplateVolumes t = TemplateVolumes.of(model);
            assertEquals(List.of(Modality.T2, Modality.FLAIR), t.modalities());
            assertEquals(normalised(6, 1, 4), t.normalised(Modality.FLAIR)[6 + GRID[0] * (1 + GRID[1] * 4)], 1e-6f);
        }
    }

    @Test
    void templatesFromAnExportedFolder() throws Exception {
        Geometry canvas = TemplateNifti.canvas(GRID);
        NiftiWriter.write(new Volume(ArrayImgs.floats(rawTemplate(), GRID[0], GRID[1], GRID[2]), canvas),
                dir.resolve(TemplateNifti.fileName(Modality.ADC)));
        TemplateVolumes t = TemplateVolumes.load(dir);
        assertEquals(List.of(Modality.ADC), t.modalities());
        assertEquals(normalised(1, 2, 3), t.normalised(Modality.ADC)[1 + GRID[0] * (2 + GRID[1] * 3)], 1e-6f);
        MedvpException e = assertThrows(MedvpException.class, () -> TemplateVolumes.load(dir.resolve("nothing")));
        assertTrue(e.getMessage().contains("nothing"), e.getMessage());
    }

    private static final ModalityMeans MEANS = ModalityMeans.of(Map.of(Modality.T1C, 0.3f, Modality.T2, 0.7f,
            Modality.FLAIR, 0.5f, Modality.T1, 0.4f));

    /** Whether voxel i of the 12×6×5 study grid lies in its foreground box [5, 8) × [2, 5) × [1, 3). */
    private static boolean foreground(int i) {
        int x = i % 12, y = (i / 12) % 6, z = i / 72;
        return x >= 5 && x < 8 && y >= 2 && y < 5 && z >= 1 && z < 3;
    }

    @Test
    void twoMissingModalitiesGetTheirTrainingMeansInsideTheHeadAndZeroOutside() {
        Sample s = study(1, Modality.T1, Modality.FLAIR);
        MissingModalities.Result r = MissingModalities.complete(s, MODEL,
                new MissingModalities.Filling(ModalityFill.MEAN, templates(), MEANS));
        assertEquals(List.of(Modality.T1C, Modality.T2), r.filled());
        assertEquals(ModalityFill.MEAN, r.fill());
        assertEquals(List.of(0.3f, 0.7f), r.values());
        float[][] img = r.sample().image();
        assertSame(s.image()[1], img[0]);
        assertSame(s.image()[0], img[1]);
        int inside = 0;
        for (int i = 0; i < img[2].length; i++) {
            assertEquals(foreground(i) ? 0.3f : 0f, img[2][i], "t1c at " + i);
            assertEquals(foreground(i) ? 0.7f : 0f, img[3][i], "t2 at " + i);
            inside += foreground(i) ? 1 : 0;
        }
        assertEquals(18, inside);
        assertEquals("t1c filled with its training mean 0.300, t2 filled with its training mean 0.700", r.describe());
    }

    @Test
    void zerosFillNothingAndTheDefaultIsTemplatesElseMeans() {
        Sample s = study(1, Modality.FLAIR, Modality.T1);
        MissingModalities.Result zeros = MissingModalities.complete(s, MODEL,
                new MissingModalities.Filling(ModalityFill.ZEROS, templates(), MEANS));
        for (float v : zeros.sample().image()[3]) {
            assertEquals(0f, v);
        }
        assertEquals("t1c, t2 filled with zeros", zeros.describe());
        assertEquals(ModalityFill.TEMPLATES, MissingModalities.complete(s, MODEL,
                new MissingModalities.Filling(null, templates(), MEANS)).fill());
        assertEquals(ModalityFill.MEAN, MissingModalities.complete(s, MODEL,
                new MissingModalities.Filling(null, null, MEANS)).fill());
        assertEquals(null, MissingModalities.complete(study(1, Modality.FLAIR, Modality.T1, Modality.T1C,
                Modality.T2), MODEL, new MissingModalities.Filling(null, null, null)).fill());
    }

    @Test
    void aFillTheModelCannotGiveIsAOneLineErrorNamingTheSetting() {
        Sample s = study(1, Modality.FLAIR, Modality.T1, Modality.T1C);
        MedvpException noTemplates = assertThrows(MedvpException.class, () -> MissingModalities.complete(s, MODEL,
                new MissingModalities.Filling(ModalityFill.TEMPLATES, null, MEANS)));
        assertTrue(noTemplates.getMessage().contains("fill=templates") && noTemplates.getMessage().contains("no t2"),
                noTemplates.getMessage());
        MedvpException noMeans = assertThrows(MedvpException.class, () -> MissingModalities.complete(s, MODEL,
                new MissingModalities.Filling(ModalityFill.MEAN, templates(), null)));
        assertTrue(noMeans.getMessage().contains("fill=mean") && !noMeans.getMessage().contains("\n"),
                noMeans.getMessage());
        MedvpException bad = assertThrows(MedvpException.class, () -> ModalityFill.parse("median"));
        assertEquals("fill='median' is not one of auto, templates, mean, zeros", bad.getMessage());
        assertEquals(null, ModalityFill.parse("auto"));
        assertEquals(ModalityFill.ZEROS, ModalityFill.parse(" Zeros "));
    }

    @Test
    void meansTravelThroughTheHeader() {
        com.google.gson.JsonObject header = new com.google.gson.JsonObject();
        header.add(ModalityMeans.HEADER, MEANS.toJson());
        ModalityMeans back = ModalityMeans.fromHeader(header);
        for (Modality m : MODEL) {
            assertEquals(MEANS.get(m), back.get(m));
        }
        assertEquals(null, ModalityMeans.fromHeader(new com.google.gson.JsonObject()));
    }
}
