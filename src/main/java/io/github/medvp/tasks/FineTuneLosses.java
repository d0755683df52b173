package io.github.medvp.tasks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import io.github.medvp.engine.Replica;
import io.github.medvp.engine.Scalars;

/**
 * The fine-tuning losses (the BrainMVP reference's {@code EDiceLoss} in {@code Downstream/loss/dice.py} and
 * {@code train_epoch} in {@code Downstream/trainer.py}), batched on the device, each a 0-dimensional mean.
 * <ul>
 * <li>regions (sigmoid): per channel c, {@code Dice_c = (2Σpy + 1) / (Σp² + Σy² + 1)} with {@code p = sigmoid}
 * and sums over batch and voxels, {@code BCE_c} the mean binary cross-entropy; {@code L = 0.7·mean_c(1 − Dice_c) +
 * 0.3·mean_c(BCE_c)}, which is the reference's {@code (0.7·Σ(1 − Dice) + 0.3·ΣBCE) / C};</li>
 * <li>classes (softmax): the target gets a background channel (no class set), Dice over the class channels (not the
 * background), cross-entropy averaged over voxels: {@code L = 0.7·mean_c(1 − Dice_c) + 0.3·CE};</li>
 * <li>deep supervision: {@code Σ_o w_o L(head_o)} (weights 1, 1, 1 in the reference);</li>
 * <li>classification: cross-entropy with optional class weights, PyTorch's weighted mean
 * {@code Σ_i w_{y_i} CE_i / Σ_i w_{y_i}}.</li>
 * </ul>
 * BCE is computed from the logits ({@code max(x, 0) − x·y + log(1 + e^{−|x|})}), the same value as BCE on the
 * sigmoid without its overflow.
 */
public final class FineTuneLosses {

    /** The Dice weight of the reference. */
    public static final double DICE_WEIGHT = 0.7;
    /** The BCE/CE weight of the reference. */
    public static final double CE_WEIGHT = 0.3;

    private FineTuneLosses() {
    }

    /**
     * @param logits (N, C, X, Y, Z)
     * @param target (N, C, X, Y, Z) of 0/1
     * @return the region loss
     */
    public static NDArray regions(NDArray logits, NDArray target) {
        NDArray p = ai.djl.nn.Activation.sigmoid(logits);
        NDArray dice = softDice(p, target, 0);
        NDArray bce = Scalars.maximum(logits, 0f).sub(logits.mul(target)).add(Scalars.add(logits.abs().neg().exp(), 1).log());
        return weighted(dice, bce.mean());
    }

    /**
     * @param logits (N, K + 1, X, Y, Z), channel 0 the background
     * @param target (N, K, X, Y, Z) of 0/1, the classes without background (at most one set per voxel)
     * @return the class loss
     */
    public static NDArray classes(NDArray logits, NDArray target) {
        NDArray background = Scalars.rsub(1, target.sum(new int[] {1}, true));
        NDArray y = background.concat(target, 1);
        NDArray logp = logits.logSoftmax(1);
        NDArray dice = softDice(logp.exp(), y, 1);
        NDArray ce = y.mul(logp).sum(new int[] {1}).mean().neg();
        return weighted(dice, ce);
    }

    /** {@code 0.7 (1 - mean Dice) + 0.3 ce}. */
    private static NDArray weighted(NDArray dice, NDArray ce) {
        return Scalars.mul(Scalars.rsub(1, dice).mean(), (float) DICE_WEIGHT).add(Scalars.mul(ce, (float) CE_WEIGHT));
    }

    /**
     * Soft Dice of each channel from {@code first} on, sums over batch and voxels; in a data-parallel step over the
     * global batch ({@link Replica#sum}), so the term is that of one device given the whole batch.
     */
    private static NDArray softDice(NDArray p, NDArray y, int first) {
        long c = p.getShape().get(1);
        NDArray pc = p.swapAxes(0, 1).reshape(c, -1);
        NDArray yc = y.swapAxes(0, 1).reshape(c, -1);
        if (first > 0) {
            pc = pc.get(first + ":");
            yc = yc.get(first + ":");
        }
        NDArray inter = Replica.sum(pc.mul(yc).sum(new int[] {1}));
        NDArray squares = Replica.sum(pc.square().sum(new int[] {1}).add(yc.square().sum(new int[] {1})));
        NDArray denominator = Scalars.add(squares, 1);
        return Scalars.add(Scalars.mul(inter, 2), 1).div(denominator);
    }

    /**
     * The deep-supervision sum.
     *
     * @param heads the logits of each head, (ms0, ms1, main)
     * @param target the target channels
     * @param exclusive classes (softmax) rather than regions (sigmoid)
     * @param weights one weight per head
     * @return {@code Σ_o w_o L(head_o)}
     */
    public static NDArray deepSupervision(NDList heads, NDArray target, boolean exclusive, double[] weights) {
        if (weights.length != heads.size()) {
            throw new IllegalArgumentException(heads.size() + " heads but " + weights.length + " weights");
        }
        NDArray total = null;
        for (int o = 0; o < heads.size(); o++) {
            NDArray l = Scalars.mul(exclusive ? classes(heads.get(o), target) : regions(heads.get(o), target),
                    (float) weights[o]);
            total = total == null ? l : total.add(l);
        }
        return total;
    }

    /**
     * @param logits (N, K)
     * @param labels (N) class indices, int64
     * @param classWeights (K) or null for equal weights
     * @return the (weighted) mean cross-entropy
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, NDArray classWeights) {
        int k = (int) logits.getShape().get(1);
        NDArray onehot = labels.oneHot(k).toType(logits.getDataType(), false);
        NDArray nll = onehot.mul(logits.logSoftmax(1)).sum(new int[] {1}).neg();
        if (classWeights == null) {
            return nll.mean();
        }
        NDArray w = onehot.matMul(classWeights.toDevice(logits.getDevice(), false).toType(DataType.FLOAT32, false)
                .reshape(k, 1)).reshape(-1);
        // A weighted mean over the global batch of a data-parallel step (one device's value for the whole batch).
        return Replica.sum(nll.mul(w).sum()).div(Replica.sum(w.sum()));
    }

    /**
     * The paired consistency term: mean squared difference of two feature maps.
     *
     * @param a features of the first replacement
     * @param b features of the second
     * @return {@code mean((a − b)²)}
     */
    public static NDArray consistency(NDArray a, NDArray b) {
        return a.sub(b).square().mean();
    }
}
