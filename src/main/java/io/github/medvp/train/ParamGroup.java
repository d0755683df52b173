package io.github.medvp.train;

import java.util.function.Predicate;

/**
 * A rule giving some parameters their own learning-rate multiplier and weight decay, as a PyTorch parameter group
 * does (MG-3D trains its heads at five times the base rate; biases and norms are usually excluded from decay).
 * <p>
 * An optimiser assigns each parameter to the first group whose {@code members} accepts its name; parameters that no
 * group accepts use the optimiser's defaults (multiplier 1).
 *
 * @param name a label for logs and the checkpoint header
 * @param members which parameter names belong to the group
 * @param lrMultiplier factor applied to the scheduled learning rate
 * @param weightDecay the group's weight decay (0 excludes its parameters from decay)
 */
public record ParamGroup(String name, Predicate<String> members, double lrMultiplier, double weightDecay) {

    public ParamGroup {
        if (!(lrMultiplier >= 0) || Double.isInfinite(lrMultiplier) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("group " + name + ": learning-rate multiplier and weight decay must be "
                    + "finite and not negative");
        }
    }

    /** A group with weight decay 0 and the base learning rate. */
    public static ParamGroup noDecay(String name, Predicate<String> members) {
        return new ParamGroup(name, members, 1.0, 0.0);
    }
}
