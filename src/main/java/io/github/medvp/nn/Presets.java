package io.github.medvp.nn;

/** Encoder sizes used by the reference and the parity fixtures. */
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
}
