package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.Launched;
import io.github.medvp.fiji.Launcher;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Safetensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

import java.io.IOException;
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

    @BeforeAll
    static void pretrain() throws IOException {
        Path data = PretrainData.write(dir.resolve("studies"), 2, 32);
        volume = data.resolve("case0_t1.nii.gz");
        Path run = dir.resolve("run");
        Launched.run("brainmvp-pretrain", "data=" + data, "output=" + run, "preset=tiny", "epochs=1", "crop=32",
                "grid=48,48,48", "batch=1", "accumulation=1", "workers=1", "device=cpu").expect(0);
        last = run.resolve("checkpoints").resolve("last.safetensors");
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
        Launched.run("features", "model=" + last, "input=" + volume, "output=" + nii, "stage=3", "device=cpu")
                .expect(0);
        assertArrayEquals(new long[] {4, 4, 4, 64}, NiftiReader.read(nii).dimensions());
        Path st = dir.resolve("x3.safetensors");
        Launched.run("--run", "MedVP Extract Features", "model='" + last + "',input='" + volume + "',output='" + st
                + "',stage=3,device='cpu'").expect(0);
        assertEquals(java.util.Set.of("x3"), Safetensors.read(st).tensors().keySet());
    }

    @Test
    void aMissingModelFailsWithOneLineNamingIt() {
        Path missing = dir.resolve("nope.safetensors");
        Launched failed = Launched.run("features", "model=" + missing, "input=" + volume,
                "output=" + dir.resolve("f.safetensors")).expect(Launcher.FAILED);
        // Progress lines may come first (or none, when the status events arrive after the outcome); the failure
        // itself is one line, the last.
        String text = failed.err();
        assertTrue(text.endsWith("\n"), text);
        assertEquals("medvp: features: model " + missing + " does not exist", text.lines().reduce((x, y) -> y)
                .orElse(""), text);
        assertEquals(1, text.lines().filter(l -> l.startsWith("medvp:")).count(), text);
        assertTrue(failed.out().isEmpty());
    }
}
