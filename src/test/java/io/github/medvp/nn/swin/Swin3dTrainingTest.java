package io.github.medvp.nn.swin;

import io.github.medvp.nn.Presets;
import io.github.medvp.nn.ReferenceNames;
import io.github.medvp.nn.StateDictImport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Training mode: the Swin is pre-trained and fine-tuned, so every parameter must receive a gradient. */
class Swin3dTrainingTest {

    @Test
    void everyParameterGetsAFiniteNonZeroGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Stage grids 32×16×32 (padded to 35×21×35, shifted), 16×8×16, 8×4×8 (window 7×4×7, H unshifted),
            // 4×2×4 (window shrunk on every axis, no shift). 64×48×64 would end on 4×3×4, which the reference's
            // patch merging cannot merge.
            Shape input = new Shape(1, 1, 64, 32, 64);
            Swin3d swin = Presets.swinTiny().build();
            swin.initialize(manager, DataType.FLOAT32, input);
            // Imported weights must stay trainable: re-import the model's own export first.
            StateDictImport.builder().build().load(ReferenceNames.swin(swin),
                    StateDictImport.export(ReferenceNames.swin(swin), manager), "self");
            NDArray x = manager.randomUniform(0f, 1f, input);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDList out = swin.forward(new ParameterStore(manager, false), new NDList(x), true);
                assertEquals(new Shape(1, 192, 2, 1, 2), out.get(4).getShape());
                // Every output contributes, with weights that break the zero-mean symmetry of the channel norm.
                NDArray loss = null;
                for (NDArray o : out) {
                    NDArray w = manager.randomUniform(-1f, 1f, o.getShape());
                    NDArray term = o.mul(w).sum();
                    loss = loss == null ? term : loss.add(term);
                }
                collector.backward(loss);
            }
            List<String> bad = new ArrayList<>();
            int checked = 0;
            for (Pair<String, Parameter> p : swin.getParameters()) {
                assertTrue(p.getValue().requiresGradient(), p.getKey());
                NDArray grad = p.getValue().getArray().getGradient();
                float max = grad.abs().max().getFloat();
                if (!(max > 0) || Float.isInfinite(max) || grad.isNaN().any().getBoolean()) {
                    bad.add(p.getKey() + " (max |grad| " + max + ")");
                }
                checked++;
            }
            assertEquals(118, checked);
            assertTrue(bad.isEmpty(), "parameters without finite non-zero gradient: " + bad);
        }
    }
}
