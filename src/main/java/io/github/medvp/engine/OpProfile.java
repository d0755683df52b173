package io.github.medvp.engine;

import ai.djl.pytorch.jni.JniUtils;

import java.nio.file.Path;

/**
 * libtorch's operator profiler around a region of work, for benchmarks: on close it writes a JSON list with one
 * entry per operator call ({@code name}, {@code ts} and {@code dur} in microseconds of host time, {@code tid},
 * {@code shape}).
 * <p>
 * On a GPU an operator's host time is the time to queue its kernels, except where the host waits for the device: a
 * copy to the host, {@code aten::item}/{@code _local_scalar_dense}, or an op whose output size depends on the data
 * ({@code nonzero}, boolean-mask indexing). So a step that is slower than its kernels shows its host round trips as
 * the few long entries of the profile, and launch-bound code as many short ones.
 */
public final class OpProfile implements AutoCloseable {

    private static final OpProfile NONE = new OpProfile(null);

    private final Path file;

    private OpProfile(Path file) {
        this.file = file;
    }

    /**
     * Starts profiling; {@code file} null gives a profile that records nothing.
     *
     * @param file where {@link #close()} writes the profile, or null
     * @return the running profile
     */
    public static OpProfile start(Path file) {
        if (file == null) {
            return NONE;
        }
        Engines.pytorch();
        JniUtils.startProfile(false, true, false);
        return new OpProfile(file.toAbsolutePath());
    }

    /** Stops profiling and writes the file. */
    @Override
    public void close() {
        if (file != null) {
            JniUtils.stopProfile(file.toString());
        }
    }
}
