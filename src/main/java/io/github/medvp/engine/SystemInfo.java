package io.github.medvp.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import io.github.medvp.MedvpException;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a user (or a bug report) needs to know about this installation: Java, DJL, PyTorch, devices, memory.
 * <p>
 * Collected without failing: when the engine cannot load, the report says why and how to fix it instead.
 */
public final class SystemInfo {

    private SystemInfo() {
    }

    /** Returns the facts as ordered key/value pairs. */
    public static Map<String, String> collect() {
        Map<String, String> m = new LinkedHashMap<>();
        Runtime rt = Runtime.getRuntime();
        m.put("MedVP", version());
        m.put("Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ")");
        m.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("CPU cores", Integer.toString(rt.availableProcessors()));
        m.put("Java heap", mib(rt.totalMemory() - rt.freeMemory()) + " used of " + mib(rt.maxMemory()) + " max");
        m.put("Physical memory", physicalMemory());
        m.put("DJL", Engine.getDjlVersion());
        m.put("libtorch bundled on class path", Boolean.toString(Engines.bundledNativeOnClassPath()));
        String libPath = System.getenv("PYTORCH_LIBRARY_PATH");
        m.put("PYTORCH_LIBRARY_PATH", libPath == null ? "(not set)" : libPath);
        String flavor = System.getenv("PYTORCH_FLAVOR");
        m.put("PYTORCH_FLAVOR", flavor == null ? "(not set)" : flavor);
        try {
            Engine e = Engines.pytorch();
            m.put("PyTorch", e.getVersion());
            m.put("DJL offline", String.valueOf(System.getProperty("ai.djl.offline", "false")));
            m.put("Intra-op threads", Integer.toString(ai.djl.pytorch.jni.JniUtils.getNumThreads()));
            m.put("Inter-op threads", Integer.toString(ai.djl.pytorch.jni.JniUtils.getNumInteropThreads()));
            int gpus = e.getGpuCount();
            m.put("CUDA", CudaUtils.hasCuda() ? CudaUtils.getCudaVersionString() : "not available");
            StringBuilder devices = new StringBuilder("cpu()");
            for (int i = 0; i < gpus; i++) {
                Device d = Device.gpu(i);
                devices.append(", ").append(d);
                MemoryUsage mem = CudaUtils.getGpuMemory(d);
                m.put("GPU " + i, "compute capability " + CudaUtils.getComputeCapability(i) + ", memory "
                        + mib(mem.getUsed()) + " used of " + mib(mem.getMax()));
            }
            m.put("Devices", devices.toString());
            m.put("device=auto picks", gpus > 0 ? Device.gpu(0).toString() : Device.cpu().toString());
        } catch (MedvpException ex) {
            m.put("PyTorch", "NOT LOADED: " + ex.getMessage());
        }
        return m;
    }

    /** Renders {@link #collect()} as aligned text lines. */
    public static String report() {
        Map<String, String> m = collect();
        int width = m.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(String.format("%-" + width + "s  %s%n", k, v)));
        return sb.toString();
    }

    /** The project version from the jar manifest, or "development" when run from classes. */
    public static String version() {
        String v = SystemInfo.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    private static String physicalMemory() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            com.sun.management.OperatingSystemMXBean sun = (com.sun.management.OperatingSystemMXBean) os;
            return mib(sun.getFreeMemorySize()) + " free of " + mib(sun.getTotalMemorySize());
        }
        return "unknown";
    }

    static String mib(long bytes) {
        return String.format("%.0f MiB", bytes / (1024.0 * 1024.0));
    }
}
