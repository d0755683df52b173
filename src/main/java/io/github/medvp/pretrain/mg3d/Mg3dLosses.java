package io.github.medvp.pretrain.mg3d;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.engine.DeviceConstants;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.engine.Replica;
import io.github.medvp.engine.Scalars;
import io.github.medvp.train.Contrastive;
import java.util.List;

/**
 * The six MG-3D loss terms ({@code compute_sen_mlm}, {@code compute_swin_unetr_mim} and {@code compute_local_itc} in
 * the reference's {@code mg3d/models/objectives.py}) as device scalars, batched over padded sentence rows: every
 * {@code mask} is (B, S) with 1 for a real sentence, so a padded batch gives the value of the reference's per-sample
 * loop.
 */
public final class Mg3dLosses {

    /** Label of positions the MLM loss ignores (HF's {@code -100}). */
    public static final int IGNORE = -100;
    /** ε of {@code F.cosine_similarity} in SFR and SSM. */
    public static final double COS_EPS = 1e-6;
    /** The reference divides the masked MSE by the mask ratio 0.5 ({@code compute_swin_unetr_mim}). */
    public static final double MIM_DIVISOR = 0.5;
    /** SSM: sentence pairs with reference similarity at least this regress to it. */
    public static final double SSM_POSITIVE = 0.9;
    /** SSM: sentence pairs with reference similarity at most this regress to 0. */
    public static final double SSM_NEGATIVE = 0.6;

    private Mg3dLosses() {
    }

    /**
     * L_MLM: cross entropy with ignore index −100, the mean over the positions that have a label.
     *
     * @param logits (B, L, V)
     * @param labels (B, L) integer class or {@link #IGNORE}
     * @return the loss (0-d); 0 when no position has a label
     */
    public static NDArray mlm(NDArray logits, NDArray labels) {
        NDArray valid = Scalars.neq(labels, IGNORE).toType(logits.getDataType(), false);
        NDArray index = Scalars.maximum(labels, 0).toType(DataType.INT64, false).expandDims(2);
        NDArray picked = logits.logSoftmax(2).gather(index, 2).squeeze(2);
        // Over the labelled positions of the global batch in a data-parallel step (one device's value).
        return Replica.sum(picked.mul(valid).sum()).neg().div(Scalars.maximum(Replica.sum(valid.sum()), 1f));
    }

    /**
     * L_SFR before its weight: {@code (1/B) Σ_b Σ_k [1 − cos(R_bk, G_bk)]} over the real sentences (the reference's
     * {@code 0.1·…} is the weight of the total, see {@link Mg3dStep}). Gradient flows into whatever side carries it;
     * {@link Mg3dStep} passes a target without gradient.
     *
     * @param reconstructed R (B, S, 8)
     * @param target G (B, S, 8)
     * @param mask (B, S)
     * @return the loss (0-d)
     */
    public static NDArray sfr(NDArray reconstructed, NDArray target, NDArray mask) {
        long b = reconstructed.getShape().get(0);
        NDArray cos = cosine(reconstructed, target);
        return Scalars.div(mask.toType(cos.getDataType(), false).mul(Scalars.rsub(1f, cos)).sum(), (float) b);
    }

    /** {@code F.cosine_similarity(x, y, dim=-1, eps)}: {@code x·y / sqrt(max(‖x‖²‖y‖², ε²))}. */
    static NDArray cosine(NDArray x, NDArray y) {
        int last = x.getShape().dimension() - 1;
        NDArray dot = x.mul(y).sum(new int[] {last});
        NDArray norms = x.square().sum(new int[] {last}).mul(y.square().sum(new int[] {last}));
        return dot.div(Scalars.maximum(norms, (float) (COS_EPS * COS_EPS)).sqrt());
    }

    /**
     * L_MIM: the mean over all voxels of {@code (M⊙V̂ − M⊙V)²}, divided by 0.5.
     *
     * @param prediction V̂ (B, 1, …)
     * @param target V, same shape
     * @param mask M, 1 on masked voxels, broadcastable to the volumes
     * @return the loss (0-d)
     */
    public static NDArray mim(NDArray prediction, NDArray target, NDArray mask) {
        return Scalars.div(prediction.sub(target).mul(mask).square().mean(), (float) MIM_DIVISOR);
    }

