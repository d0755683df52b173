package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.Launcher;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./medvp demo} settings handling through the launcher (the demo itself runs in
 * {@link io.github.medvp.demo.DemoTest}).
 */
class DemoCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int launch(String... args) {
        return new Launcher(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    @Test
    void settingsThatCannotRunFailInOneLineBeforeAnyWork() {
        Path output = dir.resolve("demo");
        assertEquals(Launcher.USAGE, launch("demo", "output=" + output, "missing=mra"));
        assertTrue(err.toString().contains("setting 'missing': mra is not allowed; use one of the demo's modalities"),
                err.toString());
        err.reset();
        assertEquals(Launcher.USAGE, launch("demo", "output=" + output, "missing=xyz"));
        assertTrue(err.toString().contains("unknown modality 'xyz'"), err.toString());
        err.reset();
        assertEquals(Launcher.USAGE, launch("demo", "output=" + output, "encoder_lr=0"));
        assertTrue(err.toString().contains("setting 'encoder_lr': 0.0 is not allowed; use a number above 0 and at "
                + "most 1"), err.toString());
        err.reset();
        assertEquals(Launcher.USAGE, launch("demo", "output=" + output, "encoder_lr=0.5", "freeze_encoder=true"));
        assertTrue(err.toString().contains("use 1 with freeze_encoder"), err.toString());
        assertFalse(Files.exists(output.resolve("data")), "nothing generated");
    }
}
