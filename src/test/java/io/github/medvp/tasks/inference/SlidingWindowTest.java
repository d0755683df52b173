package io.github.medvp.tasks.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.training.ParameterStore;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.engine.Engines;
import io.github.medvp.nn.Presets;
import io.github.medvp.nn.UnetrDecoder;
import io.github.medvp.nn.UniFormer3d;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {

    private static final int[][] SIZES = {{5, 6, 3}, {8, 8, 8}, {13, 8, 19}};

    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    static float[][] volume(int channels, int[] dims, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] v = new float[channels][dims[0] * dims[1] * dims[2]];
        for (float[] c : v) {
            for (int i = 0; i < c.length; i++) {
                c[i] = (float) (rng.nextGaussian() * 50);
            }
        }
        return v;
    }

    private static SlidingWindow.Builder window8(WindowPredictor p) {
        return SlidingWindow.builder().setPredictor(p).optWindow(8);
    }

    @Test
    void identityIsStitchedExactlyForEverySizeBlendingAndPath() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] dims : SIZES) {
                float[][] in = volume(2, dims, dims[0]);
                for (Blending b : Blending.values()) {
                    for (long budget : new long[] {0, Long.MAX_VALUE}) {
                        for (boolean cut : new boolean[] {false, true}) {
                            SlidingWindow sw = window8(w -> w).optBlending(b).optDeviceBudget(budget)
                                    .optCutOnDevice(cut).build();
                            float[][] out = sw.run(m, in, dims, Progress.NONE);
                            assertEquals(2, out.length);
                            for (int c = 0; c < 2; c++) {
                                assertArrayEquals(in[c], out[c], b + " " + budget + " " + cut + " " + dims[0]);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void windowsSeeTheVolumeInCOrderWithXAsTheFirstSpatialAxis() {
        int[] dims = {8, 6, 5};
        float[][] in = volume(1, dims, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            // One window covering the volume: the output is the predictor's cumulative sum along axis 2 = X.
            // Windows cut on the host and, as on a GPU, from one copy of the volume on the device.
            for (boolean cut : new boolean[] {false, true}) {
                SlidingWindow sw = SlidingWindow.builder().setPredictor(w -> w.cumSum(2)).optWindow(dims)
                        .optCutOnDevice(cut).build();
                float[] out = sw.run(m, in, dims, Progress.NONE)[0];
                for (int z = 0; z < 5; z++) {
                    for (int y = 0; y < 6; y++) {
                        float sum = 0;
                        for (int x = 0; x < 8; x++) {
                            int i = x + 8 * (y + 6 * z);
                            sum += in[0][i];
                            assertEquals(sum, out[i], 1e-3f, cut + " voxel " + x + "," + y + "," + z);
                        }
                    }
                }
            }
        }
    }

    @Test
    void overlapsAreWeightedMeansOfTheWindows() {
        int[] dims = {13, 8, 19};
        float[][] in = volume(1, dims, 5);
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] results = new float[2][];
            for (Blending b : Blending.values()) {
                SlidingWindow sw = window8(windowIndex()).optBlending(b).build();
                float[] out = sw.run(m, in, dims, Progress.NONE)[0];
                WindowGrid g = sw.grid(dims);
                float[] w = b.weights(g.window(), Blending.DEFAULT_SIGMA_SCALE);
                double[] num = new double[out.length];
                double[] den = new double[out.length];
                for (int i = 0; i < g.count(); i++) {
                    int[] s = g.start(i);
                    for (int x = 0; x < 8; x++) {
                        for (int y = 0; y < 8; y++) {
                            for (int z = 0; z < 8; z++) {
                                // No axis is shorter than the window, so there is no padding to skip.
                                int[] v = {s[0] + x, s[1] + y, s[2] + z};
                                int at = v[0] + dims[0] * (v[1] + dims[1] * v[2]);
                                num[at] += w[(x * 8 + y) * 8 + z] * (double) i;
                                den[at] += w[(x * 8 + y) * 8 + z];
                            }
                        }
                    }
                }
                for (int i = 0; i < out.length; i++) {
                    assertEquals(num[i] / den[i], out[i], 1e-5, b + " voxel " + i);
                }
                results[b.ordinal()] = out;
            }
            assertFalse(java.util.Arrays.equals(results[0], results[1]), "Gaussian blending changes the result");
        }
    }

    /** A predictor whose output is the index of the window in the scan order, constant over the window. */
    private static WindowPredictor windowIndex() {
        AtomicInteger next = new AtomicInteger();
        return w -> {
            long n = w.getShape().get(0);
            NDList parts = new NDList();
            for (int i = 0; i < n; i++) {
                parts.add(w.getManager().full(new Shape(1, 1, 8, 8, 8), (float) next.getAndIncrement()));
            }
            return NDArrays.concat(parts, 0);
        };
    }

    /** Two output channels from one input, neither linear in the other: exercises the rounding of the sums. */
    private static NDArray mix(NDArray w) {
        return NDArrays.concat(new NDList(w.mul(w), w.mul(-0.7f).add(0.1f)), 1);
    }

    @Test
    void deviceAndHostSumsGiveIdenticalResults() {
        int[] dims = {13, 8, 19};
        float[][] in = volume(1, dims, 9);
        try (NDManager m = NDManager.newBaseManager()) {
            SlidingWindow device = window8(SlidingWindowTest::mix).optBlending(Blending.GAUSSIAN).build();
            SlidingWindow host = window8(SlidingWindowTest::mix).optBlending(Blending.GAUSSIAN).optDeviceBudget(16)
                    .build();
            assertTrue(device.accumulatesOnDevice(2, dims));
            assertFalse(host.accumulatesOnDevice(2, dims));
            float[][] a = device.run(m, in, dims, Progress.NONE);
            float[][] b = host.run(m, in, dims, Progress.NONE);
            float[][] batched = window8(SlidingWindowTest::mix).optBlending(Blending.GAUSSIAN).optBatch(3).build()
                    .run(m, in, dims, Progress.NONE);
            for (int c = 0; c < 2; c++) {
                assertArrayEquals(a[c], b[c]);
                assertArrayEquals(a[c], batched[c]);
            }
            // Not a vacuous comparison: the squares were stitched.
            assertEquals(in[0][40] * in[0][40], a[0][40], 1e-3 * a[0][40]);
        }
    }

    @Test
    void reportsProgressPerBatchAndStopsWhenCancelled() {
        int[] dims = {13, 8, 19};
        float[][] in = volume(1, dims, 1);
        List<long[]> updates = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        WindowPredictor counting = w -> {
            calls.incrementAndGet();
            return w;
        };
        try (NDManager m = NDManager.newBaseManager()) {
            SlidingWindow sw = window8(counting).optBatch(4).build();
            assertEquals(3 * 1 * 4, sw.grid(dims).count());
            sw.run(m, in, dims, new Progress() {
                @Override
                public void update(String stage, long done, long total, String message) {
                    updates.add(new long[] {done, total});
                }

                @Override
                public boolean isCancelled() {
                    return false;
                }
            });
            assertEquals(3, calls.get());
            assertArrayEquals(new long[] {4, 12}, updates.get(0));
            assertArrayEquals(new long[] {12, 12}, updates.get(2));
            calls.set(0);
            Progress cancelAfterOne = new Progress() {
                @Override
                public void update(String stage, long done, long total, String message) {
                }

                @Override
                public boolean isCancelled() {
                    return calls.get() >= 1;
                }
            };
            assertThrows(Progress.CancelledException.class, () -> sw.run(m, in, dims, cancelAfterOne));
            assertEquals(1, calls.get());
        }
    }

    @Test
    void gatherZeroPadsSymmetrically() {
        int[] dims = {5, 2, 1};
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        float[] out = new float[8 * 2 * 1];
        SlidingWindow.gather(in, dims, new int[] {1, 0, 0}, new int[] {0, 0, 0}, new int[] {8, 2, 1}, out);
        // C order (x, y, z): x = 0 and x = 6, 7 are padding; x = 1..5 hold the input's x = 0..4.
        assertArrayEquals(new float[] {0, 0, 1, 6, 2, 7, 3, 8, 4, 9, 5, 10, 0, 0, 0, 0}, out);
    }

    @Test
    void rejectsAPredictionOfAnotherSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            SlidingWindow sw = window8(w -> w.get(":, :, 0:4")).build();
            MedvpException e = assertThrows(MedvpException.class,
                    () -> sw.run(m, volume(1, new int[] {8, 8, 8}, 1), new int[] {8, 8, 8}, Progress.NONE));
            assertTrue(e.getMessage().contains("(n, K, 8, 8, 8)"), e.getMessage());
        }
    }

    @Test
    void blockChainsFreeIntermediatesAndHandTheirOutputToTheCaller() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] seen = new NDArray[2];
            LambdaBlock first = new LambdaBlock(l -> {
                seen[0] = l.head().mul(2);
                return new NDList(seen[0].add(1));
            });
            LambdaBlock second = new LambdaBlock(l -> new NDList(l.head().mul(3)));
            WindowPredictor p = WindowPredictor.of(new ParameterStore(m, false), first, second);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                seen[1] = p.predict(m.create(new float[] {1, 2}));
                assertTrue(seen[0].isReleased(), "the first block's working array is freed");
                assertArrayEquals(new float[] {9, 15}, seen[1].toFloatArray());
            }
            assertTrue(seen[1].isReleased(), "the result belongs to the caller's scope");
        }
    }

    @Test
    void stitchesANetworkAndMatchesItsDirectOutputOnOneWindow() {
        int[] dims = {16, 16, 16};
        float[][] in = volume(2, dims, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            UniFormer3d encoder = Presets.tiny().optInChannels(2).optReturnInput(true).build();
            Shape input = new Shape(1, 2, 16, 16, 16);
            encoder.initialize(m, DataType.FLOAT32, input);
            UnetrDecoder decoder = UnetrDecoder.builder().setOutChannels(3).optWidths(16, 32, 64, 128).build();
            decoder.initialize(m, DataType.FLOAT32, encoder.getOutputShapes(new Shape[] {input}));
            WindowPredictor net = WindowPredictor.of(new ParameterStore(m, false), encoder, decoder);
            float[][] out = SlidingWindow.builder().setPredictor(net).optWindow(16).build()
                    .run(m, in, dims, Progress.NONE);
            // The same volume as a (1, 2, X, Y, Z) C-order tensor through the network directly.
            float[] c = new float[2 * 4096];
            for (int ch = 0; ch < 2; ch++) {
                for (int i = 0; i < 4096; i++) {
                    int x = i % 16, y = (i / 16) % 16, z = i / 256;
                    c[ch * 4096 + (x * 16 + y) * 16 + z] = in[ch][i];
                }
            }
            float[] direct = net.predict(m.create(c, input)).toFloatArray();
            for (int k = 0; k < 3; k++) {
                for (int i = 0; i < 4096; i += 7) {
                    int x = i % 16, y = (i / 16) % 16, z = i / 256;
                    assertEquals(direct[k * 4096 + (x * 16 + y) * 16 + z], out[k][i], 0f);
                }
            }
            // Several windows, both paths.
            int[] big = {20, 16, 18};
            float[][] vol = volume(2, big, 8);
            SlidingWindow.Builder b = SlidingWindow.builder().setPredictor(net).optWindow(16).optBatch(2);
            float[][] dev = b.build().run(m, vol, big, Progress.NONE);
            float[][] host = b.optDeviceBudget(0).build().run(m, vol, big, Progress.NONE);
            assertEquals(3, dev.length);
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(dev[k], host[k]);
            }
        }
    }
}
