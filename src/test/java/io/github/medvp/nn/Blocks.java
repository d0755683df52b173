package io.github.medvp.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.github.medvp.nn.StateDictImport.Target;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/** Parameter bookkeeping shared by the tests. */
public final class Blocks {

    private Blocks() {
    }

    /** Trainable elements, i.e. what PyTorch's {@code parameters()} counts (BatchNorm running stats excluded). */
    public static long trainable(Block block) {
        long n = 0;
        for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient()) {
                n += p.getShape().size();
            }
        }
        return n;
    }

    /** Every parameter of the blocks, by identity. */
    public static Set<Parameter> all(Block... blocks) {
        Set<Parameter> set = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Block b : blocks) {
            set.addAll(b.getParameters().values());
        }
        return set;
    }

    /** The parameters a reference-name table covers, by identity. */
    public static Set<Parameter> covered(Map<String, Target> table) {
        Set<Parameter> set = Collections.newSetFromMap(new IdentityHashMap<>());
        table.values().forEach(t -> set.add(t.parameter()));
        return set;
    }
}
