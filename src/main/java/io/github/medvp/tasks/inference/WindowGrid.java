package io.github.medvp.tasks.inference;

import java.util.Arrays;

/**
 * Where the windows of a sliding-window inference go, by MONAI's rules ({@code sliding_window_inference}):
 * <ol>
 * <li>an axis shorter than the window is padded symmetrically to the window size ({@code (w − d) / 2} before, the
 * rest after);</li>
 * <li>scan interval per axis: {@code int(w · (1 − overlap))} (at least 1), or {@code w} when the padded axis is
 * exactly one window long;</li>
 * <li>window count per axis: the first {@code k} with {@code k · interval + w ≥ size}, plus one; window {@code i}
 * starts at {@code i · interval}, moved back so that it ends inside the volume (the last window is aligned to the
 * end);</li>
 * <li>windows are enumerated with X slowest and Z fastest ({@code meshgrid(indexing="ij")}).</li>
 * </ol>
 * Coordinates are in the padded grid; subtract {@link #padBefore()} for the input grid.
 */
public final class WindowGrid {

    private final int[] dims;
    private final int[] window;
    private final int[] padBefore;
    private final int[] padded;
    private final int[] interval;
    private final int[][] starts;

    private WindowGrid(int[] dims, int[] window, double overlap) {
        this.dims = dims.clone();
        this.window = window.clone();
        padBefore = new int[3];
        padded = new int[3];
        interval = new int[3];
        starts = new int[3][];
        for (int a = 0; a < 3; a++) {
            int w = window[a];
            padded[a] = Math.max(dims[a], w);
            padBefore[a] = (padded[a] - dims[a]) / 2;
            if (w == padded[a]) {
                interval[a] = w;
            } else {
                // Python's int() truncates like a Java cast; both compute w·(1 − overlap) in double precision.
                interval[a] = Math.max(1, (int) (w * (1 - overlap)));
            }
            int k = 0;
            while ((long) k * interval[a] + w < padded[a]) {
                k++;
            }
            starts[a] = new int[k + 1];
            for (int i = 0; i <= k; i++) {
                int s = i * interval[a];
                starts[a][i] = s - Math.max(s + w - padded[a], 0);
            }
        }
    }

    /**
     * The windows over a volume.
     *
     * @param dims input size (X, Y, Z)
     * @param window window size (X, Y, Z)
     * @param overlap fraction of a window shared with the next one, in [0, 1)
     */
    public static WindowGrid of(int[] dims, int[] window, double overlap) {
        if (dims.length != 3 || window.length != 3) {
            throw new IllegalArgumentException("dims and window need three sizes each");
        }
        for (int a = 0; a < 3; a++) {
            if (dims[a] < 1 || window[a] < 1) {
                throw new IllegalArgumentException("sizes must be positive: dims " + Arrays.toString(dims)
                        + ", window " + Arrays.toString(window));
            }
        }
        if (!(overlap >= 0 && overlap < 1)) {
            throw new IllegalArgumentException("overlap must be in [0, 1), got " + overlap);
        }
        return new WindowGrid(dims, window, overlap);
    }

    /** Input size (X, Y, Z). */
    public int[] dims() {
        return dims.clone();
    }

    /** Window size (X, Y, Z). */
    public int[] window() {
        return window.clone();
    }

    /** Voxels of zero padding before the input along each axis. */
    public int[] padBefore() {
        return padBefore.clone();
    }

    /** Size of the padded grid: {@code max(dims, window)} per axis. */
    public int[] padded() {
        return padded.clone();
    }

    /** Scan interval (stride) per axis. */
    public int[] interval() {
        return interval.clone();
    }

    /** Number of windows along one axis. */
    public int count(int axis) {
        return starts[axis].length;
    }

    /** Total number of windows. */
    public int count() {
        return starts[0].length * starts[1].length * starts[2].length;
    }

    /** Start (X, Y, Z) of window {@code i} in the padded grid, in MONAI's order. */
    public int[] start(int i) {
        int nz = starts[2].length, ny = starts[1].length;
        return new int[] { starts[0][i / (ny * nz)], starts[1][(i / nz) % ny], starts[2][i % nz] };
    }

    /** The starts along one axis, ascending. */
    public int[] starts(int axis) {
        return starts[axis].clone();
    }

    @Override
    public String toString() {
        return "WindowGrid[dims " + Arrays.toString(dims) + ", window " + Arrays.toString(window) + ", interval "
                + Arrays.toString(interval) + ", " + count(0) + "×" + count(1) + "×" + count(2) + " windows]";
    }
}
