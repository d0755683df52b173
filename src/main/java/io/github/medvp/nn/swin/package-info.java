/**
 * MG-3D's 3D Swin Transformer encoder, as MONAI's SwinUNETR {@code swinViT}: {@link io.github.medvp.nn.swin.Swin3d}
 * with {@link io.github.medvp.nn.swin.SwinBlock3d}, shifted windows ({@link io.github.medvp.nn.swin.SwinWindows}),
 * {@link io.github.medvp.nn.swin.WindowAttention3d} and {@link io.github.medvp.nn.swin.PatchMerging3d}. It takes the
 * reference's (N, C, D, H, W) axis order.
 */
package io.github.medvp.nn.swin;
