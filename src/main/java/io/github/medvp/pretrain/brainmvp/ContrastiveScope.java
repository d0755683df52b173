package io.github.medvp.pretrain.brainmvp;

/** Which samples BrainMVP's InfoNCE contrasts on several devices (one device: the same either way). */
public enum ContrastiveScope {
    /**
     * Each replica's own batch (default), as the reference computes the loss on each GPU's batch under DDP
     * (BrainMVP {@code losses/loss.py}, no all-gather): with several devices the losses after
     * {@code contrastive_epoch} differ from one device given the whole batch, which has more negatives.
     */
    REPLICA,
    /**
     * The global batch: every replica's embeddings gathered ({@code train.Contrastive#gathered}, gradients back to
     * each), so {@code device=cpu,cpu batch=2} logs the losses of {@code device=cpu batch=4} in every phase.
     */
    GLOBAL
}
