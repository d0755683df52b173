/**
 * Network blocks (DJL) of the re-implemented methods: the 3D UniFormer encoder of BrainMVP ({@link
 * io.github.medvp.nn.UniFormer3d} with {@link io.github.medvp.nn.CBlock} and {@link io.github.medvp.nn.SABlock}),
 * its pre-training {@link io.github.medvp.nn.ReconstructionDecoder} and segmentation
 * {@link io.github.medvp.nn.UnetrDecoder}, the operations DJL lacks (transposed convolution, instance norm, trilinear
 * upsampling), and the import/export of reference PyTorch state dicts ({@link io.github.medvp.nn.StateDictImport},
 * names in {@link io.github.medvp.nn.ReferenceNames}).
 * <p>
 * All blocks work on (N, C, X, Y, Z) and take the device from their inputs. Reference checkpoints whose layers ran
 * on another axis order are converted once, at import.
 */
package io.github.medvp.nn;
