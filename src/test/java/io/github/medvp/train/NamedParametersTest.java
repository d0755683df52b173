package io.github.medvp.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import io.github.medvp.MedvpException;
import io.github.medvp.engine.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamedParametersTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        Engines.pytorch();
        manager = NDManager.newBaseManager(Engines.device("cpu"));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void blockParametersKeepTheirNamesAndFrozenOnesAreNotTrained() {
        Linear block = Linear.builder().setUnits(2).build();
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
        block.getParameters().get("bias").freeze(true);
        NDArray templates = manager.zeros(new Shape(2, 4));
        NamedParameters p = NamedParameters.builder().addBlock("enc.", block).addFree("templates", templates).build();
        assertEquals(List.of("enc.weight", "enc.bias", "templates"),
                p.entries().stream().map(NamedParameters.Entry::name).toList());
        assertEquals(List.of("enc.weight", "templates"), p.trainable().stream().map(NamedParameters.Entry::name)
                .toList());
        assertTrue(templates.hasGradient());
        assertTrue(p.get("templates").free());
        assertFalse(p.get("enc.weight").free());
        assertTrue(p.toHost("model.", "extra.").keySet().containsAll(List.of("model.enc.bias", "extra.templates")));
        assertThrows(IllegalArgumentException.class,
                () -> NamedParameters.builder().addFree("a", manager.zeros(new Shape(1)))
                        .addFree("a", manager.zeros(new Shape(1))));
        MedvpException e = assertThrows(MedvpException.class,
                () -> p.load(Map.of(), "model.", "extra.", "x.safetensors"));
        assertEquals("x.safetensors has no tensor model.enc.weight: it was saved from another model", e.getMessage());
    }

    @Test
    void clipGradientNormScalesLikePytorchAndZeroGradientsClearsNaN() {
        NDArray a = manager.create(new float[] {1f, 1f});
        NDArray b = manager.create(new float[] {1f});
        NamedParameters p = NamedParameters.builder().addFree("a", a).addFree("b", b).build();
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            // Gradients (3, 0) and (4): global norm 5.
            gc.backward(a.mul(manager.create(new float[] {3f, 0f})).sum().add(b.mul(4f).sum()));
        }
        NDArray norm = p.clipGradientNorm(2.5);
        assertEquals(5f, norm.getFloat(), 1e-6f);
        double coef = 2.5 / (5 + 1e-6);
        assertArrayEquals(new float[] {(float) (3 * coef), 0f}, a.getGradient().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {(float) (4 * coef)}, b.getGradient().toFloatArray(), 1e-6f);
        p.clipGradientNorm(100);
        assertArrayEquals(new float[] {(float) (4 * coef)}, b.getGradient().toFloatArray(), 1e-6f);

        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            gc.backward(b.mul(Float.NaN).sum().add(a.sum()));
        }
        p.zeroGradients();
        assertArrayEquals(new float[] {0f}, b.getGradient().toFloatArray());
        assertArrayEquals(new float[] {0f, 0f}, a.getGradient().toFloatArray());
    }
}
