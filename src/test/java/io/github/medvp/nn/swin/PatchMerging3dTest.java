package io.github.medvp.nn.swin;

import io.github.medvp.nn.Fixtures;
import io.github.medvp.nn.Layers;
import io.github.medvp.nn.ReferenceNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class PatchMerging3dTest {

    /** MONAI 0.9's x0..x7, written out independently of the implementation. */
    private static final String[] REFERENCE_SLICES = {
        ":, 0::2, 0::2, 0::2, :", ":, 1::2, 0::2, 0::2, :", ":, 0::2, 1::2, 0::2, :", ":, 0::2, 0::2, 1::2, :",
        ":, 1::2, 0::2, 1::2, :", ":, 0::2, 1::2, 0::2, :", ":, 0::2, 0::2, 1::2, :", ":, 1::2, 1::2, 1::2, :",
    };

    /** The sub-grid order of a correct merging, which the reference does not use. */
    private static final String[] CORRECT_SLICES = {
        ":, 0::2, 0::2, 0::2, :", ":, 1::2, 0::2, 0::2, :", ":, 0::2, 1::2, 0::2, :", ":, 0::2, 0::2, 1::2, :",
        ":, 1::2, 0::2, 1::2, :", ":, 1::2, 1::2, 0::2, :", ":, 0::2, 1::2, 1::2, :", ":, 1::2, 1::2, 1::2, :",
    };

    @Test
    void concatenatesTheReferenceSubGridsIncludingTheDuplicates() {
        try (NDManager m = NDManager.newBaseManager()) {
            int c = 3;
            Shape shape = new Shape(2, 4, 6, 2, c);
            PatchMerging3d merging = new PatchMerging3d(c);
            merging.initialize(m, DataType.FLOAT32, shape);
            NDArray x = m.randomNormal(shape);
            NDArray out = merging.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(2, 2, 3, 1, 2 * c), out.getShape());
            NDArray w = ReferenceNames.param(merging.reduction, "weight").getArray();
            assertTrue(Fixtures.maxAbs(out, manual(x, REFERENCE_SLICES, w)) < 1e-5f);
            assertTrue(Fixtures.maxAbs(out, manual(x, CORRECT_SLICES, w)) > 1e-2f, "the order matters");
        }
    }

    @Test
    void padsAllOddGridsAndRejectsMixedOnesAsTheReferenceFails() {
        try (NDManager m = NDManager.newBaseManager()) {
            PatchMerging3d merging = new PatchMerging3d(2);
            merging.initialize(m, DataType.FLOAT32, new Shape(1, 3, 3, 3, 2));
            NDArray x = m.randomNormal(new Shape(1, 3, 3, 3, 2));
            NDArray out = merging.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(1, 2, 2, 2, 4), out.getShape());
            NDArray padded = Layers.padEnd(Layers.padEnd(Layers.padEnd(x, 1, 1), 2, 1), 3, 1);
            NDArray w = ReferenceNames.param(merging.reduction, "weight").getArray();
            assertTrue(Fixtures.maxAbs(out, manual(padded, REFERENCE_SLICES, w)) < 1e-5f);
            assertThrows(IllegalArgumentException.class,
                    () -> merging.getOutputShapes(new Shape[] {new Shape(1, 4, 3, 4, 2)}));
            NDArray mixed = m.zeros(new Shape(1, 4, 3, 4, 2));
            assertThrows(IllegalArgumentException.class,
                    () -> merging.forward(new ParameterStore(m, false), new NDList(mixed), false));
        }
    }

    /** concat → LayerNorm (γ = 1, β = 0 at init, eps 1e-5, biased variance) → x Wᵀ, by hand. */
    private static NDArray manual(NDArray x, String[] slices, NDArray weight) {
        NDList parts = new NDList();
        for (String s : slices) {
            parts.add(x.get(s));
        }
        NDArray cat = NDArrays.concat(parts, 4);
        NDArray mean = cat.mean(new int[] {4}, true);
        NDArray var = cat.sub(mean).square().mean(new int[] {4}, true);
        NDArray normed = cat.sub(mean).div(var.add(1e-5f).sqrt());
        return normed.matMul(weight.transpose());
    }
}
