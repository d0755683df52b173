package io.github.medvp.tasks.classification;

import io.github.medvp.engine.DeviceList;
import io.github.medvp.tasks.inference.ModalityFill;
import io.github.medvp.train.Settings;
import java.nio.file.Path;

/**
 * The settings of classification with a fine-tuned model ({@link Classification}), checked when made.
 *
 * @param model a fine-tuned classification model (a run's {@code best} checkpoint)
 * @param device the device
 * @param fill what stands in for a missing modality, null for the model's default (templates where it has them,
 *     else its training means)
 */
public record ClassifySettings(Path model, DeviceList device, ModalityFill fill) {

    /** @throws io.github.medvp.SettingsException naming the first setting that is missing */
    public ClassifySettings {
        Settings.required("model", model, "a fine-tuned classification model");
        Settings.required("device", device, "auto, cpu, gpu or gpu:N");
    }
}
