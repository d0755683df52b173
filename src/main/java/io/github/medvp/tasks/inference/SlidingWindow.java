package io.github.medvp.tasks.inference;

import io.github.medvp.tasks.Dims;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.Sample;
import io.github.medvp.engine.HostArrays;

/**
 * Whole-volume inference with a network trained on fixed-size crops, as MONAI's {@code sliding_window_inference}:
 * windows placed by {@link WindowGrid} (zero padding where the volume is smaller than a window, overlap 0.5 and
 * the last window aligned to the end by default), predicted {@code batch} at a time, and stitched as the
 * {@link Blending}-weighted mean of the overlapping predictions.
 * <p>
 * Bounded memory: only one batch of windows is on the device at a time (on the CPU, inputs are cut from the host
 * volume per batch; on a GPU from one copy of the volume there, when it fits the device budget: no upload, and so no
 * wait for the device, per batch; every array of a batch is freed by an {@link NDScope} before the next), and the stitched sums live on
 * the device only when they fit {@link Builder#optDeviceBudget} ({@code K × padded voxels × 8} bytes); otherwise
 * each batch's predictions are copied back and summed on the host. Both give bit-identical results. On top of the
 * sums, the host holds a count map (padded voxels × 8 bytes) and the result ({@code K × voxels × 4} bytes): for a
 * BraTS volume (240×240×155, 3 regions) about 180 MB plus 214 MB of sums on the host path; measured, the whole
 * run stitching 48 windows fits a 1 GiB heap on either path. The network's working memory per batch comes on top
 * and dominates: DJL keeps every intermediate array of a forward pass until the batch's scope closes, about 7 GB
 * of native memory for UniFormer-S + UNETR on one 96³ window on the CPU (with {@link WindowPredictor#of}, which
 * frees the encoder's arrays before the decoder runs).
 * <p>
 * Inference runs with autograd off; the predictor should be in inference mode (its blocks called with
 * {@code training = false}, as {@link WindowPredictor#of} does). Progress is reported per window batch, and a
 * cancel request is honoured before each batch. An instance is immutable; concurrent runs are safe when the
 * predictor is.
 */
public final class SlidingWindow {

    /** Default window edge, the BrainMVP crop size. */
    public static final int DEFAULT_WINDOW = 96;
    /** Default device memory for the stitched sums: 1 GiB. */
    public static final long DEFAULT_DEVICE_BUDGET = 1L << 30;
    /** Progress stage name. */
    public static final String STAGE = "sliding window";

    private final WindowPredictor predictor;
    private final int[] window;
    private final double overlap;
    private final Blending blending;
    private final double sigmaScale;
    private final int batch;
    private final long deviceBudget;
    private final Boolean cutOnDevice;

    private SlidingWindow(Builder b) {
        predictor = b.predictor;
        window = b.window.clone();
        overlap = b.overlap;
        blending = b.blending;
        sigmaScale = b.sigmaScale;
        batch = b.batch;
        deviceBudget = b.deviceBudget;
        cutOnDevice = b.cutOnDevice;
    }

    /** A builder; the predictor is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The windows for a volume of size {@code dims} (X, Y, Z). */
    public WindowGrid grid(int[] dims) {
        return WindowGrid.of(dims, window, overlap);
    }

    /** True when a run with {@code outChannels} outputs on a volume of size {@code dims} sums on the device. */
    public boolean accumulatesOnDevice(int outChannels, int[] dims) {
        return Accumulator.bytes(outChannels, grid(dims).padded()) <= deviceBudget;
    }

    /** {@link #run(NDManager, float[][], int[], Progress)} on the image channels of a loaded sample. */
    public float[][] run(NDManager manager, Sample sample, Progress progress) {
        if (!sample.isLoaded()) {
            throw new IllegalArgumentException("sample " + sample.id() + " is not loaded");
        }
        return run(manager, sample.image(), sample.shape(), progress);
    }

