package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.ImagePlusVolumes;
import io.github.medvp.fiji.Launched;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

/**
 * The fine-tuning and inference commands chained as a user would: a one-epoch tiny BrainMVP pre-training, then
 * finetune-seg from its checkpoint (templates, replacement and consistency on), segment on a folder and on an open
 * image missing one modality, finetune-cls and classify.
 */
class FineTuneCommandsTest {

    @TempDir
    static Path dir;
    private static Path data;
    private static Path pretrained;

    @BeforeAll
    static void pretrain() throws Exception {
        data = dir.resolve("studies");
        Files.createDirectories(data);
        // Two-modality studies with a label map: PretrainData's t1 and flair plus a label of the bright region.
        Path raw = PretrainData.write(dir.resolve("raw"), 6, 32);
        try (var files = Files.list(raw)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.contains("_t1.") || n.contains("_flair.")) {
                    Files.copy(f, data.resolve(n));
                    if (n.contains("_t1.")) {
                        Volume v = NiftiReader.read(f);
                        float[] t = v.toFloatImg().update(null).getCurrentStorageArray();
                        float[] seg = new float[t.length];
                        float max = 0;
                        for (float x : t) {
                            max = Math.max(max, x);
                        }
                        for (int i = 0; i < t.length; i++) {
                            seg[i] = t[i] > 0.6f * max ? 1 : 0;
                        }
                        NiftiWriter.write(new Volume(ArrayImgs.floats(seg, 32, 32, 32), v.geometry()),
                                data.resolve(n.replace("_t1.", "_seg.")));
                    }
                }
            }
        }
        Path run = dir.resolve("pre");
        Launched.run("brainmvp-pretrain", "data=" + raw, "output=" + run, "preset=tiny", "epochs=1", "crop=32",
                "grid=48,48,48", "batch=2", "accumulation=1", "workers=1", "device=cpu").expect(0);
        pretrained = run.resolve("checkpoints").resolve("last.safetensors");
    }

    private static Map<String, Object> fineTuneInputs(Path out) {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("data", data.toFile());
        in.put("aliases", "");
        in.put("skip_bad", false);
        in.put("modalities", "t1,flair");
        in.put("output", out.toFile());
        in.put("resume", false);
        in.put("preset", "tiny");
        in.put("epochs", 1);
        in.put("batch", 2);
        in.put("accumulation", 1);
        in.put("lr", 1e-3);
        in.put("weight_decay", 1e-5);
        in.put("optimiser", "adamw");
        in.put("seed", 1L);
        in.put("crop", 32);
        in.put("fraction", 1.0);
        in.put("validation_fraction", 0.3);
        in.put("validate_every", 1);
        in.put("templates", true);
        in.put("replace_probability", 0.5);
        in.put("replace_count", 1);
        in.put("consistency_weight", 0.1);
        in.put("workers", 1);
        in.put("device", "cpu");
        in.put("log_every", 1);
        return in;
    }

    @Test
    void fineTuneSegmentationThenSegmentFilesAndAnImageMissingAModality() throws Exception {
        Path run = dir.resolve("seg-run");
        Map<String, Object> in = fineTuneInputs(run);
        in.put("labels", "binary");
        in.put("init", pretrained.toFile());
        in.put("replace_probability", 1.0);
        try (Context context = new Context(CommandService.class)) {
            CommandService cs = context.service(CommandService.class);
            var module = cs.run(FineTuneSegmentationCommand.class, true, in).get();
            String summary = (String) module.getOutput("summary");
            assertTrue(summary.contains("best mean Dice"), summary);
            Path best = run.resolve("checkpoints").resolve("best.safetensors");
            assertTrue(Files.isRegularFile(best));
            // The paired consistency term was computed (non-zero with p = 1).
            String csv = Files.readString(run.resolve("metrics.csv"));
            assertTrue(csv.startsWith("step,epoch,lr,loss,loss_seg,loss_cons"), csv);

            Path out = dir.resolve("seg-out");
            Map<String, Object> seg = new LinkedHashMap<>();
            seg.put("model", best.toFile());
            seg.put("input", data.toFile());
            seg.put("modalities", "");
            seg.put("aliases", "");
            seg.put("output", out.toFile());
            seg.put("probabilities", true);
            seg.put("overlap", 0.5);
            seg.put("blending", "gaussian");
            seg.put("window_batch", 2);
            seg.put("device", "cpu");
            String report = (String) cs.run(SegmentCommand.class, true, seg).get().getOutput("summary");
            assertTrue(report.contains("case0: labels"), report);
            Volume in0 = NiftiReader.read(data.resolve("case0_t1.nii.gz"));
            Volume labels = NiftiReader.read(out.resolve("case0_seg.nii.gz"));
            assertArrayEquals(in0.dimensions(), labels.dimensions());
            assertTrue(in0.geometry().equals(labels.geometry()));
            // One output channel: (X, Y, Z) (a trailing axis of 1 is not stored).
            long[] prob = NiftiReader.read(out.resolve("case0_prob.nii.gz")).dimensions();
            assertArrayEquals(new long[] {32, 32, 32}, java.util.Arrays.copyOf(prob, 3));

            // The open image: t1 only, with a calibration; flair is filled with the model's templates.
            Volume t1 = in0.withGeometry(new Geometry(new double[][] {{1.5, 0, 0, 3}, {0, 1.5, 0, -2},
                {0, 0, 2, 7}}));
            ImagePlus image = ImagePlusVolumes.toImagePlus(t1, "case0");
            seg.put("input", new File(""));
            seg.put("modalities", "t1");
            seg.put("output", new File(""));
            seg.put("probabilities", false);
            seg.put("image", image);
            var done = cs.run(SegmentCommand.class, true, seg).get();
            assertTrue(((String) done.getOutput("summary")).contains("flair filled with templates"),
                    (String) done.getOutput("summary"));
            ImagePlus labelsImage = (ImagePlus) done.getOutput("labels");
            assertEquals(image.getWidth(), labelsImage.getWidth());
            assertEquals(image.getNSlices(), labelsImage.getNSlices());
            assertEquals(1.5, labelsImage.getCalibration().pixelWidth, 1e-9);
            assertEquals(2.0, labelsImage.getCalibration().pixelDepth, 1e-9);
        }
    }

    @Test
    void fineTuneClassificationThenClassify() throws Exception {
        Path csv = dir.resolve("classes.csv");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            sb.append("case").append(i).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
        }
        Files.writeString(csv, sb);
        Path run = dir.resolve("cls-run");
        Map<String, Object> in = fineTuneInputs(run);
        in.put("labels", csv.toFile());
        in.put("classes", "a,b");
        in.put("class_weights", "1,2");
        in.put("init", new File(""));
        in.remove("batch"); // classification's own default
        try (Context context = new Context(CommandService.class)) {
            CommandService cs = context.service(CommandService.class);
            String summary = (String) cs.run(FineTuneClassificationCommand.class, true, in).get()
                    .getOutput("summary");
            assertTrue(summary.contains("classes: [a, b]"), summary);
            String config = Files.readString(run.resolve("config.json"));
            assertTrue(config.contains("\"batch\": 4"), config);
            Path out = dir.resolve("classes-out.csv");
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("model", run.resolve("checkpoints").resolve("best.safetensors").toFile());
            c.put("input", data.toFile());
            c.put("modalities", "");
            c.put("aliases", "");
            c.put("output", out.toFile());
            c.put("device", "cpu");
            cs.run(ClassifyCommand.class, true, c).get();
            List<String> lines = Files.readAllLines(out);
            assertEquals("case,class,p_a,p_b,filled,fill", lines.get(0));
            assertEquals(7, lines.size());
            String[] f = lines.get(1).split(",", -1);
            assertEquals(1.0, Double.parseDouble(f[2]) + Double.parseDouble(f[3]), 1e-5);
        }
    }
}
