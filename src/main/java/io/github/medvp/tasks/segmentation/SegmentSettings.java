package io.github.medvp.tasks.segmentation;

import io.github.medvp.engine.DeviceList;
import io.github.medvp.tasks.inference.Blending;
import io.github.medvp.tasks.inference.ModalityFill;
import io.github.medvp.train.Settings;
import java.nio.file.Path;

/**
 * The settings of segmentation with a fine-tuned model ({@link Segmentation}), checked when made. Defaults are the
 * reference's sliding-window inference (MONAI's {@code sliding_window_inference} in BrainMVP's {@code main.py}):
 * overlap 0.5, constant blending, one window per forward pass.
 *
 * @param model a fine-tuned segmentation model (a run's {@code best} checkpoint)
 * @param device the device
 * @param overlap window overlap, from 0 to {@link #MAX_OVERLAP}
 * @param blending weights of overlapping windows
 * @param windowBatch windows per forward pass
 * @param probabilities also compute probability maps
 * @param fill what stands in for a missing modality, null for the model's default (templates where it has them,
 *     else its training means)
 */
public record SegmentSettings(Path model, DeviceList device, double overlap, Blending blending, int windowBatch,
        boolean probabilities, ModalityFill fill) {

    /** The largest overlap: at 1 the windows would not advance. */
    public static final double MAX_OVERLAP = 0.95;

    /** @throws io.github.medvp.SettingsException naming the first setting out of its range */
    public SegmentSettings {
        Settings.required("model", model, "a fine-tuned segmentation model");
        Settings.required("device", device, "auto, cpu, gpu or gpu:N");
        Settings.range("overlap", overlap, 0, MAX_OVERLAP);
        Settings.required("blending", blending, "constant or gaussian");
        Settings.range("window_batch", windowBatch, 1, 1024);
    }

    /**
     * @param model a fine-tuned segmentation model
     * @param device the device setting as written ({@code cpu})
     * @return the reference's inference: overlap 0.5, constant blending, one window per pass, no probability maps,
     *     the model's default fill
     */
    public static SegmentSettings of(Path model, String device) {
        return new SegmentSettings(model, DeviceList.parse(device), 0.5, Blending.CONSTANT, 1, false, null);
    }

    /** @param fill what stands in for a missing modality, null for the model's default @return a copy with it */
    public SegmentSettings withFill(ModalityFill fill) {
        return new SegmentSettings(model, device, overlap, blending, windowBatch, probabilities, fill);
    }
}
