package io.github.medvp.fiji;

import net.imagej.patcher.LegacyEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class MacroFilesTest {
    @TempDir
    Path dir;

    @Test
    void systemInfo() throws Exception {
        LegacyEnvironment ij = MacroRunner.environment(dir);
        Path out = dir.resolve("info.txt");
        ij.runMacro(Files.readString(Path.of("macros/system-info.ijm")), "output=[" + out + "]");
        assertTrue(Files.readString(out).contains("PyTorch"), Files.readString(out));
    }
}
