package io.github.medvp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.medvp.engine.Engines;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parameters drawn on the CPU are the ones a CPU initialisation draws, in the same order, and belong to the caller's
 * manager. (That a GPU then holds the same values needs a GPU: src/test/gpu/check.sh compares the losses.)
 */
class HostInitialisationTest {

    private static final Shape IN = new Shape(1, 2, 32, 32, 32);

    private static Map<String, float[]> values(UniFormer3d model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    @Test
    void drawsWhatACpuInitialisationDrawsAndHandsItToTheCallersManager() {
        Engines.pytorch();
        Map<String, float[]> plain;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Engine.getInstance().setRandomSeed(11);
            UniFormer3d model = Presets.tiny().optInChannels(2).build();
            model.initialize(m, DataType.FLOAT32, IN);
            plain = values(model);
        }
        List<ai.djl.ndarray.NDArray> arrays = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Engine.getInstance().setRandomSeed(11);
            UniFormer3d model = Presets.tiny().optInChannels(2).build();
            HostInitialisation.initialize(model, m, DataType.FLOAT32, IN);
            Map<String, float[]> host = values(model);
            assertEquals(plain.keySet(), host.keySet());
            boolean random = false;
            for (Map.Entry<String, float[]> e : plain.entrySet()) {
                assertArrayEquals(e.getValue(), host.get(e.getKey()), e.getKey());
                random |= e.getValue().length > 1 && e.getValue()[0] != e.getValue()[1];
            }
            assertTrue(random, "no parameter was drawn at random: the comparison would prove nothing");
            for (Pair<String, Parameter> p : model.getParameters()) {
                assertEquals(m, p.getValue().getArray().getManager(), p.getKey());
                arrays.add(p.getValue().getArray());
            }
        }
        for (ai.djl.ndarray.NDArray a : arrays) {
            assertTrue(a.isReleased(), "a parameter outlived its manager");
        }
        assertFalse(arrays.isEmpty());
    }
}
