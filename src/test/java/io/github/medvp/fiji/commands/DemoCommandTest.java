package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.Launched;
import io.github.medvp.fiji.Launcher;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void settingsThatCannotRunFailInOneLineBeforeAnyWork() {
        Path output = dir.resolve("demo");
        String err = Launched.run("demo", "output=" + output, "missing=mra").expect(Launcher.USAGE).err();
        assertTrue(err.contains("setting 'missing': mra is not allowed; use one of the demo's modalities"), err);
        err = Launched.run("demo", "output=" + output, "missing=xyz").expect(Launcher.USAGE).err();
        assertTrue(err.contains("unknown modality 'xyz'"), err);
        err = Launched.run("demo", "output=" + output, "encoder_lr=0").expect(Launcher.USAGE).err();
        assertTrue(err.contains("setting 'encoder_lr': 0.0 is not allowed; use a number above 0 and at most 1"), err);
        err = Launched.run("demo", "output=" + output, "encoder_lr=0.5", "freeze_encoder=true")
                .expect(Launcher.USAGE).err();
        assertTrue(err.contains("use 1 with freeze_encoder"), err);
        assertFalse(Files.exists(output.resolve("data")), "nothing generated");
    }
}
