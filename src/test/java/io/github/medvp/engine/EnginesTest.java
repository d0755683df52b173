package io.github.medvp.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.medvp.MedvpException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnginesTest {

    @Test
    void loadsBundledLibtorchOffline() {
        assertTrue(Engines.bundledNativeOnClassPath(), "tests run with pytorch-native-cpu on the class path");
        assertEquals("2.7.1", Engines.pytorch().getVersion());
        assertEquals("true", System.getProperty("ai.djl.offline"));
        try (NDManager m = NDManager.newBaseManager(Engines.device("cpu"))) {
            NDArray a = m.arange(6f).reshape(2, 3);
            assertEquals(15f, a.sum().getFloat(), 0f);
        }
    }

    @Test
    void parsesDeviceSettings() {
        int gpus = Engines.gpuCount();
        assertEquals(Device.cpu(), Engines.device("cpu"));
        assertEquals(Device.cpu(), Engines.device(" CPU "));
        assertEquals(gpus > 0 ? Device.gpu(0) : Device.cpu(), Engines.device("auto"));
        assertEquals(gpus > 0 ? Device.gpu(0) : Device.cpu(), Engines.device(null));
        if (gpus == 0) {
            MedvpException e = assertThrows(MedvpException.class, () -> Engines.device("gpu"));
            assertTrue(e.getMessage().startsWith("device=gpu: no GPU"), e.getMessage());
        } else {
            assertEquals(Device.gpu(0), Engines.device("gpu:0"));
        }
        MedvpException far = assertThrows(MedvpException.class, () -> Engines.device("gpu:" + (gpus + 3)));
        assertTrue(far.getMessage().contains("device=gpu:" + (gpus + 3)), far.getMessage());
        for (String bad : new String[] {"tpu", "gpu:x", "gpu:", "cpu:1"}) {
            MedvpException e = assertThrows(MedvpException.class, () -> Engines.device(bad), bad);
            assertEquals("device='" + bad + "' is not one of auto, cpu, gpu, gpu:N", e.getMessage());
        }
    }

    @Test
    void nativeLoadFailureSaysWhatToSet() {
        String advice = Engines.nativeLoadAdvice("libtorch.so: cannot open shared object file");
        assertTrue(advice.contains("PYTORCH_LIBRARY_PATH"), advice);
        assertTrue(advice.contains("PYTORCH_FLAVOR"), advice);
        assertTrue(advice.contains("libtorch.so: cannot open shared object file"), advice);
        assertEquals(1, advice.lines().count(), "one line, no stack trace");
    }

    @Test
    void rejectsNegativeThreads() {
        assertThrows(MedvpException.class, () -> Engines.setThreads(-1));
    }

    @Test
    void systemInfoNamesVersionsAndDevices() {
        var info = SystemInfo.collect();
        assertEquals("2.7.1", info.get("PyTorch"));
        assertEquals("0.35.1", info.get("DJL"));
        assertTrue(info.get("Devices").startsWith("cpu()"), info.get("Devices"));
        assertEquals(Integer.toString(Runtime.getRuntime().availableProcessors()), info.get("CPU cores"));
    }
}
