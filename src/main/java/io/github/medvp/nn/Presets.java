package io.github.medvp.nn;

import io.github.medvp.nn.swin.Swin3d;

/** Encoder sizes used by the references and the parity fixtures. */
public final class Presets {

    private Presets() {
    }

    /**
     * The parity-fixture UniFormer: depths 1-1-2-1, widths 16-32-64-128, head dim 16.
     *
     * @return a builder, for in-channels and x0 to be set
     */
    public static UniFormer3d.Builder tiny() {
        return UniFormer3d.builder().setDepths(1, 1, 2, 1).setWidths(16, 32, 64, 128).optHeadDim(16);
    }

    /**
     * UniFormer-S as BrainMVP uses it: depths 3-4-8-3, widths 64-128-320-512, head dim 64
     * (22,038,464 parameters with one input channel).
     *
     * @return a builder, for in-channels and x0 to be set
     */
    public static UniFormer3d.Builder small() {
        return UniFormer3d.builder().setDepths(3, 4, 8, 3).setWidths(64, 128, 320, 512).optHeadDim(64);
    }

    /**
     * The parity-fixture Swin ({@code shared/parity/swin-tiny}): embedding 12, heads 1-2-4-8, depths 2-2-2-2,
     * window 7, patch 2 (563,178 parameters).
     *
     * @return a builder
     */
    public static Swin3d.Builder swinTiny() {
        return Swin3d.builder().setEmbedDim(12).optHeads(1, 2, 4, 8);
    }

    /**
     * MG-3D's Swin-B (the pre-training encoder): embedding 48, heads 3-6-12-24, depths 2-2-2-2, window 7, patch 2
     * (8,062,002 parameters with one input channel; final feature 768).
     *
     * @return a builder
     */
    public static Swin3d.Builder swinB() {
        return Swin3d.builder().setEmbedDim(48).optHeads(3, 6, 12, 24);
    }

    /**
     * MG-3D's Swin-L (downstream configurations): embedding 96, heads 3-6-12-24, depths 2-2-2-2
     * (31,593,474 parameters with one input channel; final feature 1536).
     *
     * @return a builder
     */
    public static Swin3d.Builder swinL() {
        return Swin3d.builder().setEmbedDim(96).optHeads(3, 6, 12, 24);
    }
}
