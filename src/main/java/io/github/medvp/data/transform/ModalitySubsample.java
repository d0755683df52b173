package io.github.medvp.data.transform;

import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import io.github.medvp.MedvpException;

/**
 * Exactly {@code k} channels ({@code Sample_fix_seqd} of the BrainMVP reference's {@code utils/custom_trans.py}): a
 * study with {@code k} channels is unchanged; with more, {@code k} are drawn without replacement (in draw order, like
 * Python's {@code random.sample}); with fewer, all are kept and the rest are random repeats drawn with replacement.
 * <p>
 * Works on unloaded samples (then only the modality list changes and {@link LoadStudy} reads the chosen files) and
 * on loaded ones (a repeated channel gets its own copy, so in-place transforms never see shared arrays).
 */
public final class ModalitySubsample implements Transform {

    private final int k;

    /** @param k number of channels (BrainMVP pre-training: 4) */
    public ModalitySubsample(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("channel count must be ≥ 1: " + k);
        }
        this.k = k;
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        int n = s.channels();
        if (n == k) {
            return s;
        }
        if (n == 0) {
            throw new MedvpException("study " + s.id() + " has no image channel to sample " + k + " from");
        }
        int[] pick = new int[k];
        if (n > k) {
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            for (int i = 0; i < k; i++) {
                int j = i + rng.nextInt(n - i);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
                pick[i] = order[i];
            }
        } else {
            for (int i = 0; i < k; i++) {
                pick[i] = i < n ? i : rng.nextInt(n);
            }
        }
        List<Modality> mods = new ArrayList<>(k);
        float[][] image = s.isLoaded() ? new float[k][] : null;
        boolean[] used = new boolean[n];
        for (int i = 0; i < k; i++) {
            mods.add(s.modalities().get(pick[i]));
            if (image != null) {
                image[i] = used[pick[i]] ? s.image()[pick[i]].clone() : s.image()[pick[i]];
                used[pick[i]] = true;
            }
        }
        return s.withChannels(image, mods);
    }

    @Override
    public String toString() {
        return "ModalitySubsample[" + k + "]";
    }
}
