package io.github.medvp.train;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Samples memory use for benchmarks and the run log: Java heap, the process's resident memory (libtorch's CPU
 * tensors live outside the heap, so RSS is what tells whether a volume size fits) and, on a GPU, device memory.
 */
public final class MemoryProbe {

    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private MemoryProbe() {
    }

    /**
     * One sample; a value is -1 where it is not available (no /proc on macOS and Windows, no GPU).
     *
     * @param heapUsed Java heap in use, bytes
     * @param heapMax Java heap limit, bytes
     * @param rss resident set size (VmRSS), bytes
     * @param peakRss peak resident set size (VmHWM), bytes
     * @param gpuUsed device memory in use, bytes
     * @param gpuTotal device memory, bytes
     */
    public record Sample(long heapUsed, long heapMax, long rss, long peakRss, long gpuUsed, long gpuTotal) {

        /** One line with every available figure in MiB. */
        public String report() {
            StringBuilder sb = new StringBuilder("heap ").append(mib(heapUsed)).append('/').append(mib(heapMax))
                    .append(" MiB");
            if (rss >= 0) {
                sb.append(", RSS ").append(mib(rss)).append(" MiB (peak ").append(mib(peakRss)).append(" MiB)");
            }
            if (gpuUsed >= 0) {
                sb.append(", GPU ").append(mib(gpuUsed)).append('/').append(mib(gpuTotal)).append(" MiB");
            }
            return sb.toString();
        }

        private static String mib(long bytes) {
            return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
        }
    }

    /** Samples now; GPU memory only when {@code device} is a GPU. */
    public static Sample sample(Device device) {
        Runtime rt = Runtime.getRuntime();
        long[] rss = {-1, -1};
        try {
            if (Files.isReadable(PROC_STATUS)) {
                rss = parseStatus(Files.readString(PROC_STATUS, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // No /proc figures: reported as unavailable.
        }
        long gpuUsed = -1;
        long gpuTotal = -1;
        if (device != null && device.isGpu()) {
            MemoryUsage u = CudaUtils.getGpuMemory(device);
            gpuUsed = u.getUsed();
            gpuTotal = u.getMax();
        }
        return new Sample(rt.totalMemory() - rt.freeMemory(), rt.maxMemory(), rss[0], rss[1], gpuUsed, gpuTotal);
    }

    /**
     * Forgets the peaks so far, so a benchmark's peaks are its own: the heap pools' peak usage and (Linux,
     * {@code clear_refs} 5) the process's peak resident size.
     */
    public static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not allowed: the RSS peak then covers the whole process.
        }
    }

    /** Peak Java heap use since the start or {@link #resetPeaks()}, bytes: the sum of the heap pools' peaks. */
    public static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** VmRSS and VmHWM in bytes from the text of {@code /proc/self/status}; -1 for a missing field. */
    static long[] parseStatus(String status) {
        long[] out = {-1, -1};
        for (String line : status.split("\n")) {
            int idx = line.startsWith("VmRSS:") ? 0 : line.startsWith("VmHWM:") ? 1 : -1;
            if (idx >= 0) {
                String[] parts = line.substring(6).trim().split("\\s+");
                long v = Long.parseLong(parts[0]);
                out[idx] = parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? v * 1024 : v;
            }
        }
        return out;
    }
}
