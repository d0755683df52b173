package io.github.medvp.pretrain.mg3d;

import io.github.medvp.train.Adam;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.ParamGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * MG-3D's optimiser ({@code set_schedule} in the reference's {@code mg3d/models/mg3d_utils.py}):
 * {@code torch.optim.Adam} (β 0.9/0.999, eps 1e-8, coupled weight decay 1e-8, none on biases and norms) with the
 * learning rate ×{@code headMultiplier} (the reference's {@code lr_multiplier_head} = {@code
 * lr_multiplier_multi_modal} = 5) for
 * <ul>
 * <li>the heads: every parameter whose reference name contains one of {@link #REFERENCE_HEADS}
 * ({@code mlm_head} with its SFR {@code fc}, {@code mim_swin_unter_head}, {@code itc_agg_head}; not
 * {@code itc_cross_head}, which the reference's list leaves out), and</li>
 * <li>every parameter whose reference name contains {@code multi_modal}: the image and text projections
 * ({@code multi_modal_vision_proj}, {@code multi_modal_language_proj}) and the poolers
 * ({@code multi_modal_vision_pooler}, {@code multi_modal_agg_vision_pooler}, {@code multi_modal_sen_vision_pooler};
 * the reference's {@code multi_modal_*_layers} and {@code multi_modal_language_pooler} are unused and not built
 * here).</li>
 * </ul>
 * The fusion gates ({@code local_*}, {@code agg_img_cross_attention}), the uni-modal poolers and attention pools, the
 * type embedding and the encoders stay at the base rate. MedVP's modules have their own names ({@link #REFERENCE});
 * the rule is applied to the reference name of each. MedVP's volume-report heads ({@code itc_image_head},
 * {@code itc_text_head}, no reference counterpart) are heads and get the multiplier.
 */
public final class Mg3dOptimizer {

    /** The reference's {@code head_names} that MG-3D pre-training builds. */
    public static final List<String> REFERENCE_HEADS = List.of("mlm_head", "mim_swin_unter_head", "itc_head",
            "itc_agg_head");
    /** The reference's {@code multi_modal_names}. */
    public static final String MULTI_MODAL = "multi_modal";

    /** MedVP module name (the part before the first dot) → the reference's module name. */
    public static final Map<String, String> REFERENCE = reference();

    private Mg3dOptimizer() {
    }

    private static Map<String, String> reference() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vision_encoder", "vision_encoder");
        m.put("text_encoder", "language_encoder");
        m.put("cross_modal_image_transform", "multi_modal_vision_proj");
        m.put("cross_modal_text_transform", "multi_modal_language_proj");
        m.put("token_type_embeddings", "modality_type_embeddings");
        for (int i = 0; i < 2; i++) {
            m.put("local_text_cross_" + i, "local_text_cross_multihead_attention." + i);
            m.put("local_img_cross_" + i, "local_img_cross_multihead_attention." + i);
            m.put("agg_img_cross_attention_" + i, "agg_img_cross_attention." + i);
        }
        m.put("mlm_head", "mlm_head");
        m.put("mlm_head_fc", "mlm_head.fc");
        m.put("uni_emd_sen", "uni_emd_sen");
        m.put("mim_head", "mim_swin_unter_head");
        m.put("uni_image_pooler", "uni_modal_vision_pooler");
        m.put("multi_image_pooler", "multi_modal_vision_pooler");
        m.put("uni_global_text_attention", "uni_global_text_attention");
        m.put("multi_global_text_attention", "multi_global_text_attention");
        m.put("swin_att_pooler", "multi_modal_agg_vision_pooler");
        m.put("sentence_pooler", "multi_modal_sen_vision_pooler");
        m.put("itc_cross_head_vision", "itc_cross_head.vision");
        m.put("itc_cross_head_language", "itc_cross_head.language");
        m.put("itc_agg_head_vision", "itc_agg_head.vision");
        m.put("itc_agg_head_language", "itc_agg_head.language");
        // No reference counterpart: the volume-report heads play the part of the reference's (unused) itc_head.
        m.put("itc_image_head", "itc_head.vision");
        m.put("itc_text_head", "itc_head.language");
        return Map.copyOf(m);
    }

    /**
     * @param name a parameter name of {@link Mg3dModel#namedParameters()}
     * @return the reference's name of its module
     * @throws IllegalArgumentException for a module the table does not know (a new module must be placed)
     */
    public static String referenceModule(String name) {
        String module = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        String ref = REFERENCE.get(module);
        if (ref == null) {
            throw new IllegalArgumentException("Mg3dOptimizer: no reference name for module '" + module + "'");
        }
        return ref;
    }

    /**
     * @param name a parameter name of {@link Mg3dModel#namedParameters()}
     * @return whether it is a bias or a normalisation parameter (no weight decay)
     */
    public static boolean isBiasOrNorm(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.endsWith("bias") || n.endsWith("gamma") || n.endsWith("beta") || n.contains("norm");
    }

    /**
     * The reference's rule on the reference name: a head name or {@code multi_modal} in it.
     *
     * @param name a parameter name
     * @return whether it trains at the multiplied rate
     */
    public static boolean isFast(String name) {
        String ref = referenceModule(name);
        return ref.contains(MULTI_MODAL) || REFERENCE_HEADS.stream().anyMatch(ref::contains);
    }

    /**
     * @param params the model's parameters
     * @param weightDecay the decay of weights (1e-8 in the reference)
     * @param headMultiplier learning-rate factor of heads, projections and multi-modal poolers (5 in the reference)
     * @return the optimiser (close it after training)
     */
    public static Adam create(NamedParameters params, double weightDecay, double headMultiplier) {
        Predicate<String> fast = Mg3dOptimizer::isFast;
        Predicate<String> noDecay = Mg3dOptimizer::isBiasOrNorm;
        return Adam.builder().setParameters(params).optMode(Adam.Mode.ADAM).optWeightDecay(weightDecay)
                .addGroup(new ParamGroup("fast_no_decay", fast.and(noDecay), headMultiplier, 0))
                .addGroup(new ParamGroup("fast", fast, headMultiplier, weightDecay))
                .addGroup(ParamGroup.noDecay("no_decay", noDecay)).build();
    }
}
