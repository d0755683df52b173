package io.github.medvp.fiji.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.pretrain.mg3d.Mg3dFiles;
import io.github.medvp.train.Checkpoints;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/**
 * The MG-3D commands end to end on four tiny CT files: pre-training writes a self-contained checkpoint, which
 * retrieve, zeroshot and features then read; each writes its tables.
 */
class Mg3dCommandsTest {

    @Test
    void theFormerCmlNameFailsWithItsNewName() {
        io.github.medvp.SettingsException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.github.medvp.SettingsException.class, () -> Mg3dPretrainCommand.cml("global"));
        assertTrue(e.getMessage().contains("volume_report") && !e.getMessage().contains("\n"), e.getMessage());
        assertEquals(io.github.medvp.pretrain.mg3d.CmlMode.VOLUME_REPORT, Mg3dPretrainCommand.cml("volume_report"));
        assertEquals(io.github.medvp.pretrain.mg3d.CmlMode.JOINT, Mg3dPretrainCommand.cml("joint"));
    }

    @TempDir
    Path dir;

    @Test
    void pretrainThenRetrieveZeroShotAndFeatures() throws Exception {
        Path list = Mg3dFiles.write(dir);
        Path run = dir.resolve("run");
        try (Context context = new Context(CommandService.class)) {
            CommandService commands = context.service(CommandService.class);
            CommandModule m = commands.run(Mg3dPretrainCommand.class, true, "data", list.toFile(), "output",
                    run.toFile(), "resume", false, "vocab", null, "text_model", null, "train_text", false,
                    "preset", "tiny", "epochs", 1, "batch", 2, "lr", 1e-4, "head_lr", 5.0, "warmup", 0L, "seed", 1L,
                    "modality", "ct", "size", "32,32,32", "spacing", "1,1,2", "window", "-1000,1000",
                    "mim_fusion", "paper", "cml", "volume_report", "double_projection", false,
                    "weights", "1,0.1,1,0.1,0.1,0.1", "device", "cpu", "log_every", 1).get();
            String summary = (String) m.getOutput("summary");
            assertTrue(summary.startsWith("MG-3D pre-training: 2 optimiser steps"), summary);
            Path last = run.resolve("checkpoints").resolve("last.safetensors");
            assertEquals(2, Checkpoints.read(last).step());
            assertTrue(Files.isRegularFile(run.resolve("vocab.txt")));
            assertTrue(Files.isRegularFile(run.resolve("curves.png")));

            Path out = dir.resolve("retrieval");
            m = commands.run(RetrieveCommand.class, true, "model", last.toFile(), "data", list.toFile(), "output",
                    out.toFile(), "batch", 2, "device", "cpu").get();
            assertTrue(((String) m.getOutput("summary")).contains("report->volume R@1="), m.getOutput("summary")
                    + "");
            List<String> ranks = Files.readAllLines(out.resolve("retrieval_ranks.csv"), StandardCharsets.UTF_8);
            assertEquals(5, ranks.size());
            assertEquals(3, Files.readAllLines(out.resolve("retrieval_summary.csv")).size());

            Path zs = dir.resolve("zeroshot");
            m = commands.run(ZeroShotCommand.class, true, "model", last.toFile(), "data", list.toFile(), "labels",
                    null, "output", zs.toFile(), "batch", 2, "device", "cpu").get();
            List<String> metrics = Files.readAllLines(zs.resolve("zeroshot_metrics.csv"));
            assertEquals("label,n,positives,accuracy,auc", metrics.get(0));
            assertTrue(metrics.get(1).startsWith("Pleural effusion,4,2,"), metrics.get(1));

            Path features = dir.resolve("x4.safetensors");
            commands.run(FeatureExtractionCommand.class, true, "model", last.toFile(), "input",
                    dir.resolve("case0.nii.gz").toFile(), "output", features.toFile(), "stage", 0, "prepare", true,
                    "device", "cpu").get();
            assertTrue(Files.isRegularFile(features));
            long[] x4 = io.github.medvp.io.Safetensors.read(features).tensors().get("x4").shape();
            // tiny Swin: width 12·16 = 192 at 32/32 per axis.
            assertEquals(List.of(1L, 192L, 1L, 1L, 1L), java.util.Arrays.stream(x4).boxed().toList());
        }
    }
}
