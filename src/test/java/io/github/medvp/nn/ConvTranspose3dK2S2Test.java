package io.github.medvp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class ConvTranspose3dK2S2Test {

    @Test
    void matchesDirectScatterLoop() {
        int n = 2, cin = 3, cout = 2, sx = 2, sy = 3, sz = 1;
        try (NDManager manager = NDManager.newBaseManager()) {
            ConvTranspose3dK2S2 block = new ConvTranspose3dK2S2(cin, cout, true);
            Shape inShape = new Shape(n, cin, sx, sy, sz);
            block.initialize(manager, DataType.FLOAT32, inShape);
            NDArray x = manager.randomNormal(inShape);
            float[] in = x.toFloatArray();
            float[] w = block.getWeight().getArray().toFloatArray();
            float[] b = block.getBias().getArray().toFloatArray();

            NDArray y = block.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(n, cout, 2 * sx, 2 * sy, 2 * sz), y.getShape());

            // PyTorch's definition: every input voxel scatters a 2x2x2 block w[c, o] into the output.
            int ox = 2 * sx, oy = 2 * sy, oz = 2 * sz;
            float[] expected = new float[n * cout * ox * oy * oz];
            for (int s = 0; s < n; s++) {
                for (int o = 0; o < cout; o++) {
                    for (int X = 0; X < ox; X++) {
                        for (int Y = 0; Y < oy; Y++) {
                            for (int Z = 0; Z < oz; Z++) {
                                expected[(((s * cout + o) * ox + X) * oy + Y) * oz + Z] = b[o];
                            }
                        }
                    }
                    for (int c = 0; c < cin; c++) {
                        for (int i = 0; i < sx; i++) {
                            for (int j = 0; j < sy; j++) {
                                for (int k = 0; k < sz; k++) {
                                    float v = in[(((s * cin + c) * sx + i) * sy + j) * sz + k];
                                    for (int a = 0; a < 2; a++) {
                                        for (int bb = 0; bb < 2; bb++) {
                                            for (int d = 0; d < 2; d++) {
                                                int out = (((s * cout + o) * ox + 2 * i + a) * oy + 2 * j + bb) * oz
                                                        + 2 * k + d;
                                                expected[out] += v * w[(((c * cout + o) * 2 + a) * 2 + bb) * 2 + d];
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            assertArrayEquals(expected, y.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void initialisesLikePyTorchWithFanInFromOutputChannels() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ConvTranspose3dK2S2 block = new ConvTranspose3dK2S2(64, 8, false);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 64, 1, 1, 1));
            NDArray w = block.getWeight().getArray();
            // U(-b, b) with b = 1/sqrt(C_out * 8) = 0.125: max close to b, variance b^2/3.
            float bound = 0.125f;
            float max = w.abs().max().getFloat();
            float var = w.square().mean().getFloat();
            assertEquals(bound, max, 0.01f);
            assertEquals(bound * bound / 3, var, 0.1f * bound * bound / 3);
        }
    }
}
