package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.Launcher;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Safetensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The features command on the checkpoint of a real (one-epoch, tiny) pre-training run: pre-train, then extract, as
 * a user would chain them.
 */
class FeatureExtractionCommandTest {

    @TempDir
    static Path dir;
    private static Path last;
    private static Path volume;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void pretrain() throws IOException {
        Path data = PretrainData.write(dir.resolve("studies"), 2, 32);
        volume = data.resolve("case0_t1.nii.gz");
        Path run = dir.resolve("run");
        int status = new Launcher(new PrintStream(new ByteArrayOutputStream()), new PrintStream(
                new ByteArrayOutputStream())).run("brainmvp-pretrain", "data=" + data, "output=" + run,
                "preset=tiny", "epochs=1", "crop=32", "grid=48,48,48", "batch=1", "accumulation=1", "workers=1",
                "device=cpu");
        assertEquals(0, status);
        last = run.resolve("checkpoints").resolve("last.safetensors");
    }

    private int launch(String... args) {
        out.reset();
        err.reset();
        return new Launcher(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    @Test
    void commandServiceWritesAllStages() throws Exception {
        Path features = dir.resolve("all.safetensors");
        // Every input given: SciJava would otherwise fill the rest with values saved by earlier runs.
        try (Context context = new Context(CommandService.class)) {
            String report = (String) context.service(CommandService.class).run(FeatureExtractionCommand.class, true,
                    "model", last.toFile(), "input", volume.toFile(), "output", features.toFile(), "stage", 0,
                    "prepare", false, "device", "cpu")
                    .get().getOutput("report");
            assertEquals("x1 [1, 16, 16, 16, 16]\nx2 [1, 32, 8, 8, 8]\nx3 [1, 64, 4, 4, 4]\nx4 [1, 128, 2, 2, 2]\n"
                    + "written: " + features + "\n", report);
        }
        assertEquals(4, Safetensors.read(features).tensors().size());
    }

    @Test
    void launcherAndFijiFormsWriteOneStageAsNifti() throws Exception {
        Path nii = dir.resolve("x3.nii.gz");
        assertEquals(0, launch("features", "model=" + last, "input=" + volume, "output=" + nii, "stage=3",
                "device=cpu"), err::toString);
        assertArrayEquals(new long[] {4, 4, 4, 64}, NiftiReader.read(nii).dimensions());
        Path st = dir.resolve("x3.safetensors");
        assertEquals(0, launch("--run", "MedVP Extract Features", "model='" + last + "',input='" + volume
                + "',output='" + st + "',stage=3,device='cpu'"), err::toString);
        assertEquals(java.util.Set.of("x3"), Safetensors.read(st).tensors().keySet());
    }

    @Test
    void aMissingModelFailsWithOneLineNamingIt() {
        Path missing = dir.resolve("nope.safetensors");
        assertEquals(Launcher.FAILED, launch("features", "model=" + missing, "input=" + volume,
                "output=" + dir.resolve("f.safetensors")), err::toString);
        // Progress lines may come first (or none, when the status events arrive after the outcome); the failure
        // itself is one line, the last.
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n"), text);
        assertEquals("medvp: features: model " + missing + " does not exist", text.lines().reduce((x, y) -> y)
                .orElse(""), text);
        assertEquals(1, text.lines().filter(l -> l.startsWith("medvp:")).count(), text);
        assertTrue(out.toString(StandardCharsets.UTF_8).isEmpty());
    }
}
