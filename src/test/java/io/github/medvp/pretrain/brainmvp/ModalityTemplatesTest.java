package io.github.medvp.pretrain.brainmvp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModalityTemplatesTest {

    static final int GX = 6;
    static final int GY = 5;
    static final int GZ = 4;

    /** Template value of row r at (x, y, z): distinct, with a known min and max per row. */
    static float value(int r, int x, int y, int z) {
        return (r + 1) * (x * 100 + y * 10 + z) - 7 * r;
    }

    static ModalityTemplates filled(NDManager m) {
        ModalityTemplates t = ModalityTemplates.builder().optModalities(List.of(Modality.T1, Modality.T2))
                .optGrid(GX, GY, GZ).build();
        t.initialize(m, DataType.FLOAT32, new Shape(1), new Shape(1, 3), new Shape(1, 1, 2, 2, 2));
        float[] v = new float[2 * GX * GY * GZ];
        int i = 0;
        for (int r = 0; r < 2; r++) {
            for (int x = 0; x < GX; x++) {
                for (int y = 0; y < GY; y++) {
                    for (int z = 0; z < GZ; z++) {
                        v[i++] = value(r, x, y, z);
                    }
                }
            }
        }
        t.getTemplates().getArray().set(v);
        return t;
    }

    @Test
    void startsAsZerosAndMapsModalitiesToRows() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModalityTemplates t = ModalityTemplates.builder().optGrid(4, 4, 4).build();
            t.initialize(m, DataType.FLOAT32, new Shape(1), new Shape(1, 3), new Shape(1, 1, 2, 2, 2));
            assertEquals(new Shape(8, 4, 4, 4), t.getTemplates().getArray().getShape());
            assertEquals(0f, t.getTemplates().getArray().abs().sum().getFloat());
            assertEquals(2, t.row(Modality.T1C));
            assertEquals(7, t.row(Modality.ADC));
            ModalityTemplates four = ModalityTemplates.builder()
                    .optModalities(List.of(Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2)).build();
            assertThrows(MedvpException.class, () -> four.row(Modality.PD));
        }
    }

    @Test
    void cropsAreNormalisedOverTheWholeGridAndTakenAtRepStart() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModalityTemplates t = filled(m);
            int[] rows = {1, 0, 1};
            int[][] starts = {{0, 0, 0}, {4, 3, 2}, {3, 1, 1}};
            int[] size = {2, 2, 2};
            NDArray crops = t.normalisedCrops(new ParameterStore(m, false), m, Device.cpu(), rows, starts, size,
                    false);
            assertEquals(new Shape(3, 1, 2, 2, 2), crops.getShape());
            for (int b = 0; b < 3; b++) {
                int r = rows[b];
                float lo = value(r, 0, 0, 0);
                float hi = value(r, GX - 1, GY - 1, GZ - 1);
                for (int x = 0; x < 2; x++) {
                    for (int y = 0; y < 2; y++) {
                        for (int z = 0; z < 2; z++) {
                            float raw = value(r, starts[b][0] + x, starts[b][1] + y, starts[b][2] + z);
                            float expected = (raw - lo) / (hi - lo + 1e-9f);
                            assertEquals(expected, crops.getFloat(b, 0, x, y, z), 1e-6f, "sample " + b);
                        }
                    }
                }
            }
            // The block's device-side forward (no host checks) gives the same crops.
            NDArray forward = t.forward(new ParameterStore(m, false), new ai.djl.ndarray.NDList(
                    m.create(new long[] {1, 0, 1}), m.create(new long[] {0, 0, 0, 4, 3, 2, 3, 1, 1}, new Shape(3, 3)),
                    m.zeros(new Shape(3, 1, 2, 2, 2))), false).singletonOrThrow();
            assertEquals(0f, forward.sub(crops).abs().max().getFloat());
            // The whole-grid normalisation used for export gives the same values.
            NDArray all = t.normalised();
            assertEquals(crops.getFloat(1, 0, 1, 1, 1), all.getFloat(0, 5, 4, 3), 1e-7f);
            assertEquals(0f, all.min().getFloat());
            assertEquals(1f, all.max().getFloat(), 1e-6f);
        }
    }

    @Test
    void cropsLeavingTheGridAreRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModalityTemplates t = filled(m);
            ParameterStore ps = new ParameterStore(m, false);
            int[] size = {2, 2, 2};
            MedvpException e = assertThrows(MedvpException.class, () -> t.normalisedCrops(ps, m, Device.cpu(),
                    new int[] {0}, new int[][] {{5, 0, 0}}, size, false));
            assertTrue(e.getMessage().contains("[5, 0, 0]"), e.getMessage());
            assertThrows(MedvpException.class, () -> t.normalisedCrops(ps, m, Device.cpu(), new int[] {0},
                    new int[][] {{0, -1, 0}}, size, false));
        }
    }

    @Test
    void gradientReachesCropVoxelsAndTheExtremesOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModalityTemplates t = filled(m);
            NDArray w = m.randomUniform(0.5f, 1.5f, new Shape(2, 1, 2, 2, 2));
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray crops = t.normalisedCrops(new ParameterStore(m, false), m, Device.cpu(), new int[] {1, 1},
                        new int[][] {{1, 1, 1}, {2, 1, 1}}, new int[] {2, 2, 2}, true);
                gc.backward(crops.mul(w).sum());
            }
            NDArray g = t.getTemplates().getArray().getGradient();
            assertEquals(0f, g.get(0).abs().sum().getFloat(), "unused template");
            NDArray nonZero = g.get(1).abs().gt(0);
            // Union of two overlapping 2x2x2 crops: x in 1..3, y and z in 1..2 (12 voxels) plus min and max.
            assertEquals(14L, nonZero.toType(DataType.INT64, false).sum().getLong());
            assertTrue(nonZero.getBoolean(0, 0, 0) && nonZero.getBoolean(GX - 1, GY - 1, GZ - 1));
            assertTrue(nonZero.getBoolean(3, 2, 2) && !nonZero.getBoolean(0, 1, 1));
        }
    }

    @Test
    void tiedExtremesShareTheGradientEquallyAsInPyTorch() {
        // Zero templates: every voxel ties for min and max. With w the crop weights, ε = 1e-9 and N grid voxels,
        // PyTorch gives dL/dT = w/ε − Σw/(N ε) inside the crop and −Σw/(N ε) elsewhere (the max term is 0).
        try (NDManager m = NDManager.newBaseManager()) {
            ModalityTemplates t = ModalityTemplates.builder().optModalities(List.of(Modality.T1)).optGrid(4, 4, 4)
                    .build();
            t.initialize(m, DataType.FLOAT32, new Shape(1), new Shape(1, 3), new Shape(1, 1, 2, 2, 2));
            float[] weights = {1, 2, 3, 4, 5, 6, 7, 8};
            NDArray w = m.create(weights, new Shape(1, 1, 2, 2, 2)).mul(1e-9f);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray crops = t.normalisedCrops(new ParameterStore(m, false), m, Device.cpu(), new int[] {0},
                        new int[][] {{1, 2, 0}}, new int[] {2, 2, 2}, true);
                gc.backward(crops.mul(w).sum());
            }
            NDArray g = t.getTemplates().getArray().getGradient();
            double shared = -36.0 / 64; // −Σw/(N ε) with w scaled by ε
            assertEquals(shared, g.getFloat(0, 0, 0, 0), 1e-3);
            assertEquals(shared, g.getFloat(0, 3, 3, 3), 1e-3);
            assertEquals(1 + shared, g.getFloat(0, 1, 2, 0), 1e-3);
            assertEquals(8 + shared, g.getFloat(0, 2, 3, 1), 1e-3);
        }
    }
}
