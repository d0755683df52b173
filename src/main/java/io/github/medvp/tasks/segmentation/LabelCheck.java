package io.github.medvp.tasks.segmentation;

import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.Volumes;
import io.github.medvp.data.manifest.Split;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.data.transform.LabelToRegions;
import io.github.medvp.io.NiftiReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Refuses label maps whose values a {@link LabelSpec} does not know: values that are not whole numbers (a resampled
 * or probability map passed as labels) and whole values that are neither background nor in a region or class (BraTS
 * 2023's 3 read with {@code brats}, a stray 7 or 200). The label transform would count them as background, so a run
 * would train on, or an evaluation score against, a silently different truth. The manifest check before training is
 * header-only ({@code ManifestValidator}), so the values are read here, once per label file, before anything is
 * trained or written.
 */
public final class LabelCheck {

    /** Distinct bad values named in a message. */
    static final int SHOWN = 5;

    private LabelCheck() {
    }

    /**
     * @param spec what the label values mean
     * @param file the label map's file, for the message
     * @param values its voxels
     * @return one line naming the file, the values and the known ones; null when every value is known
     */
    public static String problem(LabelSpec spec, Path file, float[] values) {
        LabelToRegions t = spec.transform();
        float[] bad = t.unknownValues(values, SHOWN + 1);
        if (bad.length == 0) {
            return null;
        }
        StringBuilder found = new StringBuilder();
        for (int i = 0; i < Math.min(bad.length, SHOWN); i++) {
            found.append(i > 0 ? ", " : "").append(format(bad[i]));
        }
        if (bad.length > SHOWN) {
            found.append(", ...");
        }
        return "label map " + file + " holds values " + found + " that the labels " + spec + " do not know "
                + "(known: whole numbers " + t.knownValues() + "); fix the file, choose other labels, or map values "
                + "with ;remap=from:to (to 0 for background)";
    }

    /**
     * @throws MedvpException with {@link #problem} when a value is not known
     */
    public static void check(LabelSpec spec, Path file, float[] values) {
        String p = problem(spec, file, values);
        if (p != null) {
            throw new MedvpException(p);
        }
    }

    /**
     * Reads the label map of every training and validation study and checks its values.
     *
     * @param m the studies of a run (test studies are not read: training does not use them)
     * @param spec what the label values mean
     * @param skipBad drop a study with unknown values (logged) instead of failing
     * @param progress one update per study, the dropped studies logged
     * @return {@code m}, without the dropped studies
     * @throws MedvpException naming the file and values when {@code skipBad} is off, or when dropping leaves no
     *     training or no validation study
     */
    public static StudyManifest checked(StudyManifest m, LabelSpec spec, boolean skipBad, Progress progress)
            throws IOException {
        int total = m.training().size() + m.validation().size();
        int done = 0;
        Map<Split, List<Study>> kept = new EnumMap<>(Split.class);
        String first = null;
        for (Split split : Split.values()) {
            List<Study> keep = new ArrayList<>();
            for (Study s : m.get(split)) {
                if (split == Split.TEST || s.label() == null) {
                    keep.add(s);
                    continue;
                }
                progress.checkCancelled();
                String p = problem(spec, s.label(), Volumes.take(NiftiReader.read(s.label())));
                progress.update("Checking label values", ++done, total, null);
                if (p == null) {
                    keep.add(s);
                } else if (!skipBad) {
                    throw new MedvpException("study " + s.id() + ": " + p);
                } else {
                    first = first == null ? p : first;
                    progress.log("skip_bad: study " + s.id() + " left out: " + p);
                }
            }
            kept.put(split, keep);
        }
        if (first == null) {
            return m;
        }
        for (Split split : List.of(Split.TRAINING, Split.VALIDATION)) {
            if (kept.get(split).isEmpty()) {
                throw new MedvpException("no " + split.name().toLowerCase(Locale.ROOT) + " study left after "
                        + "leaving out those with unknown label values, e.g. " + first);
            }
        }
        return new StudyManifest(kept, m.source());
    }

    private static String format(float v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Float.toString(v);
    }
}
