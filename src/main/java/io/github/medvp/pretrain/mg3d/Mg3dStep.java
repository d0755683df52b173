package io.github.medvp.pretrain.mg3d;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.engine.Scalars;
import io.github.medvp.nn.fusion.CrossGate;
import java.util.List;
import ai.djl.training.ParameterStore;
import io.github.medvp.nn.Layers;
import io.github.medvp.nn.Tokens;
import io.github.medvp.nn.fusion.UnidirGate;
import io.github.medvp.train.BlockMask;
import io.github.medvp.train.Losses;
import io.github.medvp.train.StepContext;
import io.github.medvp.train.TrainStep;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One MG-3D pre-training micro-step: the three passes of the reference's {@code mg3d/models/objectives.py}
 * ({@code compute_sen_mlm}, {@code compute_swin_unetr_mim}, {@code compute_local_itc}) on one batch, all batched
 * (padded sentence rows with masks instead of the reference's per-sample loops), and {@code L = w_MLM·L_MLM +
 * w_SFR·L_SFR + w_MIM·L_MIM + w_CML·L_CML + w_DFA·L_DFA + w_SSM·L_SSM} with weights 1, 0.1, 1, 0.1, 0.1, 0.1 by
 * default.
 * <p>
 * Differences from the reference, on purpose: text embeddings are recomputed every step (the reference's disk cache in
 * {@code MG3DTransformerSS.infer} serves stale masked embeddings from the second epoch on); the unmasked text tokens
 * are computed once and shared by passes 2 and 3 (the reference runs BERT twice with different dropout draws); the MIM
 * mask is drawn from the micro-step's generator, so a resumed run draws the same masks; SFR's target carries no
 * gradient ({@link #sfrTarget}), and neither do the sentence features of MIM's paper fusion. The MIM fusion, CML
 * contrast and double projection follow {@link Mg3dModel}'s settings; docs/deviations-mg3d.md lists every difference.
 */
public final class Mg3dStep implements TrainStep<Mg3dBatch> {

    /** Name of L_MLM. */
    public static final String MLM = "loss_mlm";
    /** Name of L_SFR (sentence feature reconstruction). */
    public static final String SFR = "loss_sfr";
    /** Name of L_MIM. */
    public static final String MIM = "loss_mim";
    /** Name of L_CML (cross-modal contrast). */
    public static final String CML = "loss_cml";
    /** Name of L_DFA (disentangled feature aggregation). */
    public static final String DFA = "loss_dfa";
    /** Name of L_SSM (sentence similarity matching). */
    public static final String SSM = "loss_ssm";
    /** All loss names in log order. */
    public static final String[] NAMES = {MLM, SFR, MIM, CML, DFA, SSM};

    private final Mg3dModel model;
    private final BlockMask mask;
    private final double[] weights;
    private final double temperature;
    private final boolean contrastTrainsText;

    private Mg3dStep(Builder b) {
        model = b.model;
        mask = b.mask;
        weights = b.weights.clone();
        temperature = b.temperature;
        contrastTrainsText = b.contrastTrainsText;
    }

    /** @return a builder; the model is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the model */
    public Mg3dModel getModel() {
        return model;
    }

    @Override
    public Losses forward(Mg3dBatch batch, StepContext ctx) {
        return forward(batch.toInput(ctx.manager()), ctx.random(), true);
    }

    /**
     * The losses of one batch already on the device.
     *
     * @param in the batch
     * @param rng the micro-step's generator (MIM mask)
     * @param training training mode (dropout; gradients are the caller's business)
     * @return total and the six parts, named {@link #NAMES}
     */
    public Losses forward(Mg3dInput in, SplittableRandom rng, boolean training) {
        ParameterStore ps = new ParameterStore(in.volumes().getManager(), false);
        Mg3dModel.Parts parts = model.parts();
        NDArray volumes = in.volumes();
        int b = in.batchSize();
        // Pass 1: MLM + SFR on the corrupted text fused with the volume tokens.
        NDArray e = model.embed(ps, in.ids(), training);
        NDArray corrupted = model.textTokens(ps, model.embed(ps, in.mlmIds(), training), in.attentionMask(), training);
        NDArray image = model.imageTokens(ps, volumes, training);
        NDArray fusedText = fuse(ps, model.getTextCross(), corrupted, image, null, training).get(0);
        NDArray z = parts.mlmHead().transform(ps, fusedText, training);
        NDArray mlm = Mg3dLosses.mlm(parts.mlmHead().decode(ps, z, training), in.mlmLabels());
        NDArray membership = Tokens.membership(in.sentenceIndex(), in.sentences());
        NDArray sentenceMask = Tokens.sentenceMask(membership);
        NDArray r = Layers.apply(parts.sfrHead(), ps, Tokens.gather(z, membership), training, null);
        NDArray sfr = Mg3dLosses.sfr(r, sfrTarget(ps, e, membership, training), sentenceMask);

        // Pass 2: MIM on the block-masked volume.
        NDArray full = model.textTokens(ps, e, in.attentionMask(), training);
        // Sentence features U, as the reference's infer computes them for local_itc (item_gather under no_grad):
        // without gradient, for pass 3 and for the paper's MIM fusion alike, also when the text encoder trains.
        NDArray sentences = Tokens.gather(full, membership);
        NDArray u = sentences.stopGradient();
        Shape spatial = volumes.getShape().slice(2);
        NDArray m = mask.sample(volumes.getManager(), 1, spatial, volumes.getDataType(), rng);
        NDArray maskedImage = model.imageTokens(ps, volumes.mul(Scalars.rsub(1f, m)), training);
        NDArray fusedImage = model.getMimFusion() == MimFusion.PAPER
                ? fuse(ps, model.getImageCross(), maskedImage, u, sentenceMask, training).get(0)
                : fuse(ps, model.getTextCross(), full, maskedImage, null, training).get(1);
        NDArray reconstruction = model.reconstruct(ps, fusedImage, model.tokenGrid(volumes.getShape()), training);
        NDArray mim = Mg3dLosses.mim(reconstruction, volumes, m);

        // Pass 3: CML + DFA + SSM on sentence-level text (no gradient into the text, as the reference).
        NDArray i2 = model.secondProjection(ps, image, training);
        // A text encoder trained from scratch has no sentence features worth aligning to unless the contrast shapes
        // them: its CML text side keeps the gradient (docs/deviations-mg3d.md); the reference's frozen BERT does not.
        NDArray tUni = Layers.forward(parts.uniText(), ps, new NDList(contrastTrainsText ? sentences : u,
                sentenceMask), training, null).singletonOrThrow();
        NDArray iUni = Layers.apply(parts.uniPool(), ps, i2, training, null);
        NDList fused = fuse(ps, model.getImageCross(), i2, u, sentenceMask, training);
        NDArray iMm = Layers.apply(parts.mmPool(), ps, fused.get(0), training, null);
        NDArray cml;
        if (model.getCmlMode() == CmlMode.VOLUME_REPORT) {
            cml = Mg3dLosses.infoNce(Layers.apply(parts.itcImage(), ps, iUni, training, null),
                    Layers.apply(parts.itcText(), ps, tUni, training, null), temperature);
        } else {
            // compute_local_itc: itc_cross_head(multi_modal_cls_feats, uni_modal_cls_feats), each through its tower.
            NDArray tMm = Layers.forward(parts.mmText(), ps, new NDList(fused.get(1), sentenceMask), training, null)
                    .singletonOrThrow();
            cml = Mg3dLosses.infoNce(Layers.apply(parts.itcCrossVision(), ps, tMm.concat(iMm, 1), training, null),
                    Layers.apply(parts.itcCrossLanguage(), ps, tUni.concat(iUni, 1), training, null), temperature);
        }
        NDArray x = u;
        NDArray y = iUni;
        for (UnidirGate gate : parts.agg()) {
            x = Layers.forward(gate, ps, new NDList(x, y), training, null).singletonOrThrow();
            y = Layers.forward(parts.aggPool(), ps, new NDList(x, sentenceMask), training, null).singletonOrThrow();
        }
        // itc_agg_head(multi_modal_image_cls_feats, multi_modal_agg_image_cls_feats): the fused volume through the
        // vision tower, the sentence aggregate through the language tower.
        NDArray dfa = Mg3dLosses.infoNce(Layers.apply(parts.itcAggVision(), ps, iMm, training, null),
                Layers.apply(parts.itcAggLanguage(), ps, y, training, null), temperature);
        NDArray pooledSentences = Layers.apply(parts.sentencePool(), ps, x, training, null);
        NDArray ssm = Mg3dLosses.ssm(pooledSentences, referenceSentences(ps, in, training), sentenceMask);

        NDArray[] terms = {mlm, sfr, mim, cml, dfa, ssm};
        NDArray total = null;
        Map<String, NDArray> named = new LinkedHashMap<>();
        for (int i = 0; i < terms.length; i++) {
            named.put(NAMES[i], terms[i]);
            NDArray w = Scalars.mul(terms[i], (float) weights[i]);
            total = total == null ? w : total.add(w);
        }
        return new Losses(total, named);
    }

    /**
     * Runs a CrossGate stack.
     *
     * @param ps the parameter store
     * @param stack the MLM or the MIM/pass-3 stack of the model
     * @param a the first stream (N, n_a, D)
     * @param b the second stream (N, n_b, D)
     * @param maskB (N, n_b) real rows of b, or null
     * @param training training mode
     * @return (A', B')
     */
    public static NDList fuse(ParameterStore ps, List<CrossGate> stack, NDArray a, NDArray b, NDArray maskB,
            boolean training) {
        NDArray maskA = maskB == null ? null : a.getManager().ones(new Shape(a.getShape().get(0),
                a.getShape().get(1)), a.getDataType(), a.getDevice());
        for (CrossGate gate : stack) {
            NDList in = maskB == null ? new NDList(a, b) : new NDList(a, b, maskA, maskB);
            NDList out = Layers.forward(gate, ps, in, training, null);
            a = out.get(0);
            b = out.get(1);
        }
        return new NDList(a, b);
    }

    /**
     * SFR's target {@code G = uni_emd_sen(SentGather(E))}, without gradient. The reference embeds E under no_grad but
     * trains {@code uni_emd_sen} through this loss ({@code compute_sen_mlm}), so target and reconstruction can meet
     * in a constant (the loss then falls to 0 in a dozen steps and teaches nothing); here the target is a fixed
     * function of the embedding-layer output, also when the text encoder trains, so only the reconstruction
     * side learns.
     *
     * @param ps the parameter store
     * @param embedded E, the embedding-layer output of the unmasked ids
     * @param membership (B, S, L) sentence membership
     * @param training training mode
     * @return (B, S, 8) without gradient
     */
    NDArray sfrTarget(ParameterStore ps, NDArray embedded, NDArray membership, boolean training) {
        Mg3dModel.Parts parts = model.parts();
        return Layers.apply(parts.sentenceTarget(), ps, Tokens.gather(embedded.stopGradient(), membership), training,
                null).stopGradient();
    }

    /**
     * SSM's reference sentence vectors: the mean of the BERT embedding-layer output over each separately tokenised
     * sentence ([CLS]/[SEP] included), without gradient.
     */
    NDArray referenceSentences(ParameterStore ps, Mg3dInput in, boolean training) {
        Shape s = in.sentenceIds().getShape();
        NDArray flat = in.sentenceIds().reshape(s.get(0) * s.get(1), s.get(2));
        NDArray emb = model.embed(ps, flat, training).stopGradient();
        NDArray tokenMask = in.sentenceTokenMask().reshape(s.get(0) * s.get(1), s.get(2));
        return Tokens.maskedMean(emb, tokenMask).reshape(s.get(0), s.get(1), -1);
    }

    /** Builder for {@link Mg3dStep}. */
    public static final class Builder {
        private Mg3dModel model;
        private BlockMask mask = BlockMask.builder().optBlockSize(16).optRatio(0.5).build();
        private double[] weights = {1, 0.1, 1, 0.1, 0.1, 0.1};
        private double temperature = 0.1;
        private boolean contrastTrainsText;

        private Builder() {
        }

        /** @param model the initialised model (required) @return this */
        public Builder setModel(Mg3dModel model) {
            this.model = model;
            return this;
        }

        /** @param mask MIM block size and ratio, default 16 and 0.5 @return this */
        public Builder optMask(BlockMask mask) {
            this.mask = mask;
            return this;
        }

        /**
         * @param weights the weights of MLM, SFR, MIM, CML, DFA, SSM; default 1, 0.1, 1, 0.1, 0.1, 0.1
         * @return this
         */
        public Builder optWeights(double... weights) {
            if (weights.length != NAMES.length) {
                throw new IllegalArgumentException("Mg3dStep: six loss weights needed, got " + weights.length);
            }
            this.weights = weights.clone();
            return this;
        }

        /** @param temperature τ of CML and DFA, default 0.1 @return this */
        public Builder optTemperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /**
         * @param trains whether CML's gradient reaches the text encoder through the report side, default false (the
         *     reference, whose BERT comes pre-trained); for a text encoder trained from scratch, whose sentence
         *     features otherwise come from MLM alone and barely differ between reports
         * @return this
         */
        public Builder optContrastTrainsText(boolean trains) {
            this.contrastTrainsText = trains;
            return this;
        }

        /** @return the step */
        public Mg3dStep build() {
            if (model == null) {
                throw new IllegalArgumentException("Mg3dStep: setModel is required");
            }
            if (!(temperature > 0)) {
                throw new IllegalArgumentException("Mg3dStep: the temperature must be > 0");
            }
            return new Mg3dStep(this);
        }
    }
}
