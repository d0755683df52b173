package io.github.medvp.train;

import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.io.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunFolderTest {

    @TempDir
    Path tmp;

    private static JsonObject config(double lr, int epochs) {
        JsonObject c = new JsonObject();
        c.addProperty("method", "mg3d");
        c.addProperty("lr", lr);
        c.addProperty("epochs", epochs);
        return c;
    }

    private static Checkpoint checkpoint(long step) {
        JsonObject h = new JsonObject();
        h.addProperty("step", step);
        return new Checkpoint(h, Map.of("model.w", HostTensor.ofFloats(new long[] {1}, step)));
    }

    @Test
    void freshFolderWritesConfigAndRefusesASecondRunWithoutResume() throws Exception {
        Path dir = tmp.resolve("run");
        RunFolder run = RunFolder.open(dir, config(1e-3, 10), false, List.of("method", "lr"));
        assertFalse(run.resuming());
        assertTrue(Files.readString(run.configFile()).contains("\"lr\": 0.001"));
        assertTrue(Files.isDirectory(run.checkpointsDir()));
        MedvpException e = assertThrows(MedvpException.class,
                () -> RunFolder.open(dir, config(1e-3, 10), false, List.of()));
        assertEquals("run folder " + dir + " already holds a run; set resume=true to continue or choose another "
                + "folder", e.getMessage());
    }

    @Test
    void resumeChecksCoreSettingsAndAcceptsOtherChanges() throws Exception {
        Path dir = tmp.resolve("run");
        RunFolder run = RunFolder.open(dir, config(1e-3, 10), false, List.of("method", "lr"));
        run.saveLast(checkpoint(5));
        MedvpException e = assertThrows(MedvpException.class,
                () -> RunFolder.open(dir, config(1e-2, 10), true, List.of("method", "lr")));
        assertTrue(e.getMessage().contains("lr (saved 0.001, now 0.01)"), e.getMessage());
        RunFolder resumed = RunFolder.open(dir, config(1e-3, 20), true, List.of("method", "lr"));
        assertTrue(resumed.resuming());
        assertEquals(5, Checkpoints.read(resumed.last()).step());
        assertTrue(Files.readString(resumed.configFile()).contains("\"epochs\": 20"));
    }

    @Test
    void foreignFolderIsRefused() throws Exception {
        Path dir = tmp.resolve("photos");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("a.jpg"), "x");
        MedvpException e = assertThrows(MedvpException.class, () -> RunFolder.open(dir, config(1, 1), true,
                List.of()));
        assertTrue(e.getMessage().contains("no config.json"), e.getMessage());
    }

    @Test
    void periodicCheckpointsKeepTheNewestK() throws Exception {
        RunFolder run = RunFolder.open(tmp.resolve("run"), config(1e-3, 10), false, List.of());
        for (int epoch = 1; epoch <= 4; epoch++) {
            run.saveEpoch(epoch, checkpoint(epoch), 2);
        }
        assertFalse(Files.exists(run.epoch(1)));
        assertFalse(Files.exists(run.epoch(2)));
        assertTrue(Files.exists(run.epoch(3)));
        assertEquals(4, Checkpoints.read(run.epoch(4)).step());
        assertTrue(run.epoch(12).getFileName().toString().equals("epoch-0012.safetensors"));
    }

    @Test
    void staticHelpersNameTheFilesOfAnOpenRun() throws Exception {
        Path dir = tmp.resolve("run");
        RunFolder run = RunFolder.open(dir, config(1e-3, 10), false, List.of());
        run.saveLast(checkpoint(3));
        assertEquals(run.configFile(), RunFolder.configFile(dir));
        assertEquals(run.metricsCsv(), RunFolder.metricsCsv(dir));
        assertEquals(run.curvesPng(), RunFolder.curvesPng(dir));
        assertEquals(run.checkpointsDir(), RunFolder.checkpointsDir(dir));
        assertEquals(run.best(), RunFolder.bestCheckpoint(dir));
        assertEquals(3, Checkpoints.read(RunFolder.lastCheckpoint(dir)).step());
        assertEquals(dir.resolve("checkpoints").resolve("last.safetensors"), RunFolder.lastCheckpoint(dir));
        assertTrue(Files.isRegularFile(dir.resolve(RunFolder.CONFIG)));
    }
}
