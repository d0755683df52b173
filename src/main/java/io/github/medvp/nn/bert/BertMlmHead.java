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
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * BERT's masked-language-model head ({@code cls.predictions}): a transform {@code LayerNorm(GELU(dense(x)))}
 * ({@code transform.dense}, {@code transform.LayerNorm}), then {@code logits = z Wᵀ + bias} with W (V, H).
 * <p>
 * MG-3D's head ({@code SEN_MLMHead} of the reference's {@code prediction_heads.py}) has its <b>own</b> decoder weight
 * (not tied to the embeddings); HF's {@code BertForMaskedLM} ties W to the word embeddings. Both are offered:
 * {@link #untied} owns {@code decoder.weight}, {@link #tied} reads the encoder's word-embedding table at each forward
 * (gradients flow into that table if it is trainable). The bias ({@code cls.predictions.bias}) is always the head's
 * own, zero-initialised.
 * <p>
 * Forward: {@code (x)}, x (B, L, H); returns logits (B, L, V).
 */
public final class BertMlmHead extends AbstractBlock {

    private final int hidden;
    private final int vocab;
    final Linear dense;
    final LayerNorm norm;
    final Parameter decoder;
    final Parameter bias;
    private final Parameter tiedWeight;

    private BertMlmHead(int hidden, int vocab, double eps, Parameter tiedWeight) {
        this.hidden = hidden;
        this.vocab = vocab;
        this.tiedWeight = tiedWeight;
        dense = addChildBlock("transform_dense", BertLayer.linear(hidden));
        norm = addChildBlock("transform_LayerNorm", LayerNorm.builder().axis(2).optEpsilon((float) eps).build());
        decoder = tiedWeight != null ? null : addParameter(Parameter.builder().setName("decoder")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(vocab, hidden))
                .optInitializer(new NormalInitializer(0.02f)).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(vocab)).optInitializer(Initializer.ZEROS).build());
    }

    /**
     * A head with its own decoder weight, as MG-3D's {@code mlm_head}.
     *
     * @param hidden input width H
     * @param vocabSize vocabulary size V
     * @param layerNormEps the transform's LayerNorm epsilon (1e-12 in BERT)
     * @return the head
     */
    public static BertMlmHead untied(int hidden, int vocabSize, double layerNormEps) {
        return new BertMlmHead(hidden, vocabSize, layerNormEps, null);
    }

    /**
     * A head whose decoder is the encoder's word-embedding table, as HF's {@code BertForMaskedLM}.
     *
     * @param encoder the encoder whose word embeddings to share
     * @return the head
     */
    public static BertMlmHead tied(BertEncoder encoder) {
        BertConfig c = encoder.getConfig();
        return new BertMlmHead(c.hiddenSize(), c.vocabSize(), c.layerNormEps(),
                encoder.getEmbeddings().getWordEmbeddings());
    }

    /** @return whether the decoder weight is the encoder's word-embedding table */
    public boolean isTied() {
        return tiedWeight != null;
    }

    /** @return the vocabulary size V */
    public int getVocabSize() {
        return vocab;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        return new NDList(decode(ps, transform(ps, inputs.singletonOrThrow(), training), training));
    }

    /**
     * The head's transform alone (MG-3D's SFR branch reads the transformed features in {@code SEN_MLMHead.forward}).
     *
     * @param ps the parameter store
     * @param x (B, L, H)
     * @param training whether in training mode
     * @return {@code LayerNorm(GELU(dense(x)))} (B, L, H)
     */
    public NDArray transform(ParameterStore ps, NDArray x, boolean training) {
        return Layers.apply(norm, ps, Activation.gelu(Layers.apply(dense, ps, x, training, null)), training, null);
    }

    /**
     * The decoder alone, on transformed features.
     *
     * @param ps the parameter store
     * @param z (B, L, H) from {@link #transform}
     * @param training whether in training mode
     * @return logits (B, L, V)
     */
    public NDArray decode(ParameterStore ps, NDArray z, boolean training) {
        NDArray w = ps.getValue(tiedWeight != null ? tiedWeight : decoder, z.getDevice(), training);
        NDArray b = ps.getValue(bias, z.getDevice(), training);
        return z.matMul(w.transpose()).add(b);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(vocab)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (inputShapes[0].get(inputShapes[0].dimension() - 1) != hidden) {
            throw new IllegalArgumentException("BertMlmHead: input width " + inputShapes[0] + ", expected " + hidden);
        }
        dense.initialize(manager, dataType, inputShapes[0]);
        norm.initialize(manager, dataType, inputShapes[0]);
    }
}
