package io.github.medvp.tasks.inference;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.Progress;
import io.github.medvp.engine.Engines;
import io.github.medvp.nn.Presets;
import io.github.medvp.nn.UnetrDecoder;
import io.github.medvp.nn.UniFormer3d;
import io.github.medvp.train.MemoryProbe;
import java.util.Locale;

/**
 * Sliding-window inference of the BrainMVP segmentation model (UniFormer-S + UNETR decoder, 4 in, 3 out, random
 * weights) on a BraTS-sized volume, 96³ windows, overlap 0.5, one window per forward.
 * <p>
 * {@code java -Xmx4g -cp … io.github.medvp.tasks.inference.SlidingWindowBench [X Y Z [host] [cheap]]}: the volume size
 * (default 240 240 155), {@code host} to force host-side sums, {@code cheap} to replace the network by a slice of
 * its input (3 of the 4 channels), which measures the stitching alone. Prints the time per window batch, the whole
 * run and the peak memory.
 */
public final class SlidingWindowBench {

    private SlidingWindowBench() {
    }

    /** Runs the benchmark and returns the stitched output (for the opt-in test's checks). */
    public static float[][] run(int[] dims, boolean host, boolean cheap) {
        Engines.pytorch();
        Device device = Engines.device("cpu");
        try (NDManager m = NDManager.newBaseManager(device)) {
            WindowPredictor net = cheap ? w -> w.get(":, 0:3") : model(m);
            float[][] volume = SlidingWindowTest.volume(4, dims, 1);
            SlidingWindow.Builder b = SlidingWindow.builder().setPredictor(net);
            if (host) {
                b.optDeviceBudget(0);
            }
            SlidingWindow sw = b.build();
            WindowGrid grid = sw.grid(dims);
            System.out.println(grid + ", sums on the " + (sw.accumulatesOnDevice(3, dims) ? "device" : "host"));
            long[] last = {System.nanoTime()};
            Progress progress = new Progress() {
                @Override
                public void update(String stage, long done, long total, String message) {
                    long now = System.nanoTime();
                    if (cheap && done < total) {
                        return;
                    }
                    System.out.printf(Locale.ROOT, "  window %d/%d: %.2f s%n", done, total, (now - last[0]) / 1e9);
                    last[0] = now;
                }

                @Override
                public boolean isCancelled() {
                    return false;
                }
            };
            long t0 = System.nanoTime();
            float[][] out = sw.run(m, volume, dims, progress);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "sliding window %dx%dx%d x4 -> 3: %d windows in %.1f s (%.2f s/window)%n",
                    dims[0], dims[1], dims[2], grid.count(), seconds, seconds / grid.count());
            System.out.println("memory: " + MemoryProbe.sample(device).report());
            return out;
        }
    }

    /** UniFormer-S + UNETR decoder, 4 in, 3 out, random weights, in inference mode. */
    static WindowPredictor model(NDManager m) {
        UniFormer3d encoder = Presets.small().optInChannels(4).optReturnInput(true).build();
        Shape input = new Shape(1, 4, 96, 96, 96);
        encoder.initialize(m, DataType.FLOAT32, input);
        UnetrDecoder decoder = UnetrDecoder.builder().setOutChannels(3).build();
        decoder.initialize(m, DataType.FLOAT32, encoder.getOutputShapes(new Shape[] {input}));
        return WindowPredictor.of(new ParameterStore(m, false), encoder, decoder);
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) {
        int[] dims = {240, 240, 155};
        if (args.length >= 3) {
            dims = new int[] {Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2])};
        }
        java.util.List<String> flags = java.util.Arrays.asList(args);
        boolean cheap = flags.contains("cheap");
        float[][] out = run(dims, flags.contains("host"), cheap);
        System.out.println("output channels: " + out.length + ", voxels " + out[0].length);
        if (cheap) {
            float[][] in = SlidingWindowTest.volume(4, dims, 1);
            boolean same = true;
            for (int c = 0; c < 3; c++) {
                same &= java.util.Arrays.equals(in[c], out[c]);
            }
            System.out.println("stitched input equals the input: " + same);
        }
    }
}
