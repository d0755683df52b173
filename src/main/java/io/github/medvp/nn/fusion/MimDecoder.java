package io.github.medvp.nn.fusion;

import io.github.medvp.nn.InstanceNorm3d;
import io.github.medvp.nn.Layers;
import io.github.medvp.nn.TrilinearUpsample;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * MG-3D's MIM decoder ({@code MIM_SWINUNETR_Head(upsample="vae")} of the reference's {@code prediction_heads.py}): five
 * repeats of {@code Conv3d k3 p1 → InstanceNorm3d (no affine) → LeakyReLU(0.01) → trilinear ×2 (align_corners =
 * False)}, channels C → C/2 → C/4 → C/8 → C/16 → C/16, then {@code Conv3d(C/16 → 1, k1)} without activation: (N, C, d,
 * h, w) → (N, 1, 32d, 32h, 32w). With C = 768 that is the reference's 768 → 384 → 192 → 96 → 48 → 48 (≈10.6 M
 * parameters). PyTorch-default initialisation.
 */
public final class MimDecoder extends AbstractBlock {

    private static final int STAGES = 5;

    private final List<Conv3d> convs = new ArrayList<>();
    private final Conv3d out;
    private final int[] widths;

    /** @param in C, the encoder's final width (divisible by 16) */
    public MimDecoder(int in) {
        if (in % 16 != 0) {
            throw new IllegalArgumentException("MimDecoder: width " + in + " is not divisible by 16");
        }
        widths = new int[] {in, in / 2, in / 4, in / 8, in / 16, in / 16};
        for (int s = 0; s < STAGES; s++) {
            convs.add(addChildBlock("conv" + s, Layers.conv3dTorchDefault(widths[s], widths[s + 1], 3, 1, 1)));
        }
        out = addChildBlock("out", Layers.pointwiseTorchDefault(widths[STAGES], 1));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.singletonOrThrow();
        for (Conv3d conv : convs) {
            NDArray h = Layers.apply(conv, ps, x, training, p);
            NDArray normed = Activation.leakyRelu(InstanceNorm3d.instanceNorm(h, 1e-5f), 0.01f);
            Shape s = normed.getShape();
            x = Layers.scoped(() -> TrilinearUpsample.resize(normed, false, 2 * s.get(2), 2 * s.get(3), 2 * s.get(4)));
        }
        return new NDList(Layers.apply(out, ps, x, training, p));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        int f = 1 << STAGES;
        return new Shape[] {new Shape(s.get(0), 1, f * s.get(2), f * s.get(3), f * s.get(4))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        for (int i = 0; i < STAGES; i++) {
            convs.get(i).initialize(manager, dataType, new Shape(s.get(0), widths[i], 3, 3, 3));
        }
        out.initialize(manager, dataType, new Shape(s.get(0), widths[STAGES], 1, 1, 1));
    }
}
