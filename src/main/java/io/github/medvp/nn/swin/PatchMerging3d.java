package io.github.medvp.nn.swin;

import io.github.medvp.nn.Layers;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * MONAI 0.9's 3D {@code PatchMerging} ("merging"; the reference's copy is in
 * {@code mg3d/models/vision_encoders/swin_unetr.py}), channels-last: (N, D, H, W, C) → (N, D/2, H/2, W/2, 2C). It
 * concatenates 8 strided sub-grids, normalises (LayerNorm 8C, eps 1e-5) and reduces (Linear 8C → 2C, no bias).
 * <p>
 * The sub-grid order is the reference's, including its bug: offsets (d, h, w) = (0,0,0), (1,0,0), (0,1,0), (0,0,1),
 * (1,0,1), (0,1,0), (0,0,1), (1,1,1) — (0,1,0) and (0,0,1) appear twice and (1,1,0), (0,1,1) never. Odd sizes are
 * padded as the reference pads them, which is also buggy ({@code F.pad(x, (0, 0, 0, d % 2, 0, w % 2, 0, h % 2))}
 * pads W by d % 2, H by w % 2 and D by h % 2): only grids whose sizes are all even or all odd come out even, any
 * other grid (e.g. 4×3×4, what a 64×48×64 input gives at stage 4) makes the reference's {@code torch.cat} fail and
 * is rejected here. Parameters: 16C² + 16C.
 */
public final class PatchMerging3d extends AbstractBlock {

    /** Sub-grid offsets (D, H, W) in concatenation order, duplicates included. */
    static final int[][] OFFSETS = {
        {0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 1}, {0, 1, 0}, {0, 0, 1}, {1, 1, 1},
    };

    private final int dim;
    public final LayerNorm norm;
    public final Linear reduction;

    /** @param dim input channels C */
    public PatchMerging3d(int dim) {
        this.dim = dim;
        norm = addChildBlock("norm", Layers.lastAxisLayerNorm(5));
        reduction = addChildBlock("reduction", Layers.linear(8 * dim, 2 * dim, false));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        if (s.dimension() != 5 || s.get(4) != dim) {
            throw new IllegalArgumentException("PatchMerging3d expects (N, D, H, W, " + dim + "), got " + s);
        }
        long d = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        checkMergeable(d, h, w);
        x = Layers.padEnd(Layers.padEnd(Layers.padEnd(x, 1, h % 2), 2, w % 2), 3, d % 2);
        NDList parts = new NDList(OFFSETS.length);
        for (int[] o : OFFSETS) {
            parts.add(x.get(":, " + o[0] + "::2, " + o[1] + "::2, " + o[2] + "::2, :"));
        }
        NDArray merged = NDArrays.concat(parts, 4);
        return new NDList(Layers.apply(reduction, ps, Layers.apply(norm, ps, merged, training, p), training, p));
    }

    /** Rejects grids on which the reference's padding leaves sub-grids of different sizes (torch.cat fails). */
    private static void checkMergeable(long d, long h, long w) {
        if ((d + h % 2) % 2 != 0 || (h + w % 2) % 2 != 0 || (w + d % 2) % 2 != 0) {
            throw new IllegalArgumentException("PatchMerging3d: the reference cannot merge a grid of " + d + "×" + h
                    + "×" + w + " (its padding pads W by D % 2, H by W % 2, D by H % 2); use even sizes");
        }
    }

    /**
     * @param inputShape (N, D, H, W, C)
     * @return (N, D', H', W', 2C) with the reference's (buggy) padding, e.g. D' = (D + H % 2) / 2
     */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        long d = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        checkMergeable(d, h, w);
        return new Shape[] {new Shape(s.get(0), (d + h % 2) / 2, (h + w % 2) / 2, (w + d % 2) / 2, 2L * dim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        Shape merged = new Shape(s.get(0), 1, 1, 1, 8L * dim);
        norm.initialize(manager, dataType, merged);
        reduction.initialize(manager, dataType, merged);
    }
}
