package io.github.medvp.nn.swin;

import io.github.medvp.nn.Layers;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.engine.Scalars;

/**
 * Window multi-head self-attention with a learned relative-position bias, MONAI 0.9's {@code WindowAttention}
 * (the reference's copy is in {@code mg3d/models/vision_encoders/swin_unetr.py}):
 * <pre>
 * q, k, v = qkv(x)                                    Linear C → 3C with bias, split into heads
 * a = softmax(q·headDim^−½ kᵀ + B[index[:n, :n]] (+ mask))
 * out = proj(a v)                                     Linear C → C
 * </pre>
 * The bias table has (2w_d−1)(2w_h−1)(2w_w−1) rows (2197 for a 7³ window) and one column per head, initialised
 * N(0, 0.02) (the reference's {@code trunc_normal_} cuts at ±2, i.e. 100σ: no difference). Composed from NDArray ops
 * (no fused kernel), batched over windows and heads.
 * <p>
 * Forward: {@code (windows)} or {@code (windows, mask)}, windows (B·nW, n, C), mask (nW, n, n) with 0 / −100
 * entries; returns (B·nW, n, C). The index is sliced to the first n tokens of the configured window, as the
 * reference does, so a window that shrank along an axis reuses the bias entries of the full window's first n
 * tokens. Parameters: 4C² + 4C + 2197·heads for a 7³ window.
 */
public final class WindowAttention3d extends AbstractBlock {

    private final int dim;
    private final int heads;
    private final int[] window;
    public final Linear qkv;
    public final Linear proj;
    private final Parameter table;
    private final Map<List<Object>, NDArray> indexCache = new ConcurrentHashMap<>();

    /**
     * @param dim channels C, a multiple of {@code heads}
     * @param heads attention heads
     * @param window the configured window (D, H, W), 7³ in MG-3D
     */
    public WindowAttention3d(int dim, int heads, int[] window) {
        if (heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException("WindowAttention3d: width " + dim + " is not a multiple of " + heads
                    + " heads");
        }
        if (window.length != 3 || window[0] < 1 || window[1] < 1 || window[2] < 1) {
            throw new IllegalArgumentException("WindowAttention3d: window needs 3 positive sizes");
        }
        this.dim = dim;
        this.heads = heads;
        this.window = window.clone();
        qkv = addChildBlock("qkv", Layers.linear(dim, 3 * dim, true));
        proj = addChildBlock("proj", Layers.linear(dim, dim, true));
        long rows = (2L * window[0] - 1) * (2L * window[1] - 1) * (2L * window[2] - 1);
        table = addParameter(Parameter.builder().setName("relative_position_bias_table")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(rows, heads))
                .optInitializer((m, shape, type) -> m.randomNormal(0f, 0.02f, shape, type)).build());
    }

    /** @return the number of attention heads */
    public int getHeads() {
        return heads;
    }

    /** @return the configured window (D, H, W) */
    public int[] getWindow() {
        return window.clone();
    }

    /** @return the relative-position bias table, ((2w−1)³, heads) ({@code relative_position_bias_table}) */
    public Parameter getRelativePositionBiasTable() {
        return table;
    }

    /**
     * The relative-position index this block uses for windows of {@code tokens} tokens, as the reference's
     * {@code relative_position_index[:tokens, :tokens]} buffer.
     *
     * @param manager owner of the returned array
     * @param tokens tokens per window (at most the configured window's volume)
     * @return (tokens, tokens) int64
     */
    public NDArray relativePositionIndex(NDManager manager, int tokens) {
        checkTokens(tokens);
        long[] index = SwinWindows.slicedIndex(window, tokens);
        return HostArrays.copyOf(manager, index, new Shape(tokens, tokens));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        NDArray x = inputs.get(0);
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        Shape shape = x.getShape();
        long b = shape.get(0);
        int n = Math.toIntExact(shape.get(1));
        long headDim = dim / heads;
        // (B', n, 3C) -> (3, B', heads, n, headDim), the reference's split of the fused projection.
        NDArray qkvT = Layers.apply(qkv, ps, x, training, p).reshape(b, n, 3, heads, headDim)
                .transpose(2, 0, 3, 1, 4);
        NDArray q = Scalars.mul(qkvT.get(0), 1.0 / Math.sqrt(headDim));
        NDArray attn = q.matMul(qkvT.get(1).transpose(0, 1, 3, 2));
        NDArray bias = ps.getValue(table, x.getDevice(), training).get(index(n, x.getDevice()))
                .reshape(n, n, heads).transpose(2, 0, 1);
        // In place: the score arrays are the largest of the encoder (windows·heads·n² floats, 330 MB per head in
        // stage 1 of a 128×96×128 input) and an addition needs none of its inputs for the backward pass.
        attn.addi(bias);
        if (mask != null) {
            long nw = mask.getShape().get(0);
            NDArray m = mask.getDataType() == attn.getDataType() ? mask : mask.toType(attn.getDataType(), false);
            attn = attn.reshape(b / nw, nw, heads, n, n).addi(m.reshape(1, nw, 1, n, n)).reshape(b, heads, n, n);
        }
        NDArray out = attn.softmax(-1).matMul(qkvT.get(2)).transpose(0, 2, 1, 3).reshape(b, n, dim);
        return new NDList(Layers.apply(proj, ps, out, training, p));
    }

    /** The flattened sliced index on the input's device, built once per window volume and device. */
    private NDArray index(int tokens, Device device) {
        List<Object> key = List.of(tokens, device.toString());
        NDArray cached = indexCache.get(key);
        if (cached == null || cached.isReleased()) {
            checkTokens(tokens);
            // Attached to the parameters' manager, which outlives every forward, and kept out of any open scope.
            NDManager owner = table.getArray().getManager();
            try (NDScope scope = new NDScope()) {
                long[] index = SwinWindows.slicedIndex(window, tokens);
                cached = HostArrays.copyOf(owner, index, new Shape(index.length), device);
                NDScope.unregister(cached);
            }
            indexCache.put(key, cached);
        }
        return cached;
    }

    private void checkTokens(int tokens) {
        int full = window[0] * window[1] * window[2];
        if (tokens < 1 || tokens > full) {
            throw new IllegalArgumentException("WindowAttention3d: " + tokens + " tokens per window, at most " + full);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        qkv.initialize(manager, dataType, inputShapes[0]);
        proj.initialize(manager, dataType, inputShapes[0]);
    }
}
