package io.github.medvp.tasks.inference;

/**
 * How overlapping window predictions are weighted when stitched (MONAI's {@code compute_importance_map}).
 */
public enum Blending {
    /** Every voxel of every window weighs 1: overlaps are plain averages (the BrainMVP reference). */
    CONSTANT,
    /**
     * A separable Gaussian centred on the window, sigma = {@code sigmaScale} × window size per axis, clamped below
     * at 1e-3 so that window corners keep a positive weight; down-weights the less reliable window borders.
     */
    GAUSSIAN;

    /** MONAI's default {@code sigma_scale}. */
    public static final double DEFAULT_SIGMA_SCALE = 0.125;

    /**
     * The weight of each voxel of a window, in C order (Z fastest), computed in single precision as MONAI does.
     *
     * @param window window size (X, Y, Z)
     * @param sigmaScale Gaussian sigma as a fraction of the window size (ignored for {@link #CONSTANT})
     */
    public float[] weights(int[] window, double sigmaScale) {
        int n = window[0] * window[1] * window[2];
        float[] w = new float[n];
        if (this == CONSTANT) {
            java.util.Arrays.fill(w, 1f);
            return w;
        }
        if (!(sigmaScale > 0)) {
            throw new IllegalArgumentException("sigma scale must be positive, got " + sigmaScale);
        }
        float[][] g = new float[3][];
        for (int a = 0; a < 3; a++) {
            double sigma = window[a] * sigmaScale;
            float denominator = (float) (-2 * sigma * sigma);
            g[a] = new float[window[a]];
            for (int i = 0; i < window[a]; i++) {
                float x = -(window[a] - 1) / 2f + i;
                g[a][i] = (float) Math.exp(x * x / denominator);
            }
        }
        // The outer product in MONAI's association order ((g0·g1)·g2), then the clamp of non-positive weights.
        float min = Float.POSITIVE_INFINITY;
        for (int x = 0, i = 0; x < window[0]; x++) {
            for (int y = 0; y < window[1]; y++) {
                float xy = g[0][x] * g[1][y];
                for (int z = 0; z < window[2]; z++, i++) {
                    w[i] = xy * g[2][z];
                    min = Math.min(min, w[i]);
                }
            }
        }
        float floor = (float) Math.max(min, 1e-3);
        for (int i = 0; i < n; i++) {
            w[i] = Math.max(w[i], floor);
        }
        return w;
    }
}
