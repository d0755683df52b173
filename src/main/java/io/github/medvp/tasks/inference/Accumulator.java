package io.github.medvp.tasks.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.engine.HostArrays;

/**
 * The weighted sum of window predictions over the padded grid, per output channel, in C order (Z fastest), in
 * double precision: products of two floats are exact in double, so both implementations compute bit-identical sums
 * (same products, same additions in the same order), and stitching the identity returns the input exactly.
 * <p>
 * {@link Device} keeps the sums in one device array (no per-window transfer); {@link Host} copies each window's
 * prediction back and sums in Java arrays, for volumes whose sums do not fit the device budget. The weight sums
 * (count map) do not depend on predictions and are computed on the host by {@link SlidingWindow} for both.
 */
abstract class Accumulator implements AutoCloseable {

    final int channels;
    final int[] padded;
    final int[] window;
    final float[] weights;

    Accumulator(int channels, int[] padded, int[] window, float[] weights) {
        this.channels = channels;
        this.padded = padded;
        this.window = window;
        this.weights = weights;
    }

    /** Adds {@code weights × prediction} of each window of the batch (n, K, wx, wy, wz) at its start. */
    abstract void add(NDArray predictions, int[][] starts);

    /** The sums of channel {@code k} over the padded grid, C order; called once per channel after the last add. */
    abstract double[] sums(int k);

    @Override
    public void close() {
    }

    /** Bytes the sums take: {@code channels × padded voxels × 8}. */
    static long bytes(int channels, int[] padded) {
        return (long) channels * padded[0] * padded[1] * padded[2] * Double.BYTES;
    }

    /** Sums in a FLOAT64 device array (K, X, Y, Z) owned by a sub-manager of the predictions' device. */
    static final class Device extends Accumulator {
        private final NDManager manager;
        private final NDArray sums;
        private final NDArray weightArray;

        Device(NDManager parent, ai.djl.Device device, int channels, int[] padded, int[] window, float[] weights) {
            super(channels, padded, window, weights);
            manager = parent.newSubManager(device);
            sums = manager.zeros(new Shape(channels, padded[0], padded[1], padded[2]), DataType.FLOAT64);
            weightArray = HostArrays.copyOf(manager, weights, new Shape(window[0], window[1], window[2]))
                    .toType(DataType.FLOAT64, false);
            // Created inside a window step: they must outlive its NDScope (the sub-manager frees them at close).
            NDScope.unregister(sums, weightArray);
        }

        @Override
        void add(NDArray predictions, int[][] starts) {
            NDArray p = predictions.toType(DataType.FLOAT64, false);
            for (int i = 0; i < starts.length; i++) {
                int[] s = starts[i];
                NDIndex at = new NDIndex(":, {}:{}, {}:{}, {}:{}", s[0], s[0] + window[0], s[1], s[1] + window[1],
                        s[2], s[2] + window[2]);
                // A basic-slice get is a view of the sums (PyTorch engine): the in-place add updates them directly.
                sums.get(at).addi(p.get(i).mul(weightArray));
            }
        }

        @Override
        double[] sums(int k) {
            try (NDArray c = sums.get(k)) {
                return c.toDoubleArray();
            }
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** Sums in one {@code double[]} per channel on the Java heap. */
    static final class Host extends Accumulator {
        private final double[][] sums;

        Host(int channels, int[] padded, int[] window, float[] weights) {
            super(channels, padded, window, weights);
            long n = (long) padded[0] * padded[1] * padded[2];
            sums = new double[channels][Math.toIntExact(n)];
        }

        @Override
        void add(NDArray predictions, int[][] starts) {
            float[] v = predictions.toType(DataType.FLOAT32, false).toFloatArray();
            int wx = window[0], wy = window[1], wz = window[2];
            int wv = wx * wy * wz;
            int py = padded[1], pz = padded[2];
            for (int i = 0; i < starts.length; i++) {
                int[] s = starts[i];
                for (int k = 0; k < channels; k++) {
                    double[] acc = sums[k];
                    int src = (i * channels + k) * wv;
                    for (int x = 0, w = 0; x < wx; x++) {
                        for (int y = 0; y < wy; y++) {
                            int dst = ((s[0] + x) * py + s[1] + y) * pz + s[2];
                            for (int z = 0; z < wz; z++, w++) {
                                acc[dst + z] += (double) weights[w] * v[src + w];
                            }
                        }
                    }
                }
            }
        }

        @Override
        double[] sums(int k) {
            return sums[k];
        }
    }
}
