package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandRunner;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Safetensors;
import io.github.medvp.io.Volume;
import net.imglib2.RandomAccess;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Template export from a reference-style state dict (MedVP run checkpoints: {@link BrainMvpPretrainCommandTest}). */
class ExportTemplatesCommandTest {

    private static final int GX = 5;
    private static final int GY = 4;
    private static final int GZ = 3;

    @TempDir
    Path dir;

    private static String export(Path checkpoint, Path out) throws Exception {
        try (Context context = new Context(CommandService.class)) {
            return (String) context.service(CommandService.class).run(ExportTemplatesCommand.class, true,
                    "checkpoint", checkpoint.toFile(), "output", out.toFile()).get().getOutput("files");
        }
    }

    @Test
    void referenceCheckpointGivesFourNormalisedTemplates() throws Exception {
        // 4 rows (the reference's flair, t1, t1c, t2), value = row * 100 + x - 2y + 3z, under DDP's module. prefix.
        float[] v = new float[4 * GX * GY * GZ];
        for (int r = 0; r < 4; r++) {
            for (int x = 0; x < GX; x++) {
                for (int y = 0; y < GY; y++) {
                    for (int z = 0; z < GZ; z++) {
                        v[((r * GX + x) * GY + y) * GZ + z] = r * 100 + x - 2 * y + 3 * z;
                    }
                }
            }
        }
        Path ckpt = dir.resolve("reference.safetensors");
        Safetensors.write(ckpt, Map.of("module.rep_template", HostTensor.ofFloats(new long[] {4, GX, GY, GZ}, v),
                "module.uniformer.norm.weight", HostTensor.ofFloats(new long[] {1}, 1f)), Map.of());
        Path out = dir.resolve("templates");
        String files = export(ckpt, out);
        assertEquals(String.join("\n", out.resolve("template_flair.nii.gz").toString(),
                out.resolve("template_t1.nii.gz").toString(), out.resolve("template_t1c.nii.gz").toString(),
                out.resolve("template_t2.nii.gz").toString(), out.resolve("templates.nii.gz").toString(),
                out.resolve("templates.png").toString()) + "\n", files);
        // The preview: the middle axial slice (z = 1) in the fixed window [0, 1], 3 pixels a voxel under a 16-pixel
        // caption, anterior up: flair's voxel (4, 0, 1) = (4 + 3 + 6) / 16 is grey 207 whatever the other values.
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(out.resolve("templates.png").toFile());
        assertEquals(4 * GX * 3, png.getWidth());
        assertEquals((int) (255 * 13 / 16f), png.getRGB(4 * 3 + 1, 16 + (GY - 1) * 3 + 1) & 0xff);
        // Top-left: voxel (0, 3, 1) = (0 - 6 + 3 + 6) / 16.
        assertEquals((int) (255 * 3 / 16f), png.getRGB(1, 16 + 1) & 0xff);
        Volume t1 = NiftiReader.read(out.resolve("template_t1.nii.gz"));
        assertArrayEquals(new long[] {GX, GY, GZ}, t1.dimensions());
        RandomAccess<FloatType> a = t1.floatView().randomAccess();
        // range of x - 2y + 3z: min -6 at (0, 3, 0), max 10 at (4, 0, 2)
        assertEquals(0f, a.setPositionAndGet(0, 3, 0).get(), 1e-6f);
        assertEquals(1f, a.setPositionAndGet(4, 0, 2).get(), 1e-6f);
        assertEquals((2 - 2 + 3 + 6) / 16f, a.setPositionAndGet(2, 1, 1).get(), 1e-6f);
        assertArrayEquals(new long[] {GX, GY, GZ, 4}, NiftiReader.read(out.resolve("templates.nii.gz")).dimensions());
    }

    @Test
    void aCheckpointWithoutTemplatesIsRefusedByName() throws Exception {
        Path ckpt = dir.resolve("encoder.safetensors");
        Safetensors.write(ckpt, Map.of("norm.weight", HostTensor.ofFloats(new long[] {1}, 1f)), Map.of());
        Path out = dir.resolve("new").resolve("t");
        ExecutionException e = assertThrows(ExecutionException.class, () -> export(ckpt, out));
        assertTrue(CommandRunner.userError(e).getMessage().equals(ckpt + " holds no rep_template: it is not a BrainMVP "
                + "pre-training checkpoint"), CommandRunner.userError(e).getMessage());
        // Nothing written: the folders the command created are gone again.
        assertFalse(java.nio.file.Files.exists(dir.resolve("new")));
    }

    @Test
    void aRunFolderGivesItsLastCheckpoint() throws Exception {
        Path run = dir.resolve("run");
        Path ckpt = io.github.medvp.train.RunFolder.lastCheckpoint(run);
        java.nio.file.Files.createDirectories(ckpt.getParent());
        Safetensors.write(ckpt, Map.of("rep_template", HostTensor.ofFloats(new long[] {4, GX, GY, GZ},
                new float[4 * GX * GY * GZ])), Map.of());
        Path out = dir.resolve("from-run");
        assertTrue(export(run, out).startsWith(out.resolve("template_flair.nii.gz").toString()));
        // A folder without a checkpoint is named as such.
        Path empty = java.nio.file.Files.createDirectories(dir.resolve("empty"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> export(empty, dir.resolve("x")));
        assertTrue(CommandRunner.userError(e).getMessage().contains("is a folder without"),
                CommandRunner.userError(e).getMessage());
    }
}
