package io.github.medvp.train;

import ai.djl.Device;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryProbeTest {

    @Test
    void parsesProcStatusInBytes() {
        String status = "Name:\tjava\nVmPeak:\t 9999 kB\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\nThreads:\t3\n";
        assertArrayEquals(new long[] {1024 * 1024, 2048 * 1024}, MemoryProbe.parseStatus(status));
        assertArrayEquals(new long[] {-1, -1}, MemoryProbe.parseStatus("Name:\tjava\n"));
    }

    @Test
    void reportShowsMebibytesAndOmitsMissingFigures() {
        MemoryProbe.Sample s = new MemoryProbe.Sample(1048576, 4 * 1048576, 3 * 1048576, 5 * 1048576, -1, -1);
        assertEquals("heap 1.0/4.0 MiB, RSS 3.0 MiB (peak 5.0 MiB)", s.report());
        MemoryProbe.Sample g = new MemoryProbe.Sample(0, 1048576, -1, -1, 512 * 1024, 1048576);
        assertEquals("heap 0.0/1.0 MiB, GPU 0.5/1.0 MiB", g.report());
    }

    @Test
    void samplesThisProcess() {
        MemoryProbe.Sample s = MemoryProbe.sample(Device.cpu());
        assertTrue(s.heapUsed() > 0 && s.heapMax() >= s.heapUsed());
        assertEquals(-1, s.gpuUsed());
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertTrue(s.rss() > 0 && s.peakRss() >= s.rss(), s.report());
        }
    }

    @Test
    void peakHeapCoversLiveAllocationsAndResets() {
        // Compared with the heap in use while the arrays live, not with an earlier peak: a collection of other
        // garbage in between lowers the use, so "earlier peak + 64 MiB" is not guaranteed.
        byte[][] big = new byte[16][];
        for (int i = 0; i < big.length; i++) {
            big[i] = new byte[4 << 20];
        }
        long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long peak = MemoryProbe.peakHeap();
        assertTrue(live >= 64L << 20 && big[15].length > 0, "heap in use " + live);
        assertTrue(peak >= live, "peak " + peak + " below the heap in use " + live);
        big = null;
        System.gc();
        MemoryProbe.resetPeaks();
        long after = MemoryProbe.peakHeap();
        assertTrue(after < peak - (32L << 20), "peak after the reset " + after + ", before " + peak);
    }
}
