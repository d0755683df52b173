package io.github.medvp.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StepTimerTest {

    @Test
    void warmUpIsDroppedAndMedianMeanThroughputAreComputed() {
        StepTimer t = new StepTimer(2, 4);
        for (double ms : new double[] {900, 800, 100, 300, 200, 400}) {
            t.record(ms);
        }
        assertEquals(4, t.measured());
        assertEquals(250, t.medianMs(), 1e-12);
        assertEquals(250, t.meanMs(), 1e-12);
        assertEquals(16.0, t.volumesPerSecond(), 1e-12);
        t.record(1000);
        assertEquals(300, t.medianMs(), 1e-12);
        assertEquals(400, t.meanMs(), 1e-12);
        assertEquals("5 steps (after 2 warm-up): median 300.0 ms, mean 400.0 ms, 10.00 volumes/s", t.report());
    }

    @Test
    void emptyTimerReportsNaNAndStartStopRecords() {
        StepTimer t = new StepTimer(0, 1);
        assertTrue(Double.isNaN(t.medianMs()));
        t.start();
        t.stop();
        assertEquals(1, t.measured());
        assertTrue(t.meanMs() >= 0);
    }
}
