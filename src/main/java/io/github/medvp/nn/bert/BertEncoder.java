package io.github.medvp.nn.bert;

import io.github.medvp.nn.Layers;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import io.github.medvp.engine.Scalars;

/**
 * A BERT encoder (Hugging Face's {@code BertModel} without the pooler): {@link BertEmbeddings} followed by
 * {@link BertConfig#layers()} post-LN {@link BertLayer}s. MG-3D's text encoder
 * ({@code MG3DTransformerSS.language_encoder}) is {@link BertConfig#base} loaded from RadBERT ({@link HfBert#load});
 * {@link BertConfig#tiny} is trained from scratch.
 * <p>
 * Forward: {@code (ids, attentionMask)} or {@code (ids, attentionMask, tokenTypes)}: ids (B, L) integer token ids,
 * attentionMask (B, L) with 1 for real tokens and 0 for padding (any numeric type), tokenTypes (B, L) integer;
 * returns {@code NDList(last)}, the last hidden state (B, L, H). {@link #hiddenStates} returns all L+1 hidden states
 * (embeddings first, as HF's {@code output_hidden_states}); {@link #encode} runs the layers on embeddings computed
 * separately (MG-3D embeds under no-grad and runs the layers on the result). Padding is excluded as keys of the
 * attention (adds −10000 to their scores, as BERT does); padded positions still get (meaningless) outputs.
 * <p>
 * Initialise with {@code initialize(manager, FLOAT32, new Shape(B, L), new Shape(B, L))}. {@link #setTrainable}
 * freezes or unfreezes every parameter; dropout follows the {@code training} flag of the forward call.
 */
public final class BertEncoder extends AbstractBlock {

    /** Score added for padding keys: BERT's value (HF transformers 4.11, which the reference uses). */
    public static final float MASKED_SCORE = -10000f;

    private final BertConfig config;
    private final BertEmbeddings embeddings;
    private final List<BertLayer> layers = new ArrayList<>();

    /** @param config sizes */
    public BertEncoder(BertConfig config) {
        this.config = config;
        embeddings = addChildBlock("embeddings", new BertEmbeddings(config));
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock("layer_" + i, new BertLayer(config)));
        }
    }

    /** @return the sizes */
    public BertConfig getConfig() {
        return config;
    }

    /** @return the embedding layer */
    public BertEmbeddings getEmbeddings() {
        return embeddings;
    }

    /** @return the transformer layers, in order */
    public List<BertLayer> getLayers() {
        return Collections.unmodifiableList(layers);
    }

    /**
     * Freezes ({@code false}) or unfreezes ({@code true}) every parameter of the encoder: frozen parameters get no
     * gradient, so an optimiser leaves them unchanged.
     *
     * @param trainable whether the parameters require gradients
     */
    public void setTrainable(boolean trainable) {
        freezeParameters(!trainable);
    }

    /** @return whether every parameter requires gradients */
    public boolean isTrainable() {
        for (var pair : getParameters()) {
            Parameter param = pair.getValue();
            if (!param.requiresGradient()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The additive attention mask of BERT: 0 where {@code attentionMask} is non-zero, {@link #MASKED_SCORE} elsewhere.
     *
     * @param attentionMask (B, L), 1 for tokens to attend
     * @return (B, 1, 1, L) float32 on the same device
     */
    public static NDArray additiveMask(NDArray attentionMask) {
        Shape s = attentionMask.getShape();
        NDArray valid = Scalars.neq(attentionMask.toType(DataType.FLOAT32, false), 0).toType(DataType.FLOAT32, false);
        return Scalars.mul(Scalars.sub(valid, 1), -MASKED_SCORE).reshape(s.get(0), 1, 1, s.get(1));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        NDList all = hiddenStates(ps, inputs, training, false, p);
        return new NDList(all.get(all.size() - 1));
    }

    /**
     * All hidden states: the embedding output, then each layer's output.
     *
     * @param ps the parameter store
     * @param inputs {@code (ids, attentionMask)} or {@code (ids, attentionMask, tokenTypes)}, see the class comment
     * @param training whether dropout is active
     * @return L+1 arrays of (B, L, H)
     */
    public NDList hiddenStates(ParameterStore ps, NDList inputs, boolean training) {
        return hiddenStates(ps, inputs, training, true, null);
    }

    private NDList hiddenStates(ParameterStore ps, NDList inputs, boolean training, boolean keepAll,
            PairList<String, Object> p) {
        if (inputs.size() < 2) {
            throw new IllegalArgumentException("BertEncoder: expected (ids, attentionMask[, tokenTypes])");
        }
        NDList embedInputs = inputs.size() > 2 ? new NDList(inputs.get(0), inputs.get(2)) : new NDList(inputs.get(0));
        NDArray x = Layers.forward(embeddings, ps, embedInputs, training, p).singletonOrThrow();
        return run(ps, x, inputs.get(1), training, keepAll, p);
    }

    /**
     * Runs the transformer layers on embeddings computed separately (e.g. by {@link #getEmbeddings()} under
     * no-grad, or with some rows replaced).
     *
     * @param ps the parameter store
     * @param embedded (B, L, H) embedding-layer output
     * @param attentionMask (B, L), 1 for real tokens
     * @param training whether dropout is active
     * @return the last hidden state (B, L, H)
     */
    public NDArray encode(ParameterStore ps, NDArray embedded, NDArray attentionMask, boolean training) {
        NDList all = run(ps, embedded, attentionMask, training, false, null);
        return all.get(all.size() - 1);
    }

    private NDList run(ParameterStore ps, NDArray x, NDArray attentionMask, boolean training, boolean keepAll,
            PairList<String, Object> p) {
        NDArray mask = additiveMask(attentionMask);
        NDList out = new NDList();
        out.add(x);
        for (BertLayer layer : layers) {
            x = Layers.forward(layer, ps, new NDList(x, mask), training, p).singletonOrThrow();
            if (keepAll) {
                out.add(x);
            } else {
                out.set(0, x);
            }
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.hiddenSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        embeddings.initialize(manager, dataType, inputShapes[0]);
        Shape hidden = inputShapes[0].add(config.hiddenSize());
        for (BertLayer layer : layers) {
            layer.initialize(manager, dataType, hidden, new Shape(hidden.get(0), 1, 1, hidden.get(1)));
        }
    }
}
