package io.github.medvp.nn.bert;

import io.github.medvp.nn.Layers;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.github.medvp.engine.Scalars;

/**
 * One post-LN BERT transformer layer, Hugging Face's {@code BertLayer}:
 * <pre>
 * a = LN(x + drop(dense(MHA(x, mask))))          attention.self.{query,key,value}, attention.output.{dense,LayerNorm}
 * y = LN(a + drop(out(GELU(inter(a)))))          intermediate.dense, output.{dense,LayerNorm}
 * MHA: softmax(q kᵀ / √d_head + mask) v, per head, attention-probability dropout
 * </pre>
 * Multi-head attention is composed from NDArray ops (DJL has no fused kernel); GELU is the exact (erf) one.
 * <p>
 * Forward: {@code (x, additiveMask)}, x (B, L, H), additiveMask (B, 1, 1, L) with 0 for tokens to attend and a
 * large negative number for padding (see {@link BertEncoder#additiveMask}); or {@code (x)} alone to attend to all
 * tokens. Returns (B, L, H).
 */
public final class BertLayer extends AbstractBlock {

    private final BertConfig config;
    final Linear query;
    final Linear key;
    final Linear value;
    final Linear attentionOut;
    final LayerNorm attentionNorm;
    final Linear intermediate;
    final Linear output;
    final LayerNorm outputNorm;
    private final Dropout attentionDropout;
    private final Dropout hiddenDropout;

    /** @param config sizes */
    public BertLayer(BertConfig config) {
        this.config = config;
        int h = config.hiddenSize();
        query = addChildBlock("query", linear(h));
        key = addChildBlock("key", linear(h));
        value = addChildBlock("value", linear(h));
        attentionOut = addChildBlock("attention_output", linear(h));
        attentionNorm = addChildBlock("attention_LayerNorm", layerNorm(config));
        intermediate = addChildBlock("intermediate", linear(config.intermediateSize()));
        output = addChildBlock("output", linear(h));
        outputNorm = addChildBlock("output_LayerNorm", layerNorm(config));
        attentionDropout = addChildBlock("attention_dropout",
                Dropout.builder().optRate((float) config.attentionDropout()).build());
        hiddenDropout = addChildBlock("hidden_dropout",
                Dropout.builder().optRate((float) config.hiddenDropout()).build());
    }

    /** A Linear with BERT's initialisation: weights N(0, 0.02), zero bias. */
    static Linear linear(int units) {
        Linear linear = Linear.builder().setUnits(units).build();
        linear.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
        linear.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        return linear;
    }

    /** A LayerNorm over the last axis of (B, L, H) with the configuration's epsilon. */
    static LayerNorm layerNorm(BertConfig config) {
        return LayerNorm.builder().axis(2).optEpsilon((float) config.layerNormEps()).build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        NDArray x = inputs.get(0);
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        long b = x.getShape().get(0);
        long len = x.getShape().get(1);
        int heads = config.heads();
        long headDim = config.hiddenSize() / heads;
        NDArray q = heads(Layers.apply(query, ps, x, training, p), b, len, heads, headDim);
        NDArray k = heads(Layers.apply(key, ps, x, training, p), b, len, heads, headDim);
        NDArray v = heads(Layers.apply(value, ps, x, training, p), b, len, heads, headDim);
        NDArray scores = Scalars.mul(q, 1.0 / Math.sqrt(headDim)).matMul(k.transpose(0, 1, 3, 2));
        if (mask != null) {
            scores = scores.add(mask.getDataType() == scores.getDataType() ? mask
                    : mask.toType(scores.getDataType(), false));
        }
        NDArray probs = scores.softmax(-1);
        if (config.attentionDropout() > 0) {
            probs = Layers.apply(attentionDropout, ps, probs, training, p);
        }
        NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, len, config.hiddenSize());
        NDArray a = Layers.apply(attentionNorm, ps,
                x.add(dropout(Layers.apply(attentionOut, ps, context, training, p), ps, training, p)), training, p);
        NDArray ffn = Activation.gelu(Layers.apply(intermediate, ps, a, training, p));
        NDArray y = Layers.apply(outputNorm, ps,
                a.add(dropout(Layers.apply(output, ps, ffn, training, p), ps, training, p)), training, p);
        return new NDList(y);
    }

    private NDArray dropout(NDArray x, ParameterStore ps, boolean training, PairList<String, Object> p) {
        return config.hiddenDropout() > 0 ? Layers.apply(hiddenDropout, ps, x, training, p) : x;
    }

    /** (B, L, H) -> (B, heads, L, headDim). */
    private static NDArray heads(NDArray x, long b, long len, int heads, long headDim) {
        return x.reshape(b, len, heads, headDim).transpose(0, 2, 1, 3);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        Shape inner = new Shape(x.get(0), x.get(1), config.intermediateSize());
        for (Linear l : new Linear[] {query, key, value, attentionOut, intermediate}) {
            l.initialize(manager, dataType, x);
        }
        output.initialize(manager, dataType, inner);
        attentionNorm.initialize(manager, dataType, x);
        outputNorm.initialize(manager, dataType, x);
        attentionDropout.initialize(manager, dataType, new Shape(x.get(0), config.heads(), x.get(1), x.get(1)));
        hiddenDropout.initialize(manager, dataType, x);
    }
}
