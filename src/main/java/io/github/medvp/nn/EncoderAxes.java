package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import io.github.medvp.MedvpException;
import io.github.medvp.SettingsException;
import java.util.Locale;

/**
 * The spatial axis order an encoder's weights were trained in, relative to the project's (N, C, X, Y, Z) RAS arrays.
 * A Swin's windows, shifted-window masks, relative-position biases and patch merging are not symmetric under a
 * permutation of the axes, so pre-trained weights only compute the features they were trained to compute when the
 * axes come in their training order (see {@link io.github.medvp.nn.swin.Swin3d}). UniFormer's kernels are converted
 * at import instead ({@link StateDictImport.Layout}), so it is always {@link #XYZ}.
 */
public enum EncoderAxes {
    /** (X, Y, Z) as the task arrays are: MONAI's SwinUNETR trained on volumes as loaded; UniFormer; fresh encoders. */
    XYZ,
    /**
     * (Z, Y, X): MG-3D pre-training, which feeds its encoder (N, C, D, H, W) = the (N, C, X, Y, Z) volume transposed
     * ({@code Mg3dModel.toModelAxes}, the reference's {@code mg3d/datamodules} order).
     */
    ZYX;

    /**
     * @param volumes (N, C, X, Y, Z)
     * @return the volumes in this order (a view)
     */
    public NDArray toEncoder(NDArray volumes) {
        return this == XYZ ? volumes : volumes.transpose(0, 1, 4, 3, 2);
    }

    /**
     * @param features (N, C, …) in this order
     * @return the features in (N, C, X, Y, Z) order (a view; the permutation is its own inverse)
     */
    public NDArray toTask(NDArray features) {
        return toEncoder(features);
    }

    /** @return the name headers and messages use ({@code zyx}) */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The {@code encoder_axes} setting's value for the order the checkpoint records or implies. */
    public static final String AUTO = "auto";

    /**
     * @param value the {@code encoder_axes} setting: {@code auto}, {@code xyz} or {@code zyx}, any case
     * @return the order, null for {@code auto} (or empty)
     * @throws SettingsException for another value
     */
    public static EncoderAxes setting(String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase(AUTO)) {
            return null;
        }
        for (EncoderAxes a : values()) {
            if (a.key().equalsIgnoreCase(value.trim())) {
                return a;
            }
        }
        throw SettingsException.of("encoder_axes", "'" + value + "'", "auto (the checkpoint's), xyz or zyx");
    }

    /**
     * @param key {@code xyz} or {@code zyx}
     * @param source the file or setting that named it, for the message
     * @return the order
     * @throws MedvpException for another name
     */
    public static EncoderAxes of(String key, String source) {
        for (EncoderAxes a : values()) {
            if (a.key().equalsIgnoreCase(key)) {
                return a;
            }
        }
        throw new MedvpException(source + ": unknown encoder axis order '" + key + "'; use xyz or zyx");
    }
}
