package io.github.medvp.tasks.classification;

import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Csv;
import io.github.medvp.data.manifest.Split;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Class labels of studies for classification: from a CSV ({@code case,class} per line, fields separated by commas,
 * semicolons or tabs as the first line shows, quoted as RFC 4180 says ({@link Csv}); an optional header line whose
 * first field is {@code case}, {@code id}, {@code study} or {@code subject}; the class a name or an index) or from the
 * manifest's {@code class} fields. Names become indices in the order of the given class names, or sorted when none
 * are given; plain integers are indices. Without class names, labels must be all indices or all names, and indices
 * must leave no class between 0 and the largest without a study (a stray 7 among 0 and 1 would otherwise add six
 * empty classes); a case listed twice with different classes is refused.
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
            List<Csv.Row> rows = Csv.read(csv, delimiter(csv));
            for (int i = 0; i < rows.size(); i++) {
                Csv.Row r = rows.get(i);
                String id = r.cell(0).trim();
                String v = r.cell(1).trim();
                if (i == 0 && HEADERS.contains(id.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                if (id.isEmpty() || v.isEmpty()) {
                    throw new MedvpException("class labels " + csv + " line " + r.line() + " is not 'case,class': "
                            + String.join(",", r.cells()));
                }
                String before = raw.put(id, v);
                if (before != null && !before.equals(v)) {
                    throw new MedvpException("class labels " + csv + " line " + r.line() + ": case " + id
                            + " has class " + v + " here and " + before + " above; keep one");
                }
            }
        } else {
            for (Study s : m.all()) {
                if (s.classLabel() != null) {
                    raw.put(s.id(), Integer.toString(s.classLabel()));
                }
            }
        }
        List<String> classes = new ArrayList<>(names);
        if (classes.isEmpty()) {
            classes.addAll(derived(raw.values(), csv));
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

    /** The class names when none are given: indices 0..max with none skipped, or the sorted names. */
    private static List<String> derived(Collection<String> values, Path csv) {
        String where = csv != null ? "class labels " + csv : "the manifest's class fields";
        TreeSet<String> names = new TreeSet<>();
        TreeSet<Integer> indices = new TreeSet<>();
        for (String v : values) {
            if (v.matches("\\d{1,9}")) {
                indices.add(Integer.parseInt(v));
            } else {
                names.add(v);
            }
        }
        if (!names.isEmpty() && !indices.isEmpty()) {
            throw new MedvpException(where + " mix class indices (" + indices.first() + ") and names ('"
                    + names.first() + "'); use one or the other, or list the class names in the classes setting");
        }
        if (!names.isEmpty()) {
            return new ArrayList<>(names);
        }
        int max = indices.isEmpty() ? 1 : Math.max(1, indices.last());
        List<String> out = new ArrayList<>();
        for (int i = 0; i <= max; i++) {
            out.add(Integer.toString(i));
        }
        if (indices.size() > 1 && indices.size() < max + 1) {
            List<Integer> absent = new ArrayList<>();
            for (int i = 0; i <= max && absent.size() < 5; i++) {
                if (!indices.contains(i)) {
                    absent.add(i);
                }
            }
            throw new MedvpException(where + " hold class indices " + indices + " with no study of class "
                    + absent + (indices.size() + absent.size() < max + 1 ? "..." : "") + "; fix the values, or "
                    + "list the class names in the classes setting");
        }
        return out;
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

    /** The first of comma, semicolon and tab found on the first non-blank line (comma when none is). */
    private static char delimiter(Path csv) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    for (char d : new char[] {',', ';', '\t'}) {
                        if (line.indexOf(d) >= 0) {
                            return d;
                        }
                    }
                    break;
                }
            }
        }
        return ',';
    }
}
