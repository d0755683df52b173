package io.github.medvp.tasks.classification;

import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Split;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Class labels of studies for classification: from a CSV ({@code case,class} per line, an optional header line
 * whose first field is {@code case}, {@code id}, {@code study} or {@code subject}; the class a name or an index)
 * or from the manifest's {@code class}
 * fields. Names become indices in the order of the given class names, or sorted when none are given; plain
 * integers are indices.
 *
 * @param classes the class names, index = class
 * @param manifest the studies with their class index set
 */
public record ClassLabels(List<String> classes, StudyManifest manifest) {

    /** First fields that mark a header line. */
    private static final java.util.Set<String> HEADERS = java.util.Set.of("case", "id", "study", "subject");

    /**
     * Attaches class labels to every study of a manifest.
     *
     * @param m the studies
     * @param csv the CSV, or null to use the manifest's class fields
     * @param names class names in index order, or empty to derive them
     * @return the classes and the labelled studies
     * @throws IOException when the CSV cannot be read
     * @throws MedvpException on a malformed CSV, an unknown class, or a training study without a class
     */
    public static ClassLabels attach(StudyManifest m, Path csv, List<String> names) throws IOException {
        Map<String, String> raw = new LinkedHashMap<>();
        if (csv != null) {
            if (!Files.isRegularFile(csv)) {
                throw new MedvpException("class labels " + csv + " do not exist: give a CSV of case,class lines");
            }
            int n = 0;
            for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
                n++;
                String t = line.trim();
                String[] f = t.split("[,;\t]");
                if (t.isEmpty() || (n == 1 && HEADERS.contains(f[0].trim().toLowerCase(Locale.ROOT)))) {
                    continue;
                }
                if (f.length < 2 || f[0].isBlank() || f[1].isBlank()) {
                    throw new MedvpException("class labels " + csv + " line " + n + " is not 'case,class': " + t);
                }
                raw.put(f[0].trim(), f[1].trim());
            }
        } else {
            for (Study s : m.all()) {
                if (s.classLabel() != null) {
                    raw.put(s.id(), Integer.toString(s.classLabel()));
                }
            }
        }
        List<String> classes = new ArrayList<>(names);
        boolean numeric = raw.values().stream().allMatch(v -> v.matches("\\d+"));
        if (classes.isEmpty()) {
            if (numeric) {
                int max = raw.values().stream().mapToInt(Integer::parseInt).max().orElse(1);
                for (int i = 0; i <= Math.max(1, max); i++) {
                    classes.add(Integer.toString(i));
                }
            } else {
                classes.addAll(new TreeSet<>(raw.values()));
            }
        }
        Map<Split, List<Study>> out = new EnumMap<>(Split.class);
        List<String> missing = new ArrayList<>();
        for (Split split : Split.values()) {
            List<Study> l = new ArrayList<>();
            for (Study s : m.get(split)) {
                String v = raw.get(s.id());
                if (v == null) {
                    if (split == Split.TRAINING) {
                        missing.add(s.id());
                    }
                    continue;
                }
                int k = index(v, classes, csv);
                l.add(new Study(s.id(), s.channels(), s.label(), k, s.report(), s.source()));
            }
            out.put(split, l);
        }
        if (!missing.isEmpty()) {
            throw new MedvpException(missing.size() + " training studies have no class (" + String.join(", ",
                    missing.subList(0, Math.min(5, missing.size()))) + "); add them to "
                    + (csv != null ? csv : "the manifest ('class' field) or give a labels CSV"));
        }
        return new ClassLabels(classes, new StudyManifest(out, m.source()));
    }

    private static int index(String v, List<String> classes, Path csv) {
        int k = classes.indexOf(v);
        if (k < 0 && v.matches("\\d+")) {
            k = Integer.parseInt(v);
        }
        if (k < 0 || k >= classes.size()) {
            throw new MedvpException("class '" + v + "'" + (csv != null ? " in " + csv : "") + " is not one of "
                    + classes + "; list the class names in the classes setting");
        }
        return k;
    }
}
