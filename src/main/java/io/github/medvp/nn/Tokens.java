package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import io.github.medvp.engine.Scalars;

/**
 * Batched token and sentence operations of MG-3D (the reference's {@code SentenceGather} and poolers), written for
 * padded batches: the reference loops over samples with a varying number of sentences; here every sample is padded to
 * the batch's largest sentence count and a 0/1 mask says which rows are real, so one kernel covers the batch and the
 * results equal the per-sample loop.
 */
public final class Tokens {

    /** Variance epsilon of the reference's BatchNorm1d used as a per-row standardisation. */
    public static final float STANDARDISE_EPS = 1e-5f;

    private Tokens() {
    }

    /**
     * The one-hot sentence membership of every token: {@code m[b, k, t] = 1} when {@code sentenceIndex[b, t] = k + 1}
     * (sentence numbers are 1-based; −1 marks [CLS], [SEP] and padding).
     *
     * @param sentenceIndex (B, L) integer sentence number per token
     * @param sentences S, the number of sentence rows to produce
     * @return (B, S, L) float32 membership
     */
    public static NDArray membership(NDArray sentenceIndex, int sentences) {
        NDArray ids = sentenceIndex.toType(DataType.FLOAT32, false).expandDims(1);
        NDArray k = sentenceIndex.getManager().arange(1f, sentences + 1f).toDevice(sentenceIndex.getDevice(), false)
                .reshape(1, sentences, 1);
        return ids.eq(k).toType(DataType.FLOAT32, false);
    }

    /**
     * {@code SentGather}: the mean of each sentence's token features.
     *
     * @param tokens (B, L, D)
     * @param membership (B, S, L) from {@link #membership}
     * @return (B, S, D); rows of empty sentences are 0 (mask them with {@link #sentenceMask})
     */
    public static NDArray gather(NDArray tokens, NDArray membership) {
        NDArray m = membership.toType(tokens.getDataType(), false);
        NDArray counts = Scalars.maximum(m.sum(new int[] {2}, true), 1f);
        return m.matMul(tokens).div(counts);
    }

    /**
     * @param membership (B, S, L)
     * @return (B, S) 1 for sentences with at least one token
     */
    public static NDArray sentenceMask(NDArray membership) {
        return Scalars.gt(membership.sum(new int[] {2}), 0f).toType(DataType.FLOAT32, false);
    }

    /**
     * The mean over the valid rows of axis 1.
     *
     * @param x (B, S, D)
     * @param mask (B, S) 0/1, or null for all rows
     * @return (B, D)
     */
    public static NDArray maskedMean(NDArray x, NDArray mask) {
        if (mask == null) {
            return x.mean(new int[] {1});
        }
        NDArray m = mask.toType(x.getDataType(), false).expandDims(2);
        return x.mul(m).sum(new int[] {1}).div(Scalars.maximum(m.sum(new int[] {1}), 1f));
    }

    /**
     * {@code BatchNorm1d(affine=False)} applied to a (1, S, C) input, which standardises each row over its C features
     * (biased variance, eps 1e-5): the reference's Sentence_Pooler and SFR {@code fc} (the reference's
     * {@code prediction_heads.py}).
     *
     * @param x (…, C)
     * @return x standardised over the last axis
     */
    public static NDArray standardise(NDArray x) {
        int last = x.getShape().dimension() - 1;
        NDArray centred = x.sub(x.mean(new int[] {last}, true));
        return centred.div(Scalars.add(centred.square().mean(new int[] {last}, true), STANDARDISE_EPS).sqrt());
    }

    /**
     * A Linear initialised as BERT initialises its modules ({@code init_weights}: weights N(0, 0.02), zero bias),
     * which MG-3D applies to its projections, poolers and heads (in {@code MG3DTransformerSS.__init__}).
     *
     * @param out output units
     * @param bias whether the layer has a bias
     * @return the layer
     */
    public static Linear bertLinear(int out, boolean bias) {
        Linear linear = Linear.builder().setUnits(out).optBias(bias).build();
        linear.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
        if (bias) {
            linear.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        }
        return linear;
    }
}
