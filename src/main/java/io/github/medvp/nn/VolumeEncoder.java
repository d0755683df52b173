package io.github.medvp.nn;

import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv3d;

/**
 * What the downstream tasks need of a 3D image encoder, so that fine-tuning, inference and feature extraction treat
 * BrainMVP's {@link UniFormer3d} and MG-3D's {@link io.github.medvp.nn.swin.Swin3d} alike: forward maps
 * {@code (x)} (N, C_in, A, B, C) to its multi-scale feature maps, the deepest last, each channels-first and halving
 * every spatial axis from the one before.
 * <ul>
 * <li>{@link UniFormer3d}: {@code (x1, x2, x3, x4)} at 1/2 … 1/16 (x4 after the final BatchNorm);</li>
 * <li>{@link io.github.medvp.nn.swin.Swin3d}: {@code (x0, x1, x2, x3, x4)} at 1/2 … 1/32 (MONAI's
 * {@code SwinTransformer} outputs, each through a non-affine channel LayerNorm).</li>
 * </ul>
 * The stem is the one convolution that sees the input channels: the parameter whose shape changes with the number
 * of modalities, re-initialised or inflated when a checkpoint has other input channels.
 */
public interface VolumeEncoder extends Block {

    /** @return input channels (modalities) */
    int getInChannels();

    /**
     * @return channels of each feature map forward returns, in order (the deepest last); its length is the number of
     *     outputs
     */
    int[] getFeatureWidths();

    /**
     * @return the convolution applied to the input (UniFormer's {@code patch_embed1.proj}, Swin's
     *     {@code patch_embed})
     */
    Conv3d getStem();

    /**
     * @return the child-block name that contains the stem in parameter names ({@code patch_embed1} of
     *     {@code 01patch_embed1_01Conv3d_weight}); no other parameter of the encoder has it in its name
     */
    String getStemName();
}
