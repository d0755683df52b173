package io.github.medvp.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.util.Arrays;
import java.util.Locale;

/**
 * Times steps for benchmarks: the first {@code warmup} steps (allocator growth, kernel selection, JIT) are
 * dropped, the rest summarised as median and mean milliseconds and volumes per second.
 * <p>
 * On a GPU, work is asynchronous: call {@link #stop()} after something that waits for the step (reading its loss),
 * or the time measured is only the time to queue the kernels.
 */
public final class StepTimer {

    private final int warmup;
    private final int volumesPerStep;
    private double[] ms = new double[64];
    private int count;
    private int seen;
    private long started = -1;

    /**
     * @param warmup steps to ignore at the start
     * @param volumesPerStep volumes processed per step (batch size x accumulation), for the throughput
     */
    public StepTimer(int warmup, int volumesPerStep) {
        if (warmup < 0 || volumesPerStep < 1) {
            throw new IllegalArgumentException("warm-up must be >= 0 and volumes per step >= 1");
        }
        this.warmup = warmup;
        this.volumesPerStep = volumesPerStep;
    }

    /**
     * Waits for the device: reads one element of {@code a}, which returns once every kernel queued before has run.
     * Benchmarks only: in a training step it would be a host round trip.
     */
    public static void await(NDArray a) {
        a.reshape(-1).get(0).toType(DataType.FLOAT32, false).getFloat();
    }

    /** Marks the start of a step. */
    public void start() {
        started = System.nanoTime();
    }

    /** Marks the end of the step started last and records it. */
    public void stop() {
        if (started < 0) {
            throw new IllegalStateException("stop() without start()");
        }
        record((System.nanoTime() - started) / 1e6);
        started = -1;
    }

    /** Records one step of {@code millis} (warm-up steps are counted but not kept). */
    public void record(double millis) {
        if (seen++ < warmup) {
            return;
        }
        if (count == ms.length) {
            ms = Arrays.copyOf(ms, count * 2);
        }
        ms[count++] = millis;
    }

    /** Steps kept (after warm-up). */
    public int measured() {
        return count;
    }

    /** Median step time in ms (mean of the two middle values for an even count); NaN when nothing was kept. */
    public double medianMs() {
        if (count == 0) {
            return Double.NaN;
        }
        double[] s = Arrays.copyOf(ms, count);
        Arrays.sort(s);
        return count % 2 == 1 ? s[count / 2] : (s[count / 2 - 1] + s[count / 2]) / 2;
    }

    /** Mean step time in ms; NaN when nothing was kept. */
    public double meanMs() {
        if (count == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += ms[i];
        }
        return sum / count;
    }

    /** Throughput over the kept steps: volumes per step divided by the mean step time. */
    public double volumesPerSecond() {
        return volumesPerStep * 1000.0 / meanMs();
    }

    /** One line: steps kept, median, mean, volumes/s. */
    public String report() {
        return String.format(Locale.ROOT, "%d steps (after %d warm-up): median %.1f ms, mean %.1f ms, %.2f volumes/s",
                count, Math.min(seen, warmup), medianMs(), meanMs(), volumesPerSecond());
    }
}
