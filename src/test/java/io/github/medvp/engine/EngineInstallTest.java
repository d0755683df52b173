package io.github.medvp.engine;

import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Install Engine decides and says without a network; the download itself needs one. */
class EngineInstallTest {

    @Test
    void flavourChoice() {
        assertNull(EngineInstall.flavour("auto", false));
        assertNull(EngineInstall.flavour(null, true));
        assertEquals("cpu", EngineInstall.flavour("CPU", true));
        assertNull(EngineInstall.flavour("cuda", true), "DJL matches the CUDA build to the driver");
        MedvpException noGpu = assertThrows(MedvpException.class, () -> EngineInstall.flavour("cuda", false));
        assertTrue(noGpu.getMessage().startsWith("flavour=cuda but no CUDA GPU is visible"), noGpu.getMessage());
        MedvpException bad = assertThrows(MedvpException.class, () -> EngineInstall.flavour("rocm", false));
        assertEquals("flavour must be auto, cpu or cuda, got 'rocm'", bad.getMessage());
    }

    @Test
    void offlineAdviceNamesEveryRoute() {
        String a = EngineInstall.offlineAdvice();
        for (String s : new String[] {"jars/", "pytorch-native-cpu", "linux-x86_64", "PYTORCH_LIBRARY_PATH",
            "PYTORCH_FLAVOR", EngineInstall.cacheDir().toString(), "2.7.1"}) {
            assertTrue(a.contains(s), s + " missing from: " + a);
        }
    }

    @Test
    void withTheBundledNativeJarNothingIsDownloaded() {
        Progress progress = Progress.NONE;
        String report = EngineInstall.install("cpu", progress);
        assertTrue(report.startsWith("PyTorch 2.7.1 is ready (the pytorch-native jar on the class path); GPUs "
                + "visible: "), report);
        assertTrue(report.contains("\nlibtorch: "), report);
    }

    @Test
    void downloadProgressCountsBytesArrivingInTheCache(@TempDir Path dir) throws Exception {
        assertEquals(0, EngineInstall.size(dir.resolve("absent")));
        Files.write(dir.resolve("a"), new byte[1000]);
        Files.createDirectories(dir.resolve("lib"));
        Files.write(dir.resolve("lib").resolve("libtorch.so"), new byte[24]);
        assertEquals(1024, EngineInstall.size(dir));
    }
}
