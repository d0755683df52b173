package io.github.medvp.pretrain.brainmvp;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * What one training step computed, all on the device (nothing is read to the host).
 *
 * @param total the loss to back-propagate (0-d)
 * @param components named terms for logging (0-d each), in a fixed order
 */
public record StepLosses(NDArray total, Map<String, NDArray> components) {

    /** Copies the map (keeps its order). */
    public StepLosses {
        components = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(components));
    }
}
