package io.github.medvp.tasks.inference;

import io.github.medvp.tasks.ModalityMeans;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.github.medvp.MedvpException;
import io.github.medvp.data.transform.CropForeground;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;

/**
 * Completes a study that lacks some of the modalities a model was trained on (the practical payoff of BrainMVP's
 * templates: a model trained on flair, t1, t1c, t2 still runs on a study without t2), filled as {@link ModalityFill}
 * says: with the learned template, with the modality's training mean inside the study's foreground, or with zeros.
 * <p>
 * The study must already be prepared for the model (RAS, the model's spacing, its intensity normalisation: see
 * {@link InferenceGeometry}). A template is min-max normalised to [0, 1] and placed on the study's grid by
 * {@link TemplateVolumes#aligned} around the foreground box of the channels the study has; a mean fills the voxels
 * where any channel the study has is {@code > 0} (the foreground {@link ModalityMeans} measured it over), 0 elsewhere.
 * <pre>{@code
 * MissingModalities.Filling f = new MissingModalities.Filling(ModalityFill.MEAN, null, model.means());
 * MissingModalities.Result r = MissingModalities.complete(prepared, List.of(FLAIR, T1, T1C, T2), f);
 * progress.log(r.describe());
 * }</pre>
 */
public final class MissingModalities {

    private MissingModalities() {
    }

    /**
     * What a model has to fill with, and the user's choice.
     *
     * @param choice the {@code fill} setting, or null for the model's default: templates where it has them, else its
     *     training means
     * @param templates the model's templates, or null
     * @param means the model's training means, or null
     */
    public record Filling(ModalityFill choice, TemplateVolumes templates, ModalityMeans means) {

        /** The fill used for missing modalities, or null when the model has nothing to fill with. */
        public ModalityFill resolved() {
            if (choice != null) {
                return choice;
            }
            return templates != null ? ModalityFill.TEMPLATES : means != null ? ModalityFill.MEAN : null;
        }
    }

    /**
     * What was filled how.
     *
     * @param modalities the filled modalities, in channel order (empty when none was missing)
     * @param fill how they were filled, or null when none was missing
     * @param values the constant of each filled modality with {@link ModalityFill#MEAN}, in the order of
     *     {@code modalities} (empty otherwise)
     */
    public record Filled(List<Modality> modalities, ModalityFill fill, List<Float> values) {

        /** Compact constructor: the lists are copied. */
        public Filled {
            modalities = List.copyOf(modalities);
            values = List.copyOf(values);
        }

        /** The canonical names of {@link #modalities()}, e.g. {@code ["t2"]}. */
        public List<String> names() {
            return modalities.stream().map(Modality::token).collect(Collectors.toList());
        }

        /** For the log: e.g. {@code t2 filled with templates}, {@code t2 filled with its training mean 0.412}. */
        public String describe() {
            if (modalities.isEmpty()) {
                return "no modality missing";
            }
            if (fill != ModalityFill.MEAN) {
                return String.join(", ", names()) + " filled with " + (fill == ModalityFill.TEMPLATES
                        ? "templates" : "zeros");
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < modalities.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(modalities.get(i).token())
                        .append(" filled with its training mean ")
                        .append(String.format(Locale.ROOT, "%.3f", values.get(i)));
            }
            return sb.toString();
        }
    }

    /**
     * A completed study.
     *
     * @param sample the study with exactly the required channels, in the required order (label, geometry and
     *     metadata kept)
     * @param how what was filled how
     */
    public record Result(Sample sample, Filled how) {

        /** The filled modalities, in channel order (empty when none was missing). */
        public List<Modality> filled() {
            return how.modalities();
        }

        /** How they were filled, or null when none was missing. */
        public ModalityFill fill() {
            return how.fill();
        }

        /** {@link Filled#values()}. */
        public List<Float> values() {
            return how.values();
        }

        /** {@link Filled#names()}. */
        public List<String> filledNames() {
            return how.names();
        }