    /**
     * CML and DFA: the symmetric InfoNCE of rows already projected and normalised by an ITC head.
     *
     * @param a (B, D) unit rows
     * @param b (B, D) unit rows
     * @param temperature τ (0.1, fixed in the reference)
     * @return the loss (0-d)
     */
    public static NDArray infoNce(NDArray a, NDArray b, double temperature) {
        // Negatives from every replica of a data-parallel step, as the reference's all-gather.
        return Contrastive.gathered(a, b, temperature);
    }

    /**
     * L_SSM ({@code compute_local_itc} in the reference), over every pair i &lt; j of the batch: with
     * {@code G = cos(s_i, s_j)} of the reference sentence vectors and {@code P = cos(P_i, P_j)} of the pooled sentence
     * features, {@code L_ij = mean |P⊙(M⁺ + M⁻) − G⊙M⁺|} over the S_i×S_j entries ({@code M⁺ = [G ≥ 0.9]},
     * {@code M⁻ = [G ≤ 0.6]}), and {@code L = Σ L_ij / (#pairs + 1e-6)}. A batch of one sample gives 0 (the reference
     * skips the term then).
     *
     * @param pooled P (B, S, C) sentence features
     * @param reference s (B, S, H) reference sentence vectors (no gradient)
     * @param mask (B, S)
     * @return the loss (0-d)
     */
    public static NDArray ssm(NDArray pooled, NDArray reference, NDArray mask) {
        // Pairs over the global batch of a data-parallel step (the reference pairs within each GPU's batch only).
        pooled = Replica.gather(pooled);
        reference = Replica.gather(reference);
        mask = Replica.gather(mask);
        long b = pooled.getShape().get(0);
        long s = pooled.getShape().get(1);
        NDArray m = mask.toType(pooled.getDataType(), false);
        NDArray g = pairCosines(reference);
        NDArray p = pairCosines(pooled);
        NDArray pos = Scalars.gte(g, (float) SSM_POSITIVE).toType(g.getDataType(), false);
        NDArray neg = Scalars.lte(g, (float) SSM_NEGATIVE).toType(g.getDataType(), false);
        NDArray diff = p.mul(pos.add(neg)).sub(g.mul(pos)).abs();
        // (B, S, B, S) validity of entries, times the i < j pair selector.
        NDArray rows = m.reshape(b, s, 1, 1);
        NDArray cols = m.reshape(1, 1, b, s);
        NDArray perPair = diff.mul(rows.mul(cols)).sum(new int[] {1, 3});
        NDArray counts = m.sum(new int[] {1});
        NDArray sizes = Scalars.maximum(counts.reshape(b, 1).mul(counts.reshape(1, b)), 1f);
        // A (B, B) selector of the pairs i < j, built from sizes only and once per size (no upload per step).
        DataType type = pooled.getDataType();
        int n = Math.toIntExact(b);
        NDArray pairs = DeviceConstants.get(pooled.getDevice(), List.of("ssm pairs", n, type),
                owner -> HostArrays.copyOf(owner, upperPairs(n), new Shape(n, n)).toType(type, false));
        return Scalars.div(perPair.div(sizes).mul(pairs).sum(), (float) (b * (b - 1) / 2.0 + 1e-6));
    }

    /** Row-major (B, B) with 1 above the diagonal. */
    private static float[] upperPairs(int b) {
        float[] upper = new float[Math.multiplyExact(b, b)];
        for (int i = 0; i < b; i++) {
            for (int j = i + 1; j < b; j++) {
                upper[i * b + j] = 1;
            }
        }
        return upper;
    }

    /** (B, S, C) → (B, S, B, S) cosine of every row with every row. */
    private static NDArray pairCosines(NDArray x) {
        long b = x.getShape().get(0);
        long s = x.getShape().get(1);
        NDArray flat = x.reshape(b * s, -1);
        NDArray sq = flat.square().sum(new int[] {1});
        NDArray norms = Scalars.maximum(sq.reshape(-1, 1).mul(sq.reshape(1, -1)), (float) (COS_EPS * COS_EPS)).sqrt();
        return flat.matMul(flat.transpose()).div(norms).reshape(b, s, b, s);
    }
}
