/**
 * BrainMVP pre-training (CVPR 2025; the reference's {@code main.py}, {@code models/Uniformer.py} and
 * {@code utils/ops.py}): {@link io.github.medvp.train.BlockMask} block masking, learnable
 * {@link io.github.medvp.pretrain.brainmvp.ModalityTemplates}, the {@link io.github.medvp.pretrain.brainmvp.TwoViews}
 * (template view and cross-modal view), the losses ({@link io.github.medvp.pretrain.brainmvp.BrainMvpLosses}) and the
 * whole micro-step ({@link io.github.medvp.pretrain.brainmvp.BrainMvpStep}) over the
 * {@link io.github.medvp.pretrain.brainmvp.BrainMvpModel}.
 * <p>
 * A step is a pure function of the batch, the parameters and (seed, optimiser step, micro-step)
 * ({@link io.github.medvp.train.StepContext#random()}) and plugs into {@link io.github.medvp.train.TrainLoop} as a
 * {@link io.github.medvp.train.TrainStep} over {@link io.github.medvp.data.Batch}es; it runs batched on the device, reads nothing back to the
 * host and allocates only inside the caller's NDScope. Deliberate differences from the reference code are listed
 * where they occur: templates are exported normalised, and a study with a single distinct modality falls back to the
 * template in the cross-modal view; {@code docs/deviations-brainmvp.md} lists all of them, with fine-tuning's.
 */
package io.github.medvp.pretrain.brainmvp;
