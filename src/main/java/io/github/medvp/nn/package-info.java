/**
 * Network blocks (DJL) of the re-implemented methods: the 3D UniFormer encoder of BrainMVP ({@link
 * io.github.medvp.nn.UniFormer3d} with {@link io.github.medvp.nn.CBlock} and {@link io.github.medvp.nn.SABlock}),
 * its pre-training {@link io.github.medvp.nn.ReconstructionDecoder} and segmentation
 * {@link io.github.medvp.nn.UnetrDecoder}, MG-3D's 3D Swin encoder ({@link io.github.medvp.nn.swin.Swin3d} with
 * {@link io.github.medvp.nn.swin.SwinBlock3d}, {@link io.github.medvp.nn.swin.WindowAttention3d} and
 * {@link io.github.medvp.nn.swin.PatchMerging3d}), its BERT text encoder ({@link io.github.medvp.nn.bert.BertEncoder} with
 * {@link io.github.medvp.nn.bert.BertEmbeddings}, {@link io.github.medvp.nn.bert.BertLayer}, sizes in
 * {@link io.github.medvp.nn.bert.BertConfig}, {@link io.github.medvp.nn.bert.BertMlmHead}, Hugging Face folders through
 * {@link io.github.medvp.nn.bert.HfBert}), MG-3D's vision-language blocks (package {@code nn.fusion}: CrossGate, ITC
 * heads, pools, the MIM decoder), the SwinUNETR decoder ({@link io.github.medvp.nn.swin.SwinUnetrDecoder}), the
 * operations DJL lacks (transposed convolution, instance norm,
 * trilinear upsampling), and the import/export of reference PyTorch state dicts
 * ({@link io.github.medvp.nn.StateDictImport}, names in {@link io.github.medvp.nn.ReferenceNames}). The downstream
 * tasks see either encoder as a {@link io.github.medvp.nn.VolumeEncoder} of an
 * {@link io.github.medvp.nn.EncoderPreset}, run in its {@link io.github.medvp.nn.EncoderAxes}.
 * <p>
 * Blocks work on (N, C, X, Y, Z) and take the device from their inputs. Reference checkpoints whose layers ran
 * on another axis order are converted once, at import. The exception is {@link io.github.medvp.nn.swin.Swin3d}, which is
 * not symmetric in its axes: it takes the reference's (N, C, D, H, W) and the caller orders the axes.
 */
package io.github.medvp.nn;
