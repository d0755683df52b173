package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.GradientCollector;
import java.util.Locale;

/**
 * Forward and backward time of one convolution in isolation, as in a {@link CBlock} of stage 1 at 96³ input:
 * {@code DepthwiseConvBench [size 48] [channels 64] [kernel 5] [groups = channels] [reps 3]}.
 */
public final class DepthwiseConvBench {

    private DepthwiseConvBench() {
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 48;
        int c = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int groups = args.length > 3 ? Integer.parseInt(args[3]) : c;
        int reps = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        // "cl": the input as PatchEmbed3d hands it on, a permuted view of a channels-last (N, X, Y, Z, C) array.
        boolean channelsLast = args.length > 5 && "cl".equals(args[5]);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = channelsLast
                    ? m.randomNormal(new Shape(1, size, size, size, c)).transpose(0, 4, 1, 2, 3)
                    : m.randomNormal(new Shape(1, c, size, size, size));
            NDArray w = m.randomNormal(new Shape(c, c / groups, k, k, k));
            NDArray b = m.zeros(new Shape(c));
            x.setRequiresGradient(true);
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            Shape one = new Shape(1, 1, 1);
            Shape pad = new Shape(k / 2, k / 2, k / 2);
            for (int r = 0; r < reps; r++) {
                try (NDScope scope = new NDScope(); GradientCollector gc = m.getEngine().newGradientCollector()) {
                    scope.suppressNotUsedWarning();
                    long t0 = System.nanoTime();
                    NDArray y = Conv3d.conv3d(x, w, b, one, pad, one, groups).singletonOrThrow();
                    NDArray loss = y.sum();
                    loss.getFloat();
                    long t1 = System.nanoTime();
                    gc.backward(loss);
                    w.getGradient().get(0, 0, 0, 0, 0).getFloat();
                    long t2 = System.nanoTime();
                    System.out.printf(Locale.ROOT, "conv %d³×%d k%d groups %d%s: forward %.0f ms, backward %.0f ms%n",
                            size, c, k, groups, channelsLast ? " channels-last" : "", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
                }
            }
        }
    }
}
