package io.github.medvp.pretrain.mg3d;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.github.medvp.nn.fusion.AttentionPool;
import io.github.medvp.nn.bert.BertConfig;
import io.github.medvp.nn.bert.BertEncoder;
import io.github.medvp.nn.bert.BertMlmHead;
import io.github.medvp.nn.fusion.CrossGate;
import io.github.medvp.nn.fusion.ItcHead;
import io.github.medvp.nn.Layers;
import io.github.medvp.nn.fusion.MimDecoder;
import io.github.medvp.nn.bert.Pooler;
import io.github.medvp.nn.Presets;
import io.github.medvp.nn.fusion.ProjectionMlp;
import io.github.medvp.nn.swin.Swin3d;
import io.github.medvp.nn.Tokens;
import io.github.medvp.nn.fusion.UnidirGate;
import io.github.medvp.train.NamedParameters;
import java.util.ArrayList;
import java.util.List;

/**
 * The MG-3D pre-training network ({@code MG3DTransformerSS} of the reference's {@code mg3d/models/mg3d_module.py}): the
 * 3D Swin encoder, the BERT text encoder (frozen by default), the shared projections and type embeddings, the two
 * CrossGate stacks, the pools and poolers, the MLM, SFR, MIM and ITC heads. Unused reference modules (BertCrossLayers,
 * the 3D-ViT path, {@code itc_head}, {@code uni_emd_img}, {@code agg_text_cross_attention}) are left out. The passes
 * are composed by {@link Mg3dStep}; this class offers the pieces and the embeddings the downstream tasks use
 * ({@link #volumeEmbedding}, {@link #reportEmbedding}).
 * <p>
 * Volumes come in the project's (N, 1, X, Y, Z) RAS order; the encoder sees them as the reference's (D, H, W) =
 * (Z, Y, X) ({@link #toModelAxes}), so 128×96×128 (X, Y, Z) volumes give the reference's 4×3×4 = 48 tokens.
 * <p>
 * Two settings choose between the paper and the reference code where they differ ({@code MG3DTransformerSS.infer} and
 * {@code compute_local_itc}): {@link MimFusion} and {@link Builder#optDoubleProjection}; {@link CmlMode} chooses the
 * cross-modal contrast.
 */
public final class Mg3dModel extends AbstractBlock {

    private final int dim;
    private final int textDim;
    private final MimFusion mimFusion;
    private final CmlMode cmlMode;
    private final boolean doubleProjection;
    private final boolean textTrainable;
    private final Swin3d vision;
    private final BertEncoder text;
    private final Linear visionProj;
    private final Linear textProj;
    private final Parameter typeEmb;
    private final List<CrossGate> textCross = new ArrayList<>();
    private final List<CrossGate> imageCross = new ArrayList<>();
    private final BertMlmHead mlmHead;
    private final ProjectionMlp sfr;
    private final ProjectionMlp sentenceTarget;
    private final MimDecoder decoder;
    private final Pooler uniPool;
    private final Pooler mmPool;
    private final AttentionPool uniText;
    private final AttentionPool mmText;
    private final List<UnidirGate> agg = new ArrayList<>();
    private final Pooler aggPool;
    private final ProjectionMlp sentencePool;
    private final ItcHead itcCrossVision;
    private final ItcHead itcCrossLanguage;
    private final ItcHead itcImage;
    private final ItcHead itcText;
    private final ItcHead itcAggVision;
    private final ItcHead itcAggLanguage;

