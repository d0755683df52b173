package io.github.medvp.fiji;

import io.github.medvp.fiji.commands.PretrainData;
import io.github.medvp.pretrain.mg3d.Mg3dFiles;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.MetricsLog;
import net.imagej.patcher.LegacyEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the macro files of {@code macros/} through ImageJ 1's own macro interpreter, headless and patched by
 * ij1-patcher as Fiji runs it, and checks the files they write.
 * <p>
 * One ImageJ for the whole class, in a JVM of its own (the {@code macro-tests} surefire execution): ImageJ and the
 * plugin classes live in the patcher's class loader, and libtorch can be loaded by one class loader per JVM.
 */
class MacroFilesTest {

    private static final String TINY = "crop=32 grid=48,48,48 batch=1 accumulation=1 warmup_epochs=0 "
            + "contrastive_epoch=0 workers=1 log_every=1";

    @TempDir
    static Path dir;
    private static LegacyEnvironment ij;
    private static Path data;

    @BeforeAll
    static void start() throws Exception {
        ij = MacroRunner.environment(dir);
        data = PretrainData.write(dir.resolve("studies"), 4, 32);
    }

    private static void macro(String file, String args) throws IOException {
        ij.runMacro(Files.readString(Path.of("macros", file)), args);
    }

    @Test
    void systemInfoWritesTheReport() throws Exception {
        Path out = dir.resolve("info.txt");
        macro("system-info.ijm", "output=[" + out + "]");
        String report = Files.readString(out);
        assertTrue(report.contains("PyTorch ") && report.contains("PYTORCH_LIBRARY_PATH"), report);
    }

    @Test
    void pretrainMacroTrainsAndExportsTemplates() throws Exception {
        Path run = dir.resolve("run with space");
        macro("brainmvp-pretrain.ijm", "data=[" + data + "] output=[" + run + "] preset=tiny epochs=1 device=cpu "
                + "more=[" + TINY + "]");
        assertEquals(4, MetricsLog.read(run.resolve("metrics.csv")).get("step").length);
        assertEquals(4, Checkpoints.read(run.resolve("checkpoints").resolve("last.safetensors")).step());
        try (Stream<Path> files = Files.list(run.resolve("exported-templates"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.contains("templates.nii.gz") && names.contains("template_flair.nii.gz"), names::toString);
        }
        // Same run, one more epoch, resumed: the bare key 'resume' is a ticked checkbox.
        macro("brainmvp-pretrain.ijm", "data=[" + data + "] output=[" + run + "] preset=tiny epochs=2 device=cpu "
                + "more=[" + TINY + " resume]");
        assertEquals(8, Checkpoints.read(run.resolve("checkpoints").resolve("last.safetensors")).step());
        assertEquals(8, MetricsLog.read(run.resolve("metrics.csv")).get("step").length);
    }

    @Test
    void pretrainFineTuneSegmentAFolderAndEvaluate() throws Exception {
        Path studies = labelledStudies(dir.resolve("labelled"));
        Path pre = dir.resolve("pre");
        macro("brainmvp-pretrain.ijm", "data=[" + data + "] output=[" + pre + "] preset=tiny epochs=1 device=cpu "
                + "more=[" + TINY + "]");
        Path seg = dir.resolve("seg run");
        macro("finetune-segmentation.ijm", "data=[" + studies + "] output=[" + seg + "] init=[" + pre
                + "/checkpoints/last.safetensors] labels=binary preset=tiny epochs=1 device=cpu more=[modalities="
                + "t1,flair batch=2 crop=32 validation_fraction=0.3 validate_every=1 workers=1 log_every=1 "
                + "replace_probability=1]");
        Path best = seg.resolve("checkpoints").resolve("best.safetensors");
        assertTrue(Files.isRegularFile(best));
        assertTrue(Files.readString(seg.resolve("metrics.csv")).startsWith("step,epoch,lr,loss,loss_seg,loss_cons"));
        Path out = dir.resolve("segmentations");
        macro("segment-folder.ijm", "model=[" + best + "] input=[" + studies + "] output=[" + out + "] device=cpu");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("case0_seg.nii.gz", "case1_seg.nii.gz", "case2_seg.nii.gz", "case3_seg.nii.gz"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Path scores = dir.resolve("scores");
        macro("evaluate.ijm", "predictions=[" + out + "] truth=[" + studies + "] labels=binary output=[" + scores
                + "]");
        try (Stream<Path> files = Files.list(scores)) {
            List<String> csv = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("metrics_cases.csv", "metrics_summary.csv"), csv);
        }
    }

    @Test
    void mg3dPretrainThenFineTuneItsSwinAndSegment() throws Exception {
        Path mg3d = dir.resolve("mg3d run");
        macro("mg3d-pretrain.ijm", "data=[" + Mg3dFiles.write(Files.createDirectories(dir.resolve("ct"))) + "] output=["
                + mg3d + "] preset=tiny epochs=1 device=cpu more=[batch=2 size=32,32,32 spacing=1,1,2 seed=1]");
        assertTrue(Files.isRegularFile(mg3d.resolve("checkpoints").resolve("last.safetensors")));
        Path studies = labelledStudies(dir.resolve("labelled-for-swin"));
        Path seg = dir.resolve("swin seg");
        // No preset: the Swin's size and axis order come from the MG-3D run.
        macro("finetune-segmentation.ijm", "data=[" + studies + "] output=[" + seg + "] init=[" + mg3d
                + "] labels=binary epochs=1 device=cpu more=[modalities=t1,flair batch=2 crop=32 "
                + "validation_fraction=0.3 validate_every=1 workers=1 log_every=1]");
        Path best = seg.resolve("checkpoints").resolve("best.safetensors");
        com.google.gson.JsonObject header = Checkpoints.read(best).header();
        assertEquals("swin", header.get("encoder").getAsString());
        assertEquals("zyx", header.get("encoder_axes").getAsString());
        Path out = dir.resolve("swin segmentations");
        macro("segment-folder.ijm", "model=[" + best + "] input=[" + studies + "] output=[" + out + "] device=cpu");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(4, files.filter(p -> p.getFileName().toString().endsWith("_seg.nii.gz")).count());
        }
    }

