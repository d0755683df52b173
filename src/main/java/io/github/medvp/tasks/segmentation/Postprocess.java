package io.github.medvp.tasks.segmentation;

import io.github.medvp.tasks.inference.SlidingWindow;
import java.util.List;

/**
 * From stitched logits ({@link SlidingWindow}) to masks and label maps, and from label channels to masks; all
 * arrays X fastest, one per channel.
 */
public final class Postprocess {

    private Postprocess() {
    }

    /**
     * Multi-label regions (e.g. BraTS TC, WT, ET): channel {@code k} is set where {@code sigmoid(logit) > threshold}.
     * Compared on the logit ({@code logit > log(t / (1 − t))}, 0 for the reference's 0.5), which is the same test
     * without an exponential per voxel; it differs from a float32 sigmoid only for |logit| below 1e-7, where the
     * float sigmoid rounds to exactly 0.5.
     *
     * @param threshold probability in (0, 1)
     */
    public static boolean[][] sigmoidMasks(float[][] logits, double threshold) {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
        }
        double t = Math.log(threshold / (1 - threshold));
        boolean[][] out = new boolean[logits.length][];
        for (int k = 0; k < logits.length; k++) {
            float[] l = logits[k];
            boolean[] m = new boolean[l.length];
            for (int i = 0; i < l.length; i++) {
                m[i] = l[i] > t;
            }
            out[k] = m;
        }
        return out;
    }

    /** Exclusive classes (e.g. background, CSF, GM, WM): the channel with the largest logit, the first on ties. */
    public static int[] argmax(float[][] logits) {
        if (logits.length == 0) {
            throw new IllegalArgumentException("no channels");
        }
        int n = logits[0].length;
        int[] out = new int[n];
        float[] best = logits[0].clone();
        for (int k = 1; k < logits.length; k++) {
            float[] l = logits[k];
            if (l.length != n) {
                throw new IllegalArgumentException("channels differ in length");
            }
            for (int i = 0; i < n; i++) {
                // '>' keeps the first maximum (torch.argmax); a NaN never wins.
                if (l[i] > best[i]) {
                    best[i] = l[i];
                    out[i] = k;
                }
            }
        }
        return out;
    }

    /**
     * Probability maps from logits, e.g. for writing next to a label map: a sigmoid per channel for overlapping
     * regions, or a softmax over the channels (background first) for exclusive classes, computed in double and
     * stable for large logits.
     *
     * @param logits one X-fastest array per output channel (not modified)
     * @param exclusive softmax across channels instead of a sigmoid per channel
     * @return new arrays of the same shape, values in [0, 1]
     */
    public static float[][] probabilities(float[][] logits, boolean exclusive) {
        int k = logits.length;
        float[][] out = new float[k][];
        for (int c = 0; c < k; c++) {
            out[c] = new float[logits[c].length];
            if (logits[c].length != logits[0].length) {
                throw new IllegalArgumentException("channels differ in length");
            }
        }
        int n = k == 0 ? 0 : logits[0].length;
        for (int i = 0; i < n; i++) {
            if (!exclusive) {
                for (int c = 0; c < k; c++) {
                    out[c][i] = (float) (1 / (1 + Math.exp(-logits[c][i])));
                }
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, logits[c][i]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(logits[c][i] - max);
            }
            for (int c = 0; c < k; c++) {
                out[c][i] = (float) (Math.exp(logits[c][i] - max) / sum);
            }
        }
        return out;
    }

    /** One mask per class of a label map: mask {@code j} is {@code labels == classes[j]}. */
    public static boolean[][] classMasks(int[] labels, int... classes) {
        boolean[][] out = new boolean[classes.length][labels.length];
        for (int j = 0; j < classes.length; j++) {
            int c = classes[j];
            boolean[] m = out[j];
            for (int i = 0; i < labels.length; i++) {
                m[i] = labels[i] == c;
            }
        }
        return out;
    }

    /**
     * Binary channels (e.g. the label channels made by {@link io.github.medvp.data.transform.LabelToRegions}, values 0 and 1)
     * to masks: set where the value is above 0.5.
     */
    public static boolean[][] masks(float[][] channels) {
        boolean[][] out = new boolean[channels.length][];
        for (int k = 0; k < channels.length; k++) {
            float[] c = channels[k];
            boolean[] m = new boolean[c.length];
            for (int i = 0; i < c.length; i++) {
                m[i] = c[i] > 0.5f;
            }
            out[k] = m;
        }
        return out;
    }

    /**
     * Paints region channel {@code channel} with label {@code value}.
     *
     * @param channel index of the region channel
     * @param value the label written where the region is set
     */
    public record Paint(int channel, int value) {
    }

    /**
     * BraTS 2018–2021 labels from [TC, WT, ET] channels: WT → 2 (oedema), then TC → 1 (necrosis), then ET → 4, each
     * overwriting the previous, so ET lies inside TC inside WT as the nested regions intend.
     */
    public static final List<Paint> BRATS = List.of(new Paint(1, 2), new Paint(0, 1), new Paint(2, 4));

    /** {@link #BRATS} with BraTS 2023's enhancing tumour label 3. */
    public static final List<Paint> BRATS_2023 = List.of(new Paint(1, 2), new Paint(0, 1), new Paint(2, 3));

    /**
     * A label map from region masks: 0 everywhere, then each {@link Paint} in order writes its value where its
     * region is set (later ones win). A voxel in ET but not in WT (an inconsistent prediction) still gets ET's
     * label, as in the usual BraTS conversion.
     */
    public static int[] labelMap(boolean[][] regions, List<Paint> order) {
        if (regions.length == 0) {
            throw new IllegalArgumentException("no regions");
        }
        int n = regions[0].length;
        int[] out = new int[n];
        for (Paint p : order) {
            if (p.channel() < 0 || p.channel() >= regions.length) {
                throw new IllegalArgumentException("paint of channel " + p.channel() + " but " + regions.length
                        + " regions");
            }
            boolean[] m = regions[p.channel()];
            if (m.length != n) {
                throw new IllegalArgumentException("regions differ in length");
            }
            for (int i = 0; i < n; i++) {
                if (m[i]) {
                    out[i] = p.value();
                }
            }
        }
        return out;
    }
}