    private Mg3dModel(Builder b) {
        BertConfig tc = b.text;
        textDim = tc.hiddenSize();
        dim = b.dim > 0 ? b.dim : textDim;
        mimFusion = b.mimFusion;
        cmlMode = b.cmlMode;
        doubleProjection = b.doubleProjection;
        textTrainable = b.textTrainable;
        vision = addChildBlock("vision_encoder", b.vision.optInChannels(1).build());
        int visionDim = vision.getEmbedDim() << vision.getDepths().length;
        if (visionDim % 16 != 0 || dim % 16 != 0) {
            throw new IllegalArgumentException("Mg3dModel: widths must be divisible by 16 (vision " + visionDim
                    + ", joint " + dim + ")");
        }
        if (doubleProjection && visionDim != dim) {
            // The reference applies Linear_vis (encoder width → D) to its own output: only defined when they agree.
            throw new io.github.medvp.MedvpException("double_projection needs an encoder as wide as the text ("
                    + visionDim + " vs " + dim + "): use preset b with a BERT-base text model, or "
                    + "double_projection=false");
        }
        text = addChildBlock("text_encoder", new BertEncoder(tc));
        visionProj = addChildBlock("cross_modal_image_transform", Tokens.bertLinear(dim, true));
        textProj = addChildBlock("cross_modal_text_transform", Tokens.bertLinear(dim, true));
        typeEmb = addParameter(Parameter.builder().setName("token_type_embeddings").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(2, dim)).optInitializer(new NormalInitializer(0.02f)).build());
        for (int i = 0; i < 2; i++) {
            textCross.add(addChildBlock("local_text_cross_" + i, new CrossGate(dim)));
            imageCross.add(addChildBlock("local_img_cross_" + i, new CrossGate(dim)));
        }
        mlmHead = addChildBlock("mlm_head", BertMlmHead.untied(dim, tc.vocabSize(), 1e-12));
        sfr = addChildBlock("mlm_head_fc", ProjectionMlp.sfr(dim));
        sentenceTarget = addChildBlock("uni_emd_sen", ProjectionMlp.sentenceTarget(textDim));
        decoder = addChildBlock("mim_head", new MimDecoder(dim));
        uniPool = addChildBlock("uni_image_pooler", Pooler.tokens(dim));
        mmPool = addChildBlock("multi_image_pooler", Pooler.tokens(dim));
        uniText = addChildBlock("uni_global_text_attention", new AttentionPool(dim, 8));
        mmText = addChildBlock("multi_global_text_attention", new AttentionPool(dim, 8));
        for (int i = 0; i < 2; i++) {
            agg.add(addChildBlock("agg_img_cross_attention_" + i, new UnidirGate(dim)));
        }
        aggPool = addChildBlock("swin_att_pooler", Pooler.mean(dim));
        sentencePool = addChildBlock("sentence_pooler", ProjectionMlp.sentencePooler(dim));
        // The reference's ITC heads (ITCHead, ITCHead_Single in prediction_heads.py) are two towers each: a
        // vision_ln/vision_proj for the first argument and a language_ln/language_proj for the second.
        if (cmlMode == CmlMode.JOINT) {
            itcCrossVision = addChildBlock("itc_cross_head_vision", new ItcHead(dim));
            itcCrossLanguage = addChildBlock("itc_cross_head_language", new ItcHead(dim));
            itcImage = null;
            itcText = null;
        } else {
            itcCrossVision = null;
            itcCrossLanguage = null;
            itcImage = addChildBlock("itc_image_head", new ItcHead(dim));
            itcText = addChildBlock("itc_text_head", new ItcHead(dim));
        }
        itcAggVision = addChildBlock("itc_agg_head_vision", new ItcHead(dim));
        itcAggLanguage = addChildBlock("itc_agg_head_language", new ItcHead(dim));
        text.setTrainable(textTrainable);
    }

    /** @return a builder; the vision preset and the text configuration are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The small configuration of the tests and demos: {@link Presets#swinTiny()}, {@link BertConfig#tiny} trained
     * with the rest.
     *
     * @param vocabSize the vocabulary size
     * @return a builder
     */
    public static Builder tiny(int vocabSize) {
        return builder().setVision(Presets.swinTiny()).setText(BertConfig.tiny(vocabSize)).optTextTrainable(true);
    }

    /**
     * Packs the (N, C, X, Y, Z) volumes in the encoder's (N, C, D, H, W) = (Z, Y, X) order (and back: the
     * permutation is its own inverse).
     *
     * @param volumes (N, C, X, Y, Z)
     * @return (N, C, Z, Y, X)
     */
    public static NDArray toModelAxes(NDArray volumes) {
        return volumes.transpose(0, 1, 4, 3, 2);
    }

    /**
     * {@code I = Linear_vis(Swin(V)) + type_emb[1]}.
     *
     * @param ps the parameter store
     * @param volumes (N, 1, X, Y, Z)
     * @param training training mode
     * @return (N, n_v, D) image tokens in (d h w) order
     */
    public NDArray imageTokens(ParameterStore ps, NDArray volumes, boolean training) {
        NDList feats = Layers.forward(vision, ps, new NDList(toModelAxes(volumes)), training, null);
        NDArray last = feats.get(feats.size() - 1);
        Shape s = last.getShape();
        NDArray tokens = last.reshape(s.get(0), s.get(1), -1).transpose(0, 2, 1);
        return project(ps, visionProj, tokens, 1, training);
    }

    /**
     * @param volumes (N, 1, X, Y, Z) shape
     * @return the encoder's final token grid (d, h, w) in model axes (4, 3, 4 for 128×96×128)
     */
    public long[] tokenGrid(Shape volumes) {
        Shape[] feats = vision.getOutputShapes(new Shape[] {new Shape(volumes.get(0), volumes.get(1), volumes.get(4),
                volumes.get(3), volumes.get(2))});
        Shape last = feats[feats.length - 1];
        return new long[] {last.get(2), last.get(3), last.get(4)};
    }

    /**
     * Pass 3's second projection of the reference ({@code compute_local_itc}) when {@link Builder#optDoubleProjection}
     * is on, the tokens unchanged otherwise (the paper).
     *
     * @param ps the parameter store
     * @param imageTokens from {@link #imageTokens}
     * @param training training mode
     * @return the tokens pass 3 works on
     */
    public NDArray secondProjection(ParameterStore ps, NDArray imageTokens, boolean training) {
        return doubleProjection ? project(ps, visionProj, imageTokens, 1, training) : imageTokens;
    }

    /**
     * The BERT embedding-layer output E; without gradient when the text encoder is frozen (the reference embeds
     * under no_grad).
     *
     * @param ps the parameter store
     * @param ids (B, L) token ids
     * @param training training mode (dropout)
     * @return (B, L, H)
     */
    public NDArray embed(ParameterStore ps, NDArray ids, boolean training) {
        NDArray e = Layers.apply(text.getEmbeddings(), ps, ids, training, null);
        return textTrainable ? e : e.stopGradient();
    }

    /**
     * {@code T = Linear_lang(BERT(E, mask)) + type_emb[0]}.
     *
     * @param ps the parameter store
     * @param embedded (B, L, H) from {@link #embed}
     * @param attentionMask (B, L) 1 for real tokens
     * @param training training mode (BERT's dropout stays on in training, frozen or not, as the reference)
     * @return (B, L, D)
     */
    public NDArray textTokens(ParameterStore ps, NDArray embedded, NDArray attentionMask, boolean training) {
        return project(ps, textProj, text.encode(ps, embedded, attentionMask, training), 0, training);
    }

    private NDArray project(ParameterStore ps, Linear proj, NDArray x, int type, boolean training) {
        NDArray t = ps.getValue(typeEmb, x.getDevice(), training).get(type);
        return Layers.apply(proj, ps, x, training, null).add(t);
    }

    /**
     * The reconstruction of MIM: fused image tokens back to a volume.
     *
     * @param ps the parameter store
     * @param fusedTokens (N, n_v, D)
     * @param grid the token grid (d, h, w) in model axes
     * @param training training mode
     * @return (N, 1, X, Y, Z) in the project's axes
     */
    public NDArray reconstruct(ParameterStore ps, NDArray fusedTokens, long[] grid, boolean training) {
        long n = fusedTokens.getShape().get(0);
        NDArray x = fusedTokens.transpose(0, 2, 1).reshape(n, dim, grid[0], grid[1], grid[2]);
        return toModelAxes(Layers.apply(decoder, ps, x, training, null));
    }

    /**
     * The volume embedding of zero-shot classification and retrieval: {@code itc_image_head(Pooler_uni(I))}.
     *
     * @param ps the parameter store
     * @param volumes (N, 1, X, Y, Z)
     * @param training training mode
     * @return (N, D) unit rows
     */
    public NDArray volumeEmbedding(ParameterStore ps, NDArray volumes, boolean training) {
        return Layers.apply(imageHead(), ps, Layers.apply(uniPool, ps, imageTokens(ps, volumes, training), training,
                null), training, null);
    }

    /**
     * The report embedding of zero-shot classification and retrieval: {@code itc_text_head(SentAttnPool_uni(U))}
     * with U the sentence means of the text tokens.
     *
     * @param ps the parameter store
     * @param ids (B, L) token ids
     * @param attentionMask (B, L)
     * @param sentenceIndex (B, L) 1-based sentence per token, −1 elsewhere
     * @param sentences S, at least the largest sentence index of the batch
     * @param training training mode
     * @return (B, D) unit rows
     */
    public NDArray reportEmbedding(ParameterStore ps, NDArray ids, NDArray attentionMask, NDArray sentenceIndex,
            int sentences, boolean training) {
        NDArray t = textTokens(ps, embed(ps, ids, training), attentionMask, training);
        NDArray membership = Tokens.membership(sentenceIndex, sentences);
        NDArray u = Tokens.gather(t, membership);
        NDArray pooled = Layers.forward(uniText, ps, new NDList(u, Tokens.sentenceMask(membership)), training, null)
                .singletonOrThrow();
        return Layers.apply(textHead(), ps, pooled, training, null);
    }

    private ItcHead imageHead() {
        return itcImage != null ? itcImage : itcCrossUnavailable();
    }

    private ItcHead textHead() {
        return itcText != null ? itcText : itcCrossUnavailable();
    }

    private static ItcHead itcCrossUnavailable() {
        throw new io.github.medvp.MedvpException("this MG-3D model was trained with cml=joint (the reference code's "
                + "fused-vs-separate contrast), which has no volume and report embeddings; retrain with "
                + "cml=volume_report for zero-shot classification and retrieval");
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        // The passes need several inputs and outputs; Mg3dStep composes them. The block forward gives the
        // volume embedding, which is what a caller without the step wants.
        return new NDList(volumeEmbedding(ps, inputs.get(0), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dim)};
    }

    /**
     * Initialises every child for volumes of {@code inputShapes[0]} (N, 1, X, Y, Z) and texts of
     * {@code inputShapes[1]} (B, L).
     */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape vol = inputShapes[0];
        Shape txt = inputShapes.length > 1 ? inputShapes[1] : new Shape(1, 8);
        Shape modelVol = new Shape(vol.get(0), vol.get(1), vol.get(4), vol.get(3), vol.get(2));
        vision.initialize(manager, dataType, modelVol);
        Shape[] feats = vision.getOutputShapes(new Shape[] {modelVol});
        Shape last = feats[feats.length - 1];
        long tokens = last.get(2) * last.get(3) * last.get(4);
        text.initialize(manager, dataType, txt, txt);
        visionProj.initialize(manager, dataType, new Shape(1, tokens, last.get(1)));
        textProj.initialize(manager, dataType, new Shape(1, txt.get(1), textDim));
        Shape tok = new Shape(1, tokens, dim);
        Shape sent = new Shape(1, 4, dim);
        for (int i = 0; i < 2; i++) {
            textCross.get(i).initialize(manager, dataType, new Shape(1, txt.get(1), dim), tok);
            imageCross.get(i).initialize(manager, dataType, tok, sent);
            agg.get(i).initialize(manager, dataType, sent, new Shape(1, dim));
        }
        mlmHead.initialize(manager, dataType, new Shape(1, txt.get(1), dim));
        sfr.initialize(manager, dataType, sent);
        sentenceTarget.initialize(manager, dataType, new Shape(1, 4, textDim));
        decoder.initialize(manager, dataType, new Shape(1, dim, last.get(2), last.get(3), last.get(4)));
        uniPool.initialize(manager, dataType, tok);
        mmPool.initialize(manager, dataType, tok);
        uniText.initialize(manager, dataType, sent);
        mmText.initialize(manager, dataType, sent);
        aggPool.initialize(manager, dataType, sent);
        sentencePool.initialize(manager, dataType, sent);
        for (ItcHead h : new ItcHead[] {itcImage, itcText, itcAggVision, itcAggLanguage}) {
            if (h != null) {
                h.initialize(manager, dataType, new Shape(1, dim));
            }
        }
        for (ItcHead h : new ItcHead[] {itcCrossVision, itcCrossLanguage}) {
            if (h != null) {
                h.initialize(manager, dataType, new Shape(1, 2L * dim));
            }
        }
        text.setTrainable(textTrainable);
    }

    /**
     * The named tensors to train and checkpoint, under the reference's module names.
     *
     * @return the parameters of the initialised model (frozen text parameters included, not trainable)
     */
    public NamedParameters namedParameters() {
        NamedParameters.Builder b = NamedParameters.builder();
        for (Pair<String, Block> child : getChildren()) {
            // DJL numbers child names ("01vision_encoder"); checkpoints use the plain module names.
            b.addBlock(child.getKey().replaceFirst("^\\d+", "") + ".", child.getValue());
        }
        return b.addFree("token_type_embeddings", typeEmb.getArray()).build();
    }

    // Accessors used by Mg3dStep and the tasks.

    /** @return D, the joint width */
    public int getDim() {
        return dim;
    }

    /** @return the vision encoder */
    public Swin3d getVision() {
        return vision;
    }

    /** @return the text encoder */
    public BertEncoder getText() {
        return text;
    }

    /** @return MIM's fusion choice */
    public MimFusion getMimFusion() {
        return mimFusion;
    }

    /** @return CML's contrast */
    public CmlMode getCmlMode() {
        return cmlMode;
    }

    /** @return whether pass 3 projects the image tokens a second time (the reference code) */
    public boolean isDoubleProjection() {
        return doubleProjection;
    }

    /** @return the MLM CrossGate stack ({@code local_text_cross}) */
    public List<CrossGate> getTextCross() {
        return textCross;
    }

    /** @return the MIM / pass-3 CrossGate stack ({@code local_img_cross}) */
    public List<CrossGate> getImageCross() {
        return imageCross;
    }

    /** The heads, pools and gates {@link Mg3dStep} composes (package-private wiring, not API). */
    record Parts(BertMlmHead mlmHead, ProjectionMlp sfrHead, ProjectionMlp sentenceTarget, Pooler uniPool,
            Pooler mmPool, AttentionPool uniText, AttentionPool mmText, List<UnidirGate> agg, Pooler aggPool,
            ProjectionMlp sentencePool, ItcHead itcCrossVision, ItcHead itcCrossLanguage, ItcHead itcImage,
            ItcHead itcText, ItcHead itcAggVision, ItcHead itcAggLanguage) {
    }

    Parts parts() {
        return new Parts(mlmHead, sfr, sentenceTarget, uniPool, mmPool, uniText, mmText, agg, aggPool, sentencePool,
                itcCrossVision, itcCrossLanguage, itcImage, itcText, itcAggVision, itcAggLanguage);
    }

    /** Builder for {@link Mg3dModel}. */
    public static final class Builder {
        private Swin3d.Builder vision;
        private BertConfig text;
        private int dim = -1;
        private boolean textTrainable;
        private MimFusion mimFusion = MimFusion.CODE;
        private CmlMode cmlMode = CmlMode.JOINT;
        private boolean doubleProjection;

        private Builder() {
        }

        /** @param vision the Swin configuration ({@link Presets#swinB()} for MG-3D) @return this */
        public Builder setVision(Swin3d.Builder vision) {
            this.vision = vision;
            return this;
        }

        /** @param text the BERT sizes ({@link BertConfig#base} for RadBERT) @return this */
        public Builder setText(BertConfig text) {
            this.text = text;
            return this;
        }

        /** @param dim the joint width D, default the text hidden size (768 in MG-3D) @return this */
        public Builder optDim(int dim) {
            this.dim = dim;
            return this;
        }

        /** @param trainable train the text encoder too, default false (frozen RadBERT) @return this */
        public Builder optTextTrainable(boolean trainable) {
            this.textTrainable = trainable;
            return this;
        }

        /** @param fusion MIM's fusion, default {@link MimFusion#CODE} (the reference code) @return this */
        public Builder optMimFusion(MimFusion fusion) {
            this.mimFusion = fusion;
            return this;
        }

        /** @param mode CML's contrast, default {@link CmlMode#JOINT} (the reference code) @return this */
        public Builder optCml(CmlMode mode) {
            this.cmlMode = mode;
            return this;
        }

        /**
         * @param on project the image tokens a second time in pass 3 as the reference's {@code compute_local_itc} does;
         *     only possible when the encoder's width equals D (Swin-B with a BERT-base text encoder); default false
         *     (the paper's single projection, see docs/deviations-mg3d.md)
         * @return this
         */
        public Builder optDoubleProjection(boolean on) {
            this.doubleProjection = on;
            return this;
        }

        /** @return the model; initialise with (N, 1, X, Y, Z) and (B, L) before use */
        public Mg3dModel build() {
            if (vision == null || text == null) {
                throw new IllegalArgumentException("Mg3dModel: setVision and setText are required");
            }
            return new Mg3dModel(this);
        }
    }
}
