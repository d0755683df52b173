package io.github.medvp.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.engine.Engines;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointsTest {

    @TempDir
    Path dir;

    @Test
    void roundTripRestoresModelExtraAndOptimiser() throws Exception {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Engines.device("cpu"))) {
            NDArray w = m.create(new float[] {1f, 2f});
            NamedParameters params = NamedParameters.builder().addFree("templates", w).build();
            JsonObject header = new JsonObject();
            header.addProperty("method", "brainmvp");
            header.addProperty("step", 7);
            Path f = dir.resolve("c.safetensors");
            try (Adam adam = Adam.builder().setParameters(params).build()) {
                Checkpoints.write(f, Checkpoints.capture(header, params, adam));
            }
            Checkpoint c = Checkpoints.read(f);
            assertEquals(7, c.step());
            assertEquals("brainmvp", c.header().get("method").getAsString());
            assertEquals(Checkpoints.FORMAT_VERSION, c.header().get("format").getAsInt());
            assertTrue(c.tensors().containsKey("extra.templates"));
            assertTrue(c.tensors().containsKey("optim.exp_avg.templates"));

            w.set(new float[] {9f, 9f});
            try (Adam adam = Adam.builder().setParameters(params).build()) {
                Checkpoints.restore(c, f, params, adam);
                assertEquals(0, adam.updates());
            }
            assertArrayEquals(new float[] {1f, 2f}, w.toFloatArray());
        }
    }

    @Test
    void restoreIntoAModelOfAnotherSizeNamesTheTensor() throws Exception {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Engines.device("cpu"))) {
            JsonObject header = new JsonObject();
            header.addProperty("step", 3);
            Path f = dir.resolve("c.safetensors");
            NamedParameters small = NamedParameters.builder().addFree("templates", m.zeros(new ai.djl.ndarray.types
                    .Shape(2, 3))).build();
            Checkpoints.write(f, Checkpoints.capture(header, small, null));
            NamedParameters big = NamedParameters.builder().addFree("templates", m.zeros(new ai.djl.ndarray.types
                    .Shape(4, 3))).build();
            MedvpException e = assertThrows(MedvpException.class,
                    () -> Checkpoints.restore(Checkpoints.read(f), f, big, null));
            assertTrue(e.getMessage().startsWith("tensor extra.templates has shape [2, 3] in the file but [4, 3]"),
                    e.getMessage());
            try (Adam adam = Adam.builder().setParameters(small).build()) {
                MedvpException noState = assertThrows(MedvpException.class,
                        () -> Checkpoints.restore(Checkpoints.read(f), f, small, adam));
                assertTrue(noState.getMessage().contains("holds no optimiser state"), noState.getMessage());
            }
        }
    }

    @Test
    void rawStateDictIsRefusedWithAPointerToTheImport() throws Exception {
        Path f = dir.resolve("ref.safetensors");
        Safetensors.write(f, Map.of("encoder.weight", HostTensor.ofFloats(new long[] {1}, 1f)), Map.of());
        MedvpException e = assertThrows(MedvpException.class, () -> Checkpoints.read(f));
        assertTrue(e.getMessage().contains("not a MedVP checkpoint") && e.getMessage().contains("import"),
                e.getMessage());
    }

    @Test
    void truncatedFileGivesAClearError() throws Exception {
        Path f = dir.resolve("c.safetensors");
        JsonObject header = new JsonObject();
        header.addProperty("step", 1);
        Checkpoints.write(f, new Checkpoint(header, Map.of("model.w",
                HostTensor.ofFloats(new long[] {4}, 1f, 2f, 3f, 4f))));
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 5));
        MedvpException e = assertThrows(MedvpException.class, () -> Checkpoints.read(f));
        assertTrue(e.getMessage().startsWith("cannot read checkpoint " + f), e.getMessage());
        MedvpException missing = assertThrows(MedvpException.class,
                () -> Checkpoints.read(dir.resolve("none.safetensors")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void newerFormatAndForeignTensorsAreRefused() throws Exception {
        Path f = dir.resolve("c.safetensors");
        Safetensors.write(f, Map.of("model.w", HostTensor.ofFloats(new long[] {1}, 1f)),
                Map.of(Checkpoints.METADATA_KEY, "{\"format\": 99, \"step\": 1, \"project_version\": \"9.0\"}"));
        MedvpException e = assertThrows(MedvpException.class, () -> Checkpoints.read(f));
        assertTrue(e.getMessage().contains("newer MedVP (9.0)"), e.getMessage());
        Safetensors.write(f, Map.of("w", HostTensor.ofFloats(new long[] {1}, 1f)),
                Map.of(Checkpoints.METADATA_KEY, "{\"format\": 1, \"step\": 1}"));
        e = assertThrows(MedvpException.class, () -> Checkpoints.read(f));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());
    }

    @Test
    void aCheckpointWithNonFiniteWeightsIsRefusedAndTheOldOneKept() throws Exception {
        Path f = dir.resolve("last.safetensors");
        JsonObject header = new JsonObject();
        header.addProperty("step", 3);
        Checkpoints.write(f, new Checkpoint(header, Map.of("model.w", HostTensor.ofFloats(new long[] {2}, 1f, 2f))));
        header.addProperty("step", 4);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            Checkpoint diverged = new Checkpoint(header,
                    Map.of("model.w", HostTensor.ofFloats(new long[] {2}, 1f, bad)));
            MedvpException e = assertThrows(MedvpException.class, () -> Checkpoints.write(f, diverged));
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("model.w"), e.getMessage());
        }
        Checkpoint kept = Checkpoints.read(f);
        assertEquals(3, kept.step());
        assertArrayEquals(new float[] {1f, 2f}, kept.tensors().get("model.w").toFloatArray());
    }
}
