/**
 * Network blocks (DJL) of the re-implemented methods: the 3D UniFormer encoder of BrainMVP ({@link
 * io.github.medvp.nn.UniFormer3d} with {@link io.github.medvp.nn.CBlock} and {@link io.github.medvp.nn.SABlock}),
 * its pre-training {@link io.github.medvp.nn.ReconstructionDecoder} and segmentation
 * {@link io.github.medvp.nn.UnetrDecoder}, MG-3D's 3D Swin encoder ({@link io.github.medvp.nn.Swin3d} with
 * {@link io.github.medvp.nn.SwinBlock3d}, {@link io.github.medvp.nn.WindowAttention3d} and
 * {@link io.github.medvp.nn.PatchMerging3d}), its BERT text encoder ({@link io.github.medvp.nn.BertEncoder} with
 * {@link io.github.medvp.nn.BertEmbeddings}, {@link io.github.medvp.nn.BertLayer}, sizes in
 * {@link io.github.medvp.nn.BertConfig}, {@link io.github.medvp.nn.BertMlmHead}, Hugging Face folders through
 * {@link io.github.medvp.nn.HfBert}), the operations DJL lacks (transposed convolution, instance norm,
 * trilinear upsampling), and the import/export of reference PyTorch state dicts
 * ({@link io.github.medvp.nn.StateDictImport}, names in {@link io.github.medvp.nn.ReferenceNames}).
 * <p>
 * Blocks work on (N, C, X, Y, Z) and take the device from their inputs. Reference checkpoints whose layers ran
 * on another axis order are converted once, at import. The exception is {@link io.github.medvp.nn.Swin3d}, which is
 * not symmetric in its axes: it takes the reference's (N, C, D, H, W) and the caller orders the axes.
 */
package io.github.medvp.nn;
