package io.github.medvp.train;

import com.google.gson.JsonObject;
import io.github.medvp.TestProgress;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.io.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

    /** A finished run with {@code last} at step 5. */
    private static void finishedRun(Path dir) throws Exception {
        try (RunFolder run = RunFolder.open(dir, config(1e-3, 10), false, List.of("method", "lr"))) {
            run.saveLast(checkpoint(5));
        }
    }

    @Test
    void freshFolderWritesConfigAndRefusesASecondRunWithoutResume() throws Exception {
        Path dir = tmp.resolve("run");
        try (RunFolder run = RunFolder.open(dir, config(1e-3, 10), false, List.of("method", "lr"))) {
            assertFalse(run.resuming());
            assertTrue(run.isNew());
            assertTrue(Files.readString(run.configFile()).contains("\"lr\": 0.001"));
            assertTrue(Files.isDirectory(run.checkpointsDir()));
            run.saveLast(checkpoint(1));
        }
        MedvpException e = assertThrows(MedvpException.class,
                () -> RunFolder.open(dir, config(1e-3, 10), false, List.of()));
        assertEquals("run folder " + dir + " already holds a run; set resume=true to continue or choose another "
                + "folder", e.getMessage());
    }

    @Test
    void resumeChecksCoreSettingsAndAcceptsOtherChanges() throws Exception {
        Path dir = tmp.resolve("run");
        finishedRun(dir);
        MedvpException e = assertThrows(MedvpException.class,
                () -> RunFolder.open(dir, config(1e-2, 10), true, List.of("method", "lr")));
        assertTrue(e.getMessage().contains("lr (saved 0.001, now 0.01)"), e.getMessage());
        try (RunFolder resumed = RunFolder.open(dir, config(1e-3, 20), true, List.of("method", "lr"))) {
            assertTrue(resumed.resuming());
            assertFalse(resumed.isNew());
            assertEquals(5, Checkpoints.read(resumed.last()).step());
            resumed.saveLast(checkpoint(6));
            assertTrue(Files.readString(resumed.configFile()).contains("\"epochs\": 20"));
        }
    }

    @Test
    void anUnsetCoreSettingMatchesOnResume() throws Exception {
        Path dir = tmp.resolve("run");
        JsonObject c = config(1e-3, 10);
        c.add("init", com.google.gson.JsonNull.INSTANCE);
        try (RunFolder run = RunFolder.open(dir, c, false, List.of("init"))) {
            run.saveLast(checkpoint(1));
        }
        assertFalse(Files.readString(RunFolder.configFile(dir)).contains("init"), "unset settings are left out");
        try (RunFolder resumed = RunFolder.open(dir, c, true, List.of("init"))) {
            assertTrue(resumed.resuming());
        }
        c.addProperty("init", "pre.safetensors");
        MedvpException e = assertThrows(MedvpException.class, () -> RunFolder.open(dir, c, true, List.of("init")));
        assertTrue(e.getMessage().contains("init (saved null, now \"pre.safetensors\")"), e.getMessage());
    }

    @Test
    void aNewRunThatEndsWithoutACheckpointLeavesNothing() throws Exception {
        Path dir = tmp.resolve("a").resolve("b").resolve("run");
        try (RunFolder run = RunFolder.open(dir, config(1e-3, 10), false, List.of())) {
            Files.writeString(run.metricsCsv(), "step\n");
            Files.createDirectories(run.dir().resolve("cache"));
            Files.writeString(run.dir().resolve("cache").resolve("x.f32"), "x");
        }
        assertFalse(Files.exists(tmp.resolve("a")), "the folders this start created are gone");
        // A folder the user made stays, empty as it was; the corrected rerun starts as a new run.
        Path made = Files.createDirectories(tmp.resolve("made"));
        try (RunFolder run = RunFolder.open(made, config(1e-3, 10), false, List.of())) {
            Files.writeString(run.dir().resolve(RunFolder.SPLIT), "{}");
        }
        try (var list = Files.list(made)) {
            assertEquals(List.of(), list.toList());
        }
        try (RunFolder again = RunFolder.open(made, config(1e-3, 10), false, List.of())) {
            assertTrue(again.isNew());
        }
    }

    @Test
    void aResumeThatFailsBeforeItsFirstCheckpointLeavesTheRunAsItWas() throws Exception {
        Path dir = tmp.resolve("run");
        finishedRun(dir);
        String before = Files.readString(RunFolder.configFile(dir));
        try (RunFolder resumed = RunFolder.open(dir, config(1e-3, 20), true, List.of("method", "lr"))) {
            assertTrue(resumed.resuming());
        }
        assertEquals(before, Files.readString(RunFolder.configFile(dir)), "config.json is not replaced yet");
        assertEquals(5, Checkpoints.read(RunFolder.lastCheckpoint(dir)).step());
    }

    @Test
    void aSecondRunInTheSameProcessIsRefusedUntilTheFirstCloses() throws Exception {
        Path dir = tmp.resolve("run");
        finishedRun(dir);
        try (RunFolder first = RunFolder.open(dir, config(1e-3, 10), true, List.of())) {
            MedvpException e = assertThrows(MedvpException.class,
                    () -> RunFolder.open(dir, config(1e-3, 10), true, List.of()));
            assertTrue(e.getMessage().startsWith("run folder " + dir + " is in use by another run of this process, "
                    + "process " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(first.resuming());
        }
        RunFolder.open(dir, config(1e-3, 10), true, List.of()).close();
    }

    @Test
    void anotherProcessIsRefusedWithTheHoldersProcessIdAndACrashedHolderHoldsNothing() throws Exception {
        Path dir = tmp.resolve("run");
        finishedRun(dir);
        Process holder = java(dir, "hold");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            assertEquals("locked " + holder.pid(), line, () -> "the holder said " + line + "; " + errors(holder));
            MedvpException e = assertThrows(MedvpException.class,
                    () -> RunFolder.open(dir, config(1e-3, 10), true, List.of()));
            assertTrue(e.getMessage().startsWith("run folder " + dir + " is in use by process " + holder.pid()
                    + " on host "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        } finally {
            // A kill, not a clean exit: the operating system releases the lock all the same.
            holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        try (RunFolder run = RunFolder.open(dir, config(1e-3, 10), true, List.of())) {
            Process other = java(dir, "try");
            assertTrue(other.waitFor(60, TimeUnit.SECONDS), "the second process did not end");
            String said = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(said.startsWith("refused run folder " + dir + " is in use by process "
                    + ProcessHandle.current().pid() + " on host "), said + "; " + errors(other));
            assertTrue(run.resuming());
        }
    }

    private static Process java(Path dir, String mode) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                RunFolderHolder.class.getName(), dir.toString(), mode));
        return new ProcessBuilder(command).start();
    }

    private static String errors(Process p) {
        try {
            return new String(p.getErrorStream().readNBytes(4000), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void openingRemovesTheTemporaryFilesOfKilledWritesOnly() throws Exception {
        Path dir = tmp.resolve("run");
        finishedRun(dir);
        Path killed = RunFolder.checkpointsDir(dir).resolve("last.safetensors.tmp-0123456789ab");
        Path config = dir.resolve("config.json.tmp-abcdefabcdef");
        Path notOurs = dir.resolve("notes.tmp-1");
        for (Path p : List.of(killed, config, notOurs)) {
            Files.writeString(p, "partial");
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
        }
        RunFolder.open(dir, config(1e-3, 10), true, List.of()).close();
        assertFalse(Files.exists(killed));
        assertFalse(Files.exists(config));
        assertTrue(Files.exists(notOurs));
        assertEquals(5, Checkpoints.read(RunFolder.lastCheckpoint(dir)).step());
    }

    @Test
    void foreignFolderIsRefusedAndNotWrittenTo() throws Exception {
        Path dir = tmp.resolve("photos");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("a.jpg"), "x");
        MedvpException e = assertThrows(MedvpException.class, () -> RunFolder.open(dir, config(1, 1), true,
                List.of()));
        assertTrue(e.getMessage().contains("no config.json"), e.getMessage());
        try (var list = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("a.jpg")), list.toList());
        }
    }

    @Test
    void aRunFolderGivenForACheckpointGivesItsLastOrBest() throws Exception {
        Path dir = tmp.resolve("run");
        finishedRun(dir);
        List<String> lines = new ArrayList<>();
        Progress log = TestProgress.logging(lines);
        assertEquals(RunFolder.lastCheckpoint(dir), RunFolder.checkpointIn(dir, "init", false, log));
        assertEquals(List.of("init " + dir + " is a run folder: using its checkpoints/last.safetensors"), lines);
        assertEquals(RunFolder.lastCheckpoint(dir), RunFolder.checkpointIn(dir, "model", true, log),
                "no best: the last");
        Checkpoints.write(RunFolder.bestCheckpoint(dir), checkpoint(4));
        assertEquals(RunFolder.bestCheckpoint(dir), RunFolder.checkpointIn(dir, "model", true, log));
        Path file = RunFolder.lastCheckpoint(dir);
        assertEquals(file, RunFolder.checkpointIn(file, "init", false, log));
        assertEquals(null, RunFolder.checkpointIn(null, "init", false, log));
        MedvpException e = assertThrows(MedvpException.class,
                () -> RunFolder.checkpointIn(tmp, "init", false, log));
        assertEquals("init " + tmp + " is a folder without checkpoints/last.safetensors: give a checkpoint file, or "
                + "the folder of a run that saved one", e.getMessage());
    }

    @Test
    void periodicCheckpointsKeepTheNewestK() throws Exception {
        try (RunFolder run = RunFolder.open(tmp.resolve("run"), config(1e-3, 10), false, List.of())) {
            for (int epoch = 1; epoch <= 4; epoch++) {
                run.saveEpoch(epoch, checkpoint(epoch), 2);
            }
            assertFalse(Files.exists(run.epoch(1)));
            assertFalse(Files.exists(run.epoch(2)));
            assertTrue(Files.exists(run.epoch(3)));
            assertEquals(4, Checkpoints.read(run.epoch(4)).step());
            assertTrue(run.epoch(12).getFileName().toString().equals("epoch-0012.safetensors"));
        }
    }

    @Test
    void staticHelpersNameTheFilesOfAnOpenRun() throws Exception {
        Path dir = tmp.resolve("run");
        try (RunFolder run = RunFolder.open(dir, config(1e-3, 10), false, List.of())) {
            run.saveLast(checkpoint(3));
            assertEquals(run.configFile(), RunFolder.configFile(dir));
            assertEquals(run.metricsCsv(), RunFolder.metricsCsv(dir));
            assertEquals(run.curvesPng(), RunFolder.curvesPng(dir));
            assertEquals(run.checkpointsDir(), RunFolder.checkpointsDir(dir));
            assertEquals(run.best(), RunFolder.bestCheckpoint(dir));
        }
        assertEquals(3, Checkpoints.read(RunFolder.lastCheckpoint(dir)).step());
        assertEquals(dir.resolve("checkpoints").resolve("last.safetensors"), RunFolder.lastCheckpoint(dir));
        assertTrue(Files.isRegularFile(dir.resolve(RunFolder.CONFIG)));
    }
}
