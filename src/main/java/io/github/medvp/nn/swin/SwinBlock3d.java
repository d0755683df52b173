package io.github.medvp.nn.swin;

import io.github.medvp.nn.Layers;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One Swin Transformer block of MONAI 0.9 ({@code SwinTransformerBlock} of the reference's
 * {@code mg3d/models/vision_encoders/swin_unetr.py}), channels-last on (N, D, H, W, C):
 * <pre>
 * x = x + crop(unshift(reverse(WindowMSA(partition(shift(pad(norm1(x))))))))
 * x = x + linear2(GELU(linear1(norm2(x))))            MLP C → 4C → C
 * </pre>
 * The shift is 0 or window / 2 per axis; along an axis whose size is ≤ the window, the window shrinks to that size
 * and the shift becomes 0. The grid is zero-padded at the end of each axis to a multiple of the window after
 * {@code norm1}, so padded tokens take part in attention (as in the reference) and are cropped afterwards. Shifted
 * windows mask attention between tokens that were not neighbours before the cyclic shift with −100.
 * <p>
 * Pad, {@code roll}, window partition and their inverses are pure data movement: they are done as one gather each
 * with indices computed once per grid size ({@link SwinWindows}). Parameters: 12C² + 13C + 2197·heads (7³ window,
 * MLP ratio 4). The three spatial axes are the reference's (D, H, W), in that order: shrinking and shifting are not
 * symmetric in them.
 */
public final class SwinBlock3d extends AbstractBlock {

    private final int dim;
    private final int[] window;
    private final int[] shift;
    private final SwinWindows.Cache plans;
    public final LayerNorm norm1;
    public final WindowAttention3d attn;
    public final LayerNorm norm2;
    public final Linear linear1;
    public final Linear linear2;

    /**
     * @param dim channels C
     * @param heads attention heads
     * @param window cubic window size (7 in MG-3D)
     * @param shifted whether this block shifts its windows by window / 2 (every second block of a stage)
     * @param mlpRatio MLP hidden width relative to C (4 in MG-3D)
     */
    public SwinBlock3d(int dim, int heads, int window, boolean shifted, int mlpRatio) {
        this(dim, heads, window, shifted, mlpRatio, new SwinWindows.Cache());
    }

    SwinBlock3d(int dim, int heads, int window, boolean shifted, int mlpRatio, SwinWindows.Cache plans) {
        if (window < 1 || mlpRatio < 1) {
            throw new IllegalArgumentException("SwinBlock3d: window and MLP ratio must be >= 1");
        }
        this.dim = dim;
        this.window = new int[] {window, window, window};
        int s = shifted ? window / 2 : 0;
        this.shift = new int[] {s, s, s};
        this.plans = plans;
        norm1 = addChildBlock("norm1", Layers.lastAxisLayerNorm(5));
        attn = addChildBlock("attn", new WindowAttention3d(dim, heads, this.window));
        norm2 = addChildBlock("norm2", Layers.lastAxisLayerNorm(5));
        linear1 = addChildBlock("linear1", Layers.linear(dim, dim * mlpRatio, true));
        linear2 = addChildBlock("linear2", Layers.linear(dim * mlpRatio, dim, true));
    }

    /** @return the configured shift (D, H, W): 0 or window / 2 */
    public int[] getShift() {
        return shift.clone();
    }

    /** @return the window attention ({@code attn} in the reference) */
    public WindowAttention3d getAttention() {
        return attn;
    }

    /**
     * The window and shift this block uses on a grid, after the reference's shrinking rule.
     *
     * @param d grid size along D
     * @param h grid size along H
     * @param w grid size along W
     * @return {window, shift}, each (D, H, W)
     */
    public int[][] effectiveWindowAndShift(long d, long h, long w) {
        return SwinWindows.effective(new long[] {d, h, w}, window, shift);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        if (shape.dimension() != 5 || shape.get(4) != dim) {
            throw new IllegalArgumentException("SwinBlock3d expects (N, D, H, W, " + dim + "), got " + shape);
        }
        long n = shape.get(0);
        long[] grid = {shape.get(1), shape.get(2), shape.get(3)};
        SwinWindows.Plan plan = plans.get(grid, window, shift,
                attn.getRelativePositionBiasTable().getArray().getManager(), x.getDevice());

        NDArray tokens = Layers.apply(norm1, ps, x, training, p).reshape(n, -1, dim);
        if (plan.padded()) {
            // The zero token every padded position gathers (the reference pads after norm1).
            tokens = Layers.padEnd(tokens, 1, 1);
        }
        NDArray windows = tokens.get(new NDIndex(":, {}", plan.partition()))
                .reshape(n * plan.windows(), plan.tokens(), dim);
        NDList attnIn = plan.mask() == null ? new NDList(windows) : new NDList(windows, plan.mask());
        NDArray attended = attn.forward(ps, attnIn, training, p).singletonOrThrow()
                .reshape(n, (long) plan.windows() * plan.tokens(), dim);
        NDArray back = attended.get(new NDIndex(":, {}", plan.reverse())).reshape(shape);
        x = x.add(back);
        NDArray hidden = Activation.gelu(Layers.apply(linear1, ps, Layers.apply(norm2, ps, x, training, p),
                training, p));
        return new NDList(x.add(Layers.apply(linear2, ps, hidden, training, p)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        norm1.initialize(manager, dataType, shape);
        attn.initialize(manager, dataType, new Shape(1, 1, dim));
        norm2.initialize(manager, dataType, shape);
        linear1.initialize(manager, dataType, shape);
        linear2.initialize(manager, dataType, Layers.outShape(linear1, shape));
    }
}
