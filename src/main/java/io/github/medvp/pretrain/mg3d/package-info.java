/**
 * MG-3D volume-report pre-training (arXiv 2412.05876; spec {@code mg3d.md}): {@link
 * io.github.medvp.pretrain.mg3d.Mg3dModel} (Swin + BERT, projections, CrossGate fusion, pools, heads), {@link
 * io.github.medvp.pretrain.mg3d.Mg3dStep} (the three passes and six losses of {@link
 * io.github.medvp.pretrain.mg3d.Mg3dLosses}, batched), {@link io.github.medvp.pretrain.mg3d.Mg3dData} (pairs to
 * batches), {@link io.github.medvp.pretrain.mg3d.Mg3dPretraining} (the run on the shared training loop), {@link
 * io.github.medvp.pretrain.mg3d.Mg3dCheckpoint} (self-contained checkpoints: configuration and vocabulary in the
 * header), {@link io.github.medvp.pretrain.mg3d.Mg3dEmbedder} (volume and report embeddings for zero-shot
 * classification and retrieval) and {@link io.github.medvp.pretrain.mg3d.Mg3dBenchmark}.
 * <p>
 * Defaults follow the reference code, the paper's variants are settings: {@link
 * io.github.medvp.pretrain.mg3d.MimFusion} (code by default), {@link io.github.medvp.pretrain.mg3d.CmlMode} (the
 * code's joint contrast by default; volume vs report, which zero-shot and retrieval need, as an option) and the double
 * projection (off by default: it only exists for Swin-B). Bugs of the reference fixed here: text embeddings are
 * recomputed every step (no stale cache), MIM masks voxel blocks as intended (16³, ratio 0.5), the encoder output is
 * the normalised stage-4 tokens, SFR's target carries no gradient. docs/deviations-mg3d.md lists every difference.
 */
package io.github.medvp.pretrain.mg3d;
