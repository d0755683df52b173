package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CancelOnStatusService;
import io.github.medvp.fiji.Launched;
import io.github.medvp.fiji.Launcher;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.MetricsLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BrainMVP pre-training through CommandService and the launcher, on three 4-modality studies of 32³. */
class BrainMvpPretrainCommandTest {

    /** Tiny settings: 3 studies, B = 1, no accumulation → 3 optimiser steps per epoch. */
    private static final String[] TINY = {"preset=tiny", "crop=32", "grid=48,48,48", "batch=1", "accumulation=1",
        "warmup_epochs=0", "contrastive_epoch=0", "workers=1", "device=cpu", "log_every=1"};

    @TempDir
    static Path shared;
    private static Path data;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeStudies() throws IOException {
        data = PretrainData.write(shared.resolve("studies"), 3, 32);
    }

    @AfterEach
    void disarm() {
        CancelOnStatusService.trigger = null;
    }

    private String[] pretrain(Path run, String... more) {
        List<String> args = new ArrayList<>(List.of("brainmvp-pretrain", "data=" + data, "output=" + run));
        args.addAll(List.of(TINY));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void commandServiceRunsATinyRunAndReportsWhereItsFilesAre() throws Exception {
        Path run = dir.resolve("run");
        // Every input given: SciJava would otherwise fill the rest with values saved by earlier runs.
        try (Context context = new Context(CommandService.class)) {
            CommandModule m = context.service(CommandService.class).run(BrainMvpPretrainCommand.class, true,
                    "data", data.toFile(), "output", run.toFile(), "preset", "tiny", "epochs", 1, "crop", 32,
                    "grid", "48,48,48", "batch", 1, "accumulation", 1, "warmup_epochs", 0, "contrastive_epoch", 0,
                    "workers", 1, "device", "cpu", "log_every", 1, "resume", false, "skip_bad", false, "aliases", "",
                    "lr", 3e-4, "weight_decay", 1e-5, "seed", 46L).get();
            assertEquals(run.toString(), m.getOutput("runFolder"));
            String summary = (String) m.getOutput("summary");
            assertTrue(summary.startsWith("BrainMVP pre-training: 3 optimiser steps\n"), summary);
            assertTrue(summary.contains("metrics: " + run.resolve("metrics.csv")), summary);
            assertTrue(summary.contains("templates: " + run.resolve("templates")), summary);
            assertTrue(summary.matches("(?s).*final losses: \\S+=\\d.*"), summary);
        }
        assertEquals(3, MetricsLog.read(run.resolve("metrics.csv")).get("step").length);
        assertTrue(Files.isRegularFile(run.resolve("curves.png")));
        assertTrue(Files.isRegularFile(run.resolve("templates").resolve("templates.nii.gz")));
        Path last = run.resolve("checkpoints").resolve("last.safetensors");
        assertEquals(3, Checkpoints.read(last).step());
        // The export command reads the run's checkpoint back to the templates the run exported itself.
        String out = Launched.run("brainmvp-export-templates", "checkpoint=" + last, "output=" + dir.resolve("t"))
                .expect(0).out();
        assertTrue(out.endsWith(dir.resolve("t").resolve("templates.png") + "\n"), out);
        float[] exported = NiftiReader.read(dir.resolve("t").resolve("templates.nii.gz")).toFloatImg().update(null)
                .getCurrentStorageArray();
        float[] inRun = NiftiReader.read(run.resolve("templates").resolve("templates.nii.gz")).toFloatImg()
                .update(null).getCurrentStorageArray();
        assertEquals(48 * 48 * 48 * 8, exported.length);
        assertArrayEquals(inRun, exported);
    }

    @Test
    void launcherAndFijiRunFormsTrainAndResume() throws Exception {
        Path run = dir.resolve("run");
        String out = Launched.run(pretrain(run, "epochs=1")).expect(0).out();
        assertTrue(out.contains("3 optimiser steps"), out);
        // Fiji's form, continuing the same run for a second epoch.
        String fiji = "data='" + data + "',output='" + run + "',resume=true,epochs=2,"
                + String.join(",", TINY).replace("grid=48,48,48", "grid='48,48,48'").replace("device=cpu",
                        "device='cpu'").replace("preset=tiny", "preset='tiny'");
        out = Launched.run("--run", "BrainMVP Pretrain", fiji).expect(0).out();
        assertTrue(out.contains("6 optimiser steps (resumed from step 3)"), out);
        Map<String, double[]> metrics = MetricsLog.read(run.resolve("metrics.csv"));
        assertEquals(6, metrics.get("step").length);
    }

    @Test
    void aMissingDataFolderFailsWithOneLineNamingIt() {
        Path missing = dir.resolve("no-such-studies");
        String err = Launched.run("brainmvp-pretrain", "data=" + missing, "output=" + dir.resolve("r"),
                "preset=tiny", "device=cpu").expect(Launcher.FAILED).err();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("medvp: brainmvp-pretrain: data " + missing + " does not exist"), err);
    }

    @Test
    void cancelExitsThreeAndLeavesAResumableRun() throws Exception {
        Path run = dir.resolve("run");
        CancelOnStatusService.trigger = "train";
        // Status events are delivered on another thread, so the cancel lands some steps after the first one; with
        // one epoch (3 steps) it once landed after the last step. 4 epochs leave it 11 steps.
        String err = Launched.run(pretrain(run, "epochs=4")).expect(Launcher.CANCELLED).err();
        assertTrue(err.contains("medvp: brainmvp-pretrain cancelled"), err);
        assertTrue(Files.isRegularFile(run.resolve("checkpoints").resolve("last.safetensors")), err);
        long saved = Checkpoints.read(run.resolve("checkpoints").resolve("last.safetensors")).step();
        assertTrue(saved >= 1 && saved < 12, "cancelled after step " + saved);
        assertEquals(saved, MetricsLog.read(run.resolve("metrics.csv")).get("step").length);
        String out = Launched.run(pretrain(run, "epochs=4", "resume=true")).expect(0).out();
        assertTrue(out.contains("12 optimiser steps (resumed from step " + saved + ")"), out);
    }
}
