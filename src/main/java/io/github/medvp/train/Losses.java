package io.github.medvp.train;

import ai.djl.ndarray.NDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link TrainStep} returns for one micro-batch: the scalar to minimise and named scalar parts for the log
 * (e.g. {@code recon}, {@code consistency}). All stay on the device; the loop averages them there and reads them
 * once per log interval.
 *
 * @param total the 0-dimensional loss that is back-propagated (a mean over the micro-batch)
 * @param parts named 0-dimensional parts, logged only (may be empty)
 */
public record Losses(NDArray total, Map<String, NDArray> parts) {

    public Losses {
        parts = new LinkedHashMap<>(parts);
    }

    /** A loss without parts. */
    public static Losses of(NDArray total) {
        return new Losses(total, Map.of());
    }
}
