package io.github.medvp.nn.bert;

import io.github.medvp.nn.Layers;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * BERT's embedding layer: word + position + token-type embeddings, LayerNorm, dropout. Position i of the input gets
 * position embedding i (absolute positions from 0).
 * <p>
 * Forward: {@code (ids)} or {@code (ids, tokenTypes)}, both (B, L) integer arrays with L ≤ max positions; returns
 * (B, L, H) in the parameters' type. Without token types every token is type 0. Initialised N(0, 0.02) as BERT's
 * {@code _init_weights}.
 */
public final class BertEmbeddings extends AbstractBlock {

    private final BertConfig config;
    final Parameter word;
    final Parameter position;
    final Parameter tokenType;
    final LayerNorm norm;
    private final Dropout dropout;

    /** @param config sizes */
    public BertEmbeddings(BertConfig config) {
        this.config = config;
        word = table("word_embeddings", config.vocabSize());
        position = table("position_embeddings", config.maxPositions());
        tokenType = table("token_type_embeddings", config.typeVocabSize());
        norm = addChildBlock("LayerNorm", BertLayer.layerNorm(config));
        dropout = addChildBlock("dropout", Dropout.builder().optRate((float) config.hiddenDropout()).build());
    }

    private Parameter table(String name, int rows) {
        return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rows, config.hiddenSize())).optInitializer(new NormalInitializer(0.02f))
                .build());
    }

    /** @return the word-embedding table (V, H), which a tied MLM decoder shares */
    public Parameter getWordEmbeddings() {
        return word;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        NDArray ids = inputs.get(0);
        long b = ids.getShape().get(0);
        long len = ids.getShape().get(1);
        if (len > config.maxPositions()) {
            throw new IllegalArgumentException("BertEmbeddings: " + len + " tokens, at most " + config.maxPositions());
        }
        NDArray w = ps.getValue(word, ids.getDevice(), training);
        int h = config.hiddenSize();
        NDArray x = w.get(ids.reshape(-1).toType(DataType.INT64, false)).reshape(b, len, h);
        NDArray pos = ps.getValue(position, ids.getDevice(), training).get("0:" + len);
        x = x.add(pos.expandDims(0));
        NDArray types = ps.getValue(tokenType, ids.getDevice(), training);
        if (inputs.size() > 1) {
            x = x.add(types.get(inputs.get(1).reshape(-1).toType(DataType.INT64, false)).reshape(b, len, h));
        } else {
            x = x.add(types.get("0:1").expandDims(0));
        }
        x = Layers.apply(norm, ps, x, training, p);
        if (config.hiddenDropout() > 0) {
            x = Layers.apply(dropout, ps, x, training, p);
        }
        return new NDList(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.hiddenSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape out = inputShapes[0].add(config.hiddenSize());
        norm.initialize(manager, dataType, out);
        dropout.initialize(manager, dataType, out);
    }
}
