package io.github.medvp.train;

import ai.djl.Device;
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
    void peakHeapCoversAnAllocationAndResets() {
        MemoryProbe.resetPeaks();
        long before = MemoryProbe.peakHeap();
        byte[][] big = new byte[8][];
        for (int i = 0; i < big.length; i++) {
            big[i] = new byte[4 << 20];
        }
        assertTrue(MemoryProbe.peakHeap() >= before + 32L * 1024 * 1024 - 1024 * 1024 || big[7].length == 0,
                "32 MiB allocated, peak " + MemoryProbe.peakHeap() + " was " + before);
    }
}
