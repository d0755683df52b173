package io.github.medvp.pretrain.brainmvp;

import ai.djl.ndarray.NDManager;
import io.github.medvp.data.manifest.Modality;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic multi-modal "studies": a head-like ellipsoid with a few smooth tissue blobs, each modality showing the
 * tissues with its own contrast (so modalities of one study share anatomy but not intensities).
 */
final class Synthetic {

    /** Intensity of background-filling tissue, blob 1, blob 2 per modality (template order). */
    private static final float[][] CONTRAST = {
        {0.5f, 0.9f, 0.2f}, {0.6f, 0.3f, 0.8f}, {0.6f, 0.95f, 0.4f}, {0.3f, 0.8f, 0.6f},
        {0.2f, 0.1f, 0.9f}, {0.7f, 0.5f, 0.3f}, {0.4f, 0.9f, 0.1f}, {0.5f, 0.2f, 0.7f}};

    final int size;
    final int channels;
    final List<float[]> studies = new ArrayList<>();
    final List<List<Modality>> modalities = new ArrayList<>();
    final List<int[]> repStarts = new ArrayList<>();

    Synthetic(int count, int size, int channels, int templateSize, long seed) {
        this.size = size;
        this.channels = channels;
        Random r = new Random(seed);
        Modality[] all = Modality.TEMPLATED.toArray(new Modality[0]);
        for (int s = 0; s < count; s++) {
            List<Modality> mods = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                mods.add(all[r.nextInt(all.length)]);
            }
            modalities.add(mods);
            studies.add(study(r, mods));
            int span = templateSize - size;
            repStarts.add(new int[] {r.nextInt(span + 1), r.nextInt(span + 1), r.nextInt(span + 1)});
        }
    }

    private float[] study(Random r, List<Modality> mods) {
        int n = size;
        double[][] centres = new double[2][3];
        double[] radii = new double[2];
        for (int k = 0; k < 2; k++) {
            for (int a = 0; a < 3; a++) {
                centres[k][a] = n * (0.3 + 0.4 * r.nextDouble());
            }
            radii[k] = n * (0.08 + 0.1 * r.nextDouble());
        }
        float[] out = new float[channels * n * n * n];
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    double dx = (x - n / 2.0) / (0.45 * n);
                    double dy = (y - n / 2.0) / (0.42 * n);
                    double dz = (z - n / 2.0) / (0.4 * n);
                    double head = 1 / (1 + Math.exp(20 * (dx * dx + dy * dy + dz * dz - 1)));
                    double[] w = new double[2];
                    for (int k = 0; k < 2; k++) {
                        double d2 = sq(x - centres[k][0]) + sq(y - centres[k][1]) + sq(z - centres[k][2]);
                        w[k] = Math.exp(-d2 / (2 * radii[k] * radii[k]));
                    }
                    for (int c = 0; c < channels; c++) {
                        float[] con = CONTRAST[mods.get(c).templateIndex()];
                        double v = head * (con[0] * (1 - w[0] - w[1]) + con[1] * w[0] + con[2] * w[1]);
                        out[((c * n + x) * n + y) * n + z] = (float) Math.max(0, Math.min(1, v));
                    }
                }
            }
        }
        return out;
    }

    private static double sq(double v) {
        return v * v;
    }

    /** A batch of the given studies on the manager's device. */
    BrainMvpInput batch(NDManager manager, int... indices) {
        int voxels = channels * size * size * size;
        float[] data = new float[indices.length * voxels];
        List<List<Modality>> mods = new ArrayList<>();
        int[][] starts = new int[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(studies.get(indices[i]), 0, data, i * voxels, voxels);
            mods.add(modalities.get(indices[i]));
            starts[i] = repStarts.get(indices[i]);
        }
        return new BrainMvpInput(manager.create(data, new ai.djl.ndarray.types.Shape(indices.length, channels, size,
                size, size)), mods, starts);
    }
}
