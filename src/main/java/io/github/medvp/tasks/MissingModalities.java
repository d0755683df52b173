package io.github.medvp.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.github.medvp.MedvpException;
import io.github.medvp.data.CropForeground;
import io.github.medvp.data.Modality;
import io.github.medvp.data.Sample;

/**
 * Completes a study that lacks some of the modalities a model was trained on with BrainMVP's learned templates (the
 * practical payoff of the templates: a model trained on flair, t1, t1c, t2 still runs on a study without t2).
 * <p>
 * The study must already be prepared for the model (RAS, the model's spacing, its intensity normalisation: see
 * {@link InferenceGeometry}); each missing modality becomes its template, min-max normalised to [0, 1] and placed on
 * the study's grid by {@link TemplateVolumes#aligned} around the foreground box of the channels the study has.
 * <pre>{@code
 * TemplateVolumes templates = TemplateVolumes.load(Path.of("pretrain/checkpoints/last.safetensors"));
 * MissingModalities.Result r = MissingModalities.complete(prepared, List.of(FLAIR, T1, T1C, T2), templates);
 * progress.log("filled with templates: " + r.filledNames());
 * float[][] logits = slidingWindow.run(manager, r.sample(), progress);
 * }</pre>
 */
public final class MissingModalities {

    private MissingModalities() {
    }

    /**
     * A completed study.
     *
     * @param sample the study with exactly the required channels, in the required order (label, geometry and
     *     metadata kept)
     * @param filled the modalities that were filled with templates, in channel order (empty when none was missing)
     */
    public record Result(Sample sample, List<Modality> filled) {

        /** Compact constructor: the list is copied. */
        public Result {
            filled = List.copyOf(filled);
        }

        /** The canonical names of {@link #filled()}, e.g. {@code ["t2"]}. */
        public List<String> filledNames() {
            return filled.stream().map(Modality::token).collect(Collectors.toList());
        }
    }

    /**
     * The study's channels in the model's order, missing ones filled with templates. Channels of modalities the model
     * does not take are dropped; the sample's arrays are reused, not copied.
     *
     * @param prepared a loaded, prepared study (RAS, model spacing, normalised), not used afterwards
     * @param required the modalities the model was trained on, in its channel order
     * @param templates the templates, or {@code null} when none are available (then nothing may be missing)
     * @return the completed study and what was filled
     * @throws MedvpException when a required modality is missing and has no template, or none is present at all
     */
    public static Result complete(Sample prepared, List<Modality> required, TemplateVolumes templates) {
        if (!prepared.isLoaded()) {
            throw new IllegalArgumentException("study " + prepared.id() + " is not loaded");
        }
        if (required.isEmpty() || required.stream().distinct().count() != required.size()) {
            throw new IllegalArgumentException("required modalities must be given and distinct: " + required);
        }
        List<Modality> have = prepared.modalities();
        List<Modality> missing = new ArrayList<>();
        List<Integer> present = new ArrayList<>();
        for (Modality m : required) {
            if (have.contains(m)) {
                present.add(have.indexOf(m));
            } else {
                missing.add(m);
            }
        }
        if (present.isEmpty()) {
            throw new MedvpException("study " + prepared.id() + " has " + have + " but none of the modalities the "
                    + "model was trained on " + required + "; give a study with at least one of them");
        }
        for (Modality m : missing) {
            if (templates == null) {
                throw new MedvpException("study " + prepared.id() + " has no " + m + " image, which the model needs: "
                        + "give templates (a BrainMVP pre-training checkpoint or exported template folder) or add the "
                        + m + " image");
            }
            if (!templates.has(m)) {
                throw new MedvpException("study " + prepared.id() + " has no " + m + " image and the templates "
                        + templates.source() + " have none for " + m + " (only " + templates.modalities() + "): give "
                        + "templates with " + m + " or add the " + m + " image");
            }
        }
        float[][] image = prepared.image();
        int[] dims = prepared.shape();
        float[][] available = present.stream().map(i -> image[i]).toArray(float[][]::new);
        int[][] box = missing.isEmpty() ? null : CropForeground.box(available, dims);
        float[][] out = new float[required.size()][];
        for (int c = 0; c < out.length; c++) {
            Modality m = required.get(c);
            int i = have.indexOf(m);
            out[c] = i >= 0 ? image[i]
                    : templates.aligned(m, dims, prepared.geometry().spacing(), box);
        }
        return new Result(prepared.withChannels(out, required), missing);
    }
}
