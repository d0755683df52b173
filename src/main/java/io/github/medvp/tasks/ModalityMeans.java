package io.github.medvp.tasks;

import io.github.medvp.tasks.inference.ModalityFill;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.transform.ModalityIntensity;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Study;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Each modality's mean intensity over the foreground of training studies, after the fine-tuning scaling (5–95
 * percentile, RAS, 1 mm): what {@link ModalityFill#MEAN} puts in for a missing modality. The foreground is where any
 * channel of the study is {@code > 0} (the head; 0 outside after skull stripping or percentile scaling of a dark
 * background), the region the fill covers at inference. Voxels of all studies are pooled, so larger heads weigh more.
 * They travel in the fine-tuned checkpoint's header ({@value #HEADER}), so inference needs nothing else.
 */
public final class ModalityMeans {

    /** Header field of a fine-tuned checkpoint. */
    public static final String HEADER = "modality_means";
    /** Studies read at most: the mean of a few dozen studies' millions of voxels is settled to the third digit. */
    static final int MAX_STUDIES = 48;

    private final Map<Modality, Float> means;
    private final int studies;

    private ModalityMeans(Map<Modality, Float> means, int studies) {
        this.means = Collections.unmodifiableMap(new EnumMap<>(means));
        this.studies = studies;
    }

    /**
     * Measures the means over training studies: all of them, or {@value #MAX_STUDIES} spread evenly over the list.
     *
     * @param training the run's training studies (never validation or test ones)
     * @param modalities the model's modalities
     * @param intensity the model's intensity rule (its training's)
     * @param progress per study progress and cancel
     * @return the means
     */
    public static ModalityMeans measure(List<Study> training, List<Modality> modalities, ModalityIntensity intensity,
            Progress progress) {
        if (training.isEmpty()) {
            throw new IllegalArgumentException("no training studies");
        }
        List<Study> used = new ArrayList<>();
        int n = Math.min(training.size(), MAX_STUDIES);
        for (int i = 0; i < n; i++) {
            used.add(training.get((int) ((long) i * training.size() / n)));
        }
        double[] sum = new double[modalities.size()];
        long count = 0;
        var grid = Pipelines.taskGrid(modalities, intensity);
        for (int i = 0; i < used.size(); i++) {
            progress.checkCancelled();
            progress.update("modality means", i, used.size(), used.get(i).id());
            // Deterministic steps: the generator is never drawn from.
            Sample s = grid.apply(Sample.of(used.get(i)), new SplittableRandom(0));
            float[][] image = s.image();
            for (int v = 0; v < image[0].length; v++) {
                boolean foreground = false;
                for (float[] c : image) {
                    foreground |= c[v] > 0;
                }
                if (foreground) {
                    count++;
                    for (int c = 0; c < image.length; c++) {
                        sum[c] += image[c][v];
                    }
                }
            }
        }
        progress.update("modality means", used.size(), used.size(), null);
        if (count == 0) {
            throw new MedvpException("the training studies have no voxel above 0 after scaling: no foreground to "
                    + "measure modality means on");
        }
        Map<Modality, Float> m = new EnumMap<>(Modality.class);
        for (int c = 0; c < modalities.size(); c++) {
            m.put(modalities.get(c), (float) (sum[c] / count));
        }
        return new ModalityMeans(m, used.size());
    }

    /** Means given directly (tests, headers). */
    public static ModalityMeans of(Map<Modality, Float> means) {
        return new ModalityMeans(means, 0);
    }

    /** How many studies {@link #measure} read; 0 for means given or read from a header. */
    public int studies() {
        return studies;
    }

    /** The means of a checkpoint header, or null when it has none (models fine-tuned before they were stored). */
    public static ModalityMeans fromHeader(JsonObject header) {
        if (header == null || !header.has(HEADER)) {
            return null;
        }
        Map<Modality, Float> m = new EnumMap<>(Modality.class);
        for (var e : header.getAsJsonObject(HEADER).entrySet()) {
            m.put(ModalityNames.defaults().require(e.getKey(), "checkpoint header " + HEADER),
                    e.getValue().getAsFloat());
        }
        return new ModalityMeans(m, 0);
    }

    /** The header form, e.g. {@code {"flair": 0.41, "t2": 0.38}}. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        means.forEach((k, v) -> o.addProperty(k.token(), v));
        return o;
    }

    /** Whether there is a mean for {@code m}. */
    public boolean has(Modality m) {
        return means.containsKey(m);
    }

    /** The mean of {@code m}. */
    public float get(Modality m) {
        Float v = means.get(m);
        if (v == null) {
            throw new MedvpException("no training mean for " + m.token() + " (the model's means cover "
                    + means.keySet() + ")");
        }
        return v;
    }

    /** One line for logs, e.g. {@code flair 0.412, t1 0.388}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        means.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k.token()).append(' ')
                .append(String.format(Locale.ROOT, "%.3f", v)));
        return sb.toString();
    }
}