        /** {@link Filled#describe()}. */
        public String describe() {
            return how.describe();
        }
    }

    /**
     * The study's channels in the model's order, missing ones filled. Channels of modalities the model does not take
     * are dropped; the sample's arrays are reused, not copied.
     *
     * @param prepared a loaded, prepared study (RAS, model spacing, normalised), not used afterwards
     * @param required the modalities the model was trained on, in its channel order
     * @param filling what to fill with
     * @return the completed study and what was filled how
     * @throws MedvpException when a required modality is missing and the chosen fill is not available, or none is
     *     present at all
     */
    public static Result complete(Sample prepared, List<Modality> required, Filling filling) {
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
        ModalityFill fill = missing.isEmpty() ? null : filling.resolved();
        for (Modality m : missing) {
            check(prepared.id(), m, fill, filling);
        }
        float[][] image = prepared.image();
        int[] dims = prepared.shape();
        float[][] available = present.stream().map(i -> image[i]).toArray(float[][]::new);
        int[][] box = fill == ModalityFill.TEMPLATES ? CropForeground.box(available, dims) : null;
        float[][] out = new float[required.size()][];
        List<Float> values = new ArrayList<>();
        for (int c = 0; c < out.length; c++) {
            Modality m = required.get(c);
            int i = have.indexOf(m);
            if (i >= 0) {
                out[c] = image[i];
            } else if (fill == ModalityFill.TEMPLATES) {
                out[c] = filling.templates().aligned(m, dims, prepared.geometry().spacing(), box);
            } else if (fill == ModalityFill.MEAN) {
                float v = filling.means().get(m);
                out[c] = insideForeground(available, v);
                values.add(v);
            } else {
                out[c] = new float[image[0].length];
            }
        }
        return new Result(prepared.withChannels(out, required), new Filled(missing, fill, values));
    }

    private static void check(String id, Modality m, ModalityFill fill, Filling filling) {
        String add = " or add the " + m + " image";
        if (fill == null) {
            throw new MedvpException("study " + id + " has no " + m + " image, which the model needs, and the model "
                    + "carries neither templates nor training means: set " + ModalityFill.SETTING + "=zeros" + add);
        }
        if (fill == ModalityFill.TEMPLATES && !m.hasTemplate()) {
            throw new MedvpException("study " + id + " has no " + m + " image and " + ModalityFill.SETTING
                    + "=templates, but BrainMVP templates exist only for the MRI modalities " + Modality.TEMPLATED
                    + ": set " + ModalityFill.SETTING + "=mean or zeros" + add);
        }
        if (fill == ModalityFill.TEMPLATES && filling.templates() == null) {
            throw new MedvpException("study " + id + " has no " + m + " image and " + ModalityFill.SETTING
                    + "=templates, but the model has no templates (it was not fine-tuned from a BrainMVP checkpoint "
                    + "with templates): set " + ModalityFill.SETTING + "=mean or zeros" + add);
        }
        if (fill == ModalityFill.TEMPLATES && !filling.templates().has(m)) {
            throw new MedvpException("study " + id + " has no " + m + " image and the templates "
                    + filling.templates().source() + " have none for " + m + " (only "
                    + filling.templates().modalities() + "): give templates with " + m + add);
        }
        if (fill == ModalityFill.MEAN && (filling.means() == null || !filling.means().has(m))) {
            throw new MedvpException("study " + id + " has no " + m + " image and " + ModalityFill.SETTING
                    + "=mean, but the model has no training mean for " + m + " (fine-tuned before MedVP stored "
                    + "them): set " + ModalityFill.SETTING + "=templates or zeros" + add);
        }
    }

    /** {@code value} where any of {@code channels} is above 0, 0 elsewhere. */
    private static float[] insideForeground(float[][] channels, float value) {
        float[] out = new float[channels[0].length];
        for (int v = 0; v < out.length; v++) {
            for (float[] c : channels) {
                if (c[v] > 0) {
                    out[v] = value;
                    break;
                }
            }
        }
        return out;
    }
}
