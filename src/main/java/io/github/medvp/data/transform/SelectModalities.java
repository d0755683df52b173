package io.github.medvp.data.transform;

import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import java.util.List;
import java.util.random.RandomGenerator;

import io.github.medvp.MedvpException;

/**
 * Fixes the channels to a task's modality list, in that order (fine-tuning: e.g. t1, t1c, t2, flair), so channel
 * {@code i} means the same modality in every study. Run it before {@link LoadStudy} so only these files are read;
 * on a loaded sample it reorders the channels. A study without one of the modalities is a {@link MedvpException}.
 */
public final class SelectModalities implements Transform {

    private final List<Modality> wanted;

    /** @param wanted the channel modalities, in channel order */
    public SelectModalities(List<Modality> wanted) {
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException("select at least one modality");
        }
        this.wanted = List.copyOf(wanted);
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        if (s.modalities().equals(wanted)) {
            return s;
        }
        int[] from = new int[wanted.size()];
        for (int i = 0; i < from.length; i++) {
            from[i] = s.modalities().indexOf(wanted.get(i));
            if (from[i] < 0) {
                throw new MedvpException("study " + s.id() + " has no " + wanted.get(i) + " image (it has "
                        + s.modalities() + "); the task needs " + wanted);
            }
        }
        if (!s.isLoaded()) {
            return s.withChannels(null, wanted);
        }
        float[][] image = new float[from.length][];
        boolean[] used = new boolean[s.channels()];
        for (int i = 0; i < from.length; i++) {
            image[i] = used[from[i]] ? s.image()[from[i]].clone() : s.image()[from[i]];
            used[from[i]] = true;
        }
        return s.withChannels(image, wanted);
    }

    @Override
    public String toString() {
        return "SelectModalities" + wanted;
    }
}
