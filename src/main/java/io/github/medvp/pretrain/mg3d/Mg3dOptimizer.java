package io.github.medvp.pretrain.mg3d;

import io.github.medvp.train.Adam;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.ParamGroup;
import java.util.List;
import java.util.function.Predicate;

/**
 * MG-3D's optimiser ({@code set_schedule} in the reference's {@code mg3d/models/mg3d_utils.py}):
 * {@code torch.optim.Adam} (β 0.9/0.999, eps 1e-8, coupled weight decay 1e-8, none on biases and norms) with the
 * learning rate ×{@code headMultiplier} (5) for the heads ({@code mlm_head}, {@code mlm_head_fc}, {@code mim_head},
 * {@code itc_agg_head}) and the fusion layers ({@code local_text_cross_*}, {@code local_img_cross_*}).
 * <p>
 * The fusion rule is the reference's intent rather than its letter: it multiplies names containing
 * {@code multi_modal}, which are its (unused) BertCrossLayers, while its CrossGate modules, named {@code local_*},
 * fall back to the base rate. {@code itc_cross_head} (and our {@code itc_image_head}/{@code itc_text_head}) keep the
 * base rate, as the reference's head list leaves {@code itc_cross_head} out.
 */
public final class Mg3dOptimizer {

    /** Module prefixes trained at the multiplied rate. */
    public static final List<String> FAST_PREFIXES = List.of("mlm_head.", "mlm_head_fc.", "mim_head.",
            "itc_agg_head.", "local_text_cross_", "local_img_cross_");

    private Mg3dOptimizer() {
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
     * @param name a parameter name
     * @return whether it trains at the multiplied rate
     */
    public static boolean isFast(String name) {
        return FAST_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /**
     * @param params the model's parameters
     * @param weightDecay the decay of weights (1e-8 in the reference)
     * @param headMultiplier learning-rate factor of heads and fusion (5 in the reference)
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