    /** Four studies of t1 and flair with a label map of the bright region, as fine-tuning needs them. */
    private static Path labelledStudies(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (!(n.contains("_t1.") || n.contains("_flair."))) {
                    continue;
                }
                Files.copy(f, dir.resolve(n));
                if (n.contains("_t1.")) {
                    io.github.medvp.io.Volume v = io.github.medvp.io.NiftiReader.read(f);
                    float[] t = v.toFloatImg().update(null).getCurrentStorageArray();
                    float[] seg = new float[t.length];
                    for (int i = 0; i < t.length; i++) {
                        seg[i] = t[i] > 60 ? 1 : 0;
                    }
                    io.github.medvp.io.NiftiWriter.write(new io.github.medvp.io.Volume(
                            net.imglib2.img.array.ArrayImgs.floats(seg, 32, 32, 32), v.geometry()),
                            dir.resolve(n.replace("_t1.", "_seg.")));
                }
            }
        }
        return dir;
    }

    @Test
    void inspectFolderWritesOneJsonPerVolume() throws Exception {
        Path out = dir.resolve("reports");
        macro("inspect-folder.ijm", "folder=[" + data + "] output=[" + out + "] ras");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(16, files.count());
        }
        String json = Files.readString(out.resolve("case0_flair.nii.gz.json"));
        assertTrue(json.contains("\"shape\"") && json.contains("32"), json);
    }

    @Test
    void aFailingCommandStopsTheMacro() throws Exception {
        Path reached = dir.resolve("reached.txt");
        // An unknown key and a missing file: each logs one line and aborts the macro before its next line.
        ij.runMacro("run(\"MedVP System Info (macro)\", \"no_such_setting=3\");\n"
                + "File.saveString(\"yes\", \"" + reached + "\");", "");
        assertFalse(Files.exists(reached));
        ij.runMacro("run(\"MedVP Inspect Volume (macro)\", \"file=[" + dir.resolve("missing.nii.gz") + "]\");\n"
                + "File.saveString(\"yes\", \"" + reached + "\");", "");
        assertFalse(Files.exists(reached));
        // The same macro lines run on when the command succeeds.
        ij.runMacro("run(\"MedVP Inspect Volume (macro)\", \"file=[" + data.resolve("case0_t1.nii.gz") + "]\");\n"
                + "File.saveString(\"yes\", \"" + reached + "\");", "");
        assertTrue(Files.exists(reached));
    }
}