    /**
     * Predicts a whole volume.
     *
     * @param manager where the window batches are created (its device is where the predictor runs)
     * @param channels the input, one array per channel, X fastest (as {@link Sample#image()}); not modified
     * @param dims spatial size (X, Y, Z)
     * @param progress receives windows done / total; cancelling stops before the next batch
     * @return the stitched logits, one array per output channel, X fastest, size {@code dims}
     * @throws io.github.medvp.Progress.CancelledException when cancelled
     * @throws MedvpException when the predictor's output does not have the window's shape
     */
    public float[][] run(NDManager manager, float[][] channels, int[] dims, Progress progress) {
        if (channels.length == 0) {
            throw new IllegalArgumentException("no input channels");
        }
        int voxels = Dims.voxels(dims, channels[0].length);
        for (float[] c : channels) {
            if (c.length != voxels) {
                throw new IllegalArgumentException("channels differ in length: " + c.length + " and " + voxels);
            }
        }
        WindowGrid grid = grid(dims);
        if ((long) grid.padded()[0] * grid.padded()[1] * grid.padded()[2] > Integer.MAX_VALUE) {
            throw new MedvpException("a volume of " + Arrays.toString(grid.padded()) + " voxels is too large "
                    + "for sliding-window inference (at most 2^31 voxels); crop or resample it");
        }
        float[] weights = blending.weights(window, sigmaScale);
        int total = grid.count();
        int windowVoxels = window[0] * window[1] * window[2];
        int c = channels.length;
        boolean cutOnDevice = cutOnDevice(manager, c, grid);
        ByteBuffer buffer = cutOnDevice ? null : ByteBuffer.allocateDirect(Math.multiplyExact(Math.min(batch, total)
                * c, windowVoxels * Float.BYTES)).order(ByteOrder.nativeOrder());
        float[] scratch = cutOnDevice ? null : new float[windowVoxels];
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        Accumulator acc = null;
        try (NDManager sub = manager.newSubManager()) {
            NDArray volume = cutOnDevice ? upload(sub, channels, grid) : null;
            for (int first = 0; first < total; first += batch) {
                progress.checkCancelled();
                int n = Math.min(batch, total - first);
                int[][] starts = new int[n][];
                for (int i = 0; i < n; i++) {
                    starts[i] = grid.start(first + i);
                }
                if (!cutOnDevice) {
                    fill(buffer.asFloatBuffer(), channels, grid, starts, scratch);
                }
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray x;
                    if (cutOnDevice) {
                        x = cut(volume, starts);
                    } else {
                        ByteBuffer bytes = buffer.duplicate().order(ByteOrder.nativeOrder());
                        bytes.limit(n * c * windowVoxels * Float.BYTES);
                        x = HostArrays.copyOf(sub, bytes.slice().order(ByteOrder.nativeOrder()),
                                new Shape(n, c, window[0], window[1], window[2]), DataType.FLOAT32);
                    }
                    NDArray y = predictor.predict(x);
                    int k = checkOutput(y, n);
                    if (acc == null) {
                        acc = accumulatesOnDevice(k, dims)
                                ? new Accumulator.Device(sub, y.getDevice(), k, grid.padded(), window, weights)
                                : new Accumulator.Host(k, grid.padded(), window, weights);
                    } else if (k != acc.channels) {
                        throw new MedvpException("the predictor returned " + k + " channels after " + acc.channels);
                    }
                    acc.add(y, starts);
                }
                progress.tick(STAGE, first + n, total, null);
            }
            return finish(acc, grid, weights);
        } finally {
            if (acc != null) {
                acc.close();
            }
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * Whether windows are cut from one copy of the padded volume on the device instead of gathered on the host and
     * uploaded per batch: on a GPU (an upload waits for every queued kernel, and the host gather would leave the GPU
     * idle meanwhile) when the volume fits {@link Builder#optDeviceBudget}, or as {@link Builder#optCutOnDevice}
     * says. Both give the same windows.
     */
    private boolean cutOnDevice(NDManager manager, int channels, WindowGrid grid) {
        int[] p = grid.padded();
        boolean fits = (long) channels * p[0] * p[1] * p[2] * Float.BYTES <= deviceBudget;
        return cutOnDevice != null ? cutOnDevice && fits : fits && manager.getDevice().isGpu();
    }

    /** The input as one (C, Z, Y, X) array on {@code manager}'s device, zero-padded to the window grid. */
    private static NDArray upload(NDManager manager, float[][] channels, WindowGrid grid) {
        int[] d = grid.dims();
        int[] p = grid.padded();
        int[] pb = grid.padBefore();
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.multiplyExact(channels.length * Float.BYTES,
                channels[0].length)).order(ByteOrder.nativeOrder());
        FloatBuffer floats = bytes.asFloatBuffer();
        for (float[] ch : channels) {
            floats.put(ch);
        }
        try (NDArray v = HostArrays.copyOf(manager, bytes, new Shape(channels.length, d[2], d[1], d[0]),
                DataType.FLOAT32)) {
            // Padding of the last axis first, as torch.nn.functional.pad.
            return v.pad(new Shape(pb[0], p[0] - d[0] - pb[0], pb[1], p[1] - d[1] - pb[1], pb[2],
                    p[2] - d[2] - pb[2]), 0);
        }
    }

    /** The windows at {@code starts} (padded coordinates) of a {@link #upload}ed volume, as (n, C, wx, wy, wz). */
    private NDArray cut(NDArray volume, int[][] starts) {
        NDList windows = new NDList(starts.length);
        for (int[] s : starts) {
            windows.add(volume.get(new NDIndex(":, {}:{}, {}:{}, {}:{}", s[2], s[2] + window[2], s[1],
                    s[1] + window[1], s[0], s[0] + window[0])).transpose(0, 3, 2, 1));
        }
        return NDArrays.stack(windows);
    }

    /** Writes the windows at {@code starts}, all channels, as (n, C, wx, wy, wz) C-order floats. */
    private void fill(FloatBuffer out, float[][] channels, WindowGrid grid, int[][] starts, float[] scratch) {
        int[] dims = grid.dims();
        int[] padBefore = grid.padBefore();
        for (int i = 0; i < starts.length; i++) {
            for (int ch = 0; ch < channels.length; ch++) {
                gather(channels[ch], dims, padBefore, starts[i], window, scratch);
                out.put((i * channels.length + ch) * scratch.length, scratch);
            }
        }
    }

    private int checkOutput(NDArray y, int n) {
        Shape s = y.getShape();
        if (s.dimension() != 5 || s.get(0) != n || s.get(2) != window[0] || s.get(3) != window[1]
                || s.get(4) != window[2]) {
            throw new MedvpException("the network returned " + s + " for " + n + " windows of "
                    + Arrays.toString(window) + "; it must return (n, K, " + window[0] + ", " + window[1] + ", "
                    + window[2] + ") logits");
        }
        return Math.toIntExact(s.get(1));
    }

    /**
     * Cuts one window of one channel (start in padded coordinates) out of the X-fastest volume into C order,
     * zero outside the volume. Runs in 16×16 (x, z) tiles so that both the strided reads and the contiguous writes
     * use every cache line they touch.
     */
    static void gather(float[] in, int[] dims, int[] padBefore, int[] start, int[] window, float[] out) {
        int nx = dims[0], ny = dims[1], nz = dims[2];
        int wx = window[0], wy = window[1], wz = window[2];
        // Input coordinates of the window's first voxel (negative inside the leading padding).
        int ox = start[0] - padBefore[0], oy = start[1] - padBefore[1], oz = start[2] - padBefore[2];
        int sxy = nx * ny;
        for (int y = 0; y < wy; y++) {
            int iy = oy + y;
            boolean rowInside = iy >= 0 && iy < ny;
            for (int x0 = 0; x0 < wx; x0 += TILE) {
                int x1 = Math.min(wx, x0 + TILE);
                for (int z0 = 0; z0 < wz; z0 += TILE) {
                    int z1 = Math.min(wz, z0 + TILE);
                    for (int x = x0; x < x1; x++) {
                        int ix = ox + x;
                        int o = (x * wy + y) * wz;
                        if (!rowInside || ix < 0 || ix >= nx) {
                            Arrays.fill(out, o + z0, o + z1, 0f);
                            continue;
                        }
                        int base = ix + nx * iy;
                        for (int z = z0; z < z1; z++) {
                            int iz = oz + z;
                            out[o + z] = iz >= 0 && iz < nz ? in[base + iz * sxy] : 0f;
                        }
                    }
                }
            }
        }
    }

    /** Divides the sums by the weight sums and crops the padding: one X-fastest array per channel. */
    private float[][] finish(Accumulator acc, WindowGrid grid, float[] weights) {
        int[] p = grid.padded();
        double[] count = new double[p[0] * p[1] * p[2]];
        for (int i = 0; i < grid.count(); i++) {
            int[] s = grid.start(i);
            for (int x = 0, w = 0; x < window[0]; x++) {
                for (int y = 0; y < window[1]; y++) {
                    int dst = ((s[0] + x) * p[1] + s[1] + y) * p[2] + s[2];
                    for (int z = 0; z < window[2]; z++, w++) {
                        count[dst + z] += weights[w];
                    }
                }
            }
        }
        int[] dims = grid.dims();
        int[] pb = grid.padBefore();
        int nx = dims[0], ny = dims[1], nz = dims[2];
        float[][] out = new float[acc.channels][nx * ny * nz];
        for (int k = 0; k < acc.channels; k++) {
            double[] sums = acc.sums(k);
            float[] o = out[k];
            for (int y = 0; y < ny; y++) {
                for (int x0 = 0; x0 < nx; x0 += TILE) {
                    int x1 = Math.min(nx, x0 + TILE);
                    for (int z0 = 0; z0 < nz; z0 += TILE) {
                        int z1 = Math.min(nz, z0 + TILE);
                        for (int x = x0; x < x1; x++) {
                            int src = ((x + pb[0]) * p[1] + y + pb[1]) * p[2] + pb[2];
                            for (int z = z0; z < z1; z++) {
                                o[x + nx * (y + ny * z)] = (float) (sums[src + z] / count[src + z]);
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Edge of the transpose tiles: 16 floats are one 64-byte cache line. */
    private static final int TILE = 16;

    /** Builder of {@link SlidingWindow}. */
    public static final class Builder {
        private WindowPredictor predictor;
        private int[] window = { DEFAULT_WINDOW, DEFAULT_WINDOW, DEFAULT_WINDOW };
        private double overlap = 0.5;
        private Blending blending = Blending.CONSTANT;
        private double sigmaScale = Blending.DEFAULT_SIGMA_SCALE;
        private int batch = 1;
        private long deviceBudget = DEFAULT_DEVICE_BUDGET;
        private Boolean cutOnDevice;

        private Builder() {
        }

        /** The network (required). */
        public Builder setPredictor(WindowPredictor predictor) {
            this.predictor = predictor;
            return this;
        }

        /** Window size: one value for a cube or three (X, Y, Z); default 96³. */
        public Builder optWindow(int... size) {
            if (size.length == 1) {
                size = new int[] { size[0], size[0], size[0] };
            }
            if (size.length != 3 || size[0] < 1 || size[1] < 1 || size[2] < 1) {
                throw new IllegalArgumentException("window needs one or three positive sizes: "
                        + Arrays.toString(size));
            }
            window = size.clone();
            return this;
        }

        /** Fraction of a window shared with the next one, in [0, 1); default 0.5. */
        public Builder optOverlap(double overlap) {
            if (!(overlap >= 0 && overlap < 1)) {
                throw new IllegalArgumentException("overlap must be in [0, 1), got " + overlap);
            }
            this.overlap = overlap;
            return this;
        }

        /** How overlapping predictions are weighted; default {@link Blending#CONSTANT} (the reference). */
        public Builder optBlending(Blending blending) {
            this.blending = java.util.Objects.requireNonNull(blending, "blending");
            return this;
        }

        /** Sigma of {@link Blending#GAUSSIAN} as a fraction of the window size; default 0.125. */
        public Builder optSigmaScale(double sigmaScale) {
            if (!(sigmaScale > 0)) {
                throw new IllegalArgumentException("sigma scale must be positive, got " + sigmaScale);
            }
            this.sigmaScale = sigmaScale;
            return this;
        }

        /** Windows per forward pass; default 1 (the reference). */
        public Builder optBatch(int batch) {
            if (batch < 1) {
                throw new IllegalArgumentException("batch must be positive, got " + batch);
            }
            this.batch = batch;
            return this;
        }

        /**
         * Device bytes the stitched sums may take ({@code K × padded voxels × 8}); above it they are kept on the
         * host. Default 1 GiB; 0 always sums on the host.
         */
        public Builder optDeviceBudget(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("budget must not be negative, got " + bytes);
            }
            this.deviceBudget = bytes;
            return this;
        }

        /**
         * Whether windows are cut on the device from one upload of the volume (when it fits the device budget);
         * default null: on a GPU only.
         */
        public Builder optCutOnDevice(Boolean cutOnDevice) {
            this.cutOnDevice = cutOnDevice;
            return this;
        }

        /** Builds the inferer. */
        public SlidingWindow build() {
            if (predictor == null) {
                throw new IllegalStateException("setPredictor is required");
            }
            return new SlidingWindow(this);
        }
    }
}
