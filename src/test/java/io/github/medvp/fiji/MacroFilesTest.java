package io.github.medvp.fiji;

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
        data = PretrainData.write(dir.resolve("studies"), 3, 32);
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
        assertEquals(3, MetricsLog.read(run.resolve("metrics.csv")).get("step").length);
        assertEquals(3, Checkpoints.read(run.resolve("checkpoints").resolve("last.safetensors")).step());
        try (Stream<Path> files = Files.list(run.resolve("exported-templates"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.contains("templates.nii.gz") && names.contains("template_flair.nii.gz"), names::toString);
        }
        // Same run, one more epoch, resumed: the bare key 'resume' is a ticked checkbox.
        macro("brainmvp-pretrain.ijm", "data=[" + data + "] output=[" + run + "] preset=tiny epochs=2 device=cpu "
                + "more=[" + TINY + " resume]");
        assertEquals(6, Checkpoints.read(run.resolve("checkpoints").resolve("last.safetensors")).step());
        assertEquals(6, MetricsLog.read(run.resolve("metrics.csv")).get("step").length);
    }

    @Test
    void inspectFolderWritesOneJsonPerVolume() throws Exception {
        Path out = dir.resolve("reports");
        macro("inspect-folder.ijm", "folder=[" + data + "] output=[" + out + "] ras");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(12, files.count());
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
