package io.github.medvp.data.text;

import io.github.medvp.MedvpException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which columns of a report list are yes/no labels. CT-RATE's abnormality columns hold 0 and 1 (1.0 and 0.0 once
 * pandas has seen a missing value); JSON lists hold booleans. A column is a label when every non-empty value is
 * yes, no, true, false or a number equal to 1 or 0 (case-insensitive); a column holding none of these is not a label
 * and is ignored (free text, ages). A column mixing label values with anything else is ignored too unless the
 * caller needs labels ({@code strict}), which refuses it: its positives would otherwise be decided by a guess. In a
 * labels file every column but the key is meant as a label, so there {@code strict} refuses any other value.
 *
 * @param labels the label columns, in order
 * @param ignored the names of the other columns (the excluded ones aside), in order
 */
record LabelColumns(List<Integer> labels, List<String> ignored) {

    /** CT-RATE's text columns other than findings and impression: never labels, even when a cell says "No". */
    static final Set<String> TEXT_KEYS = Set.of("clinicalinformation_en", "technique_en");

    /** What {@link #value} accepts, for messages. */
    static final String ALLOWED = "yes, no, true, false, 1 or 0";

    /**
     * @param cell a cell
     * @return 1 or 0 for a label value, NaN for an empty cell, null for anything else
     */
    static Double value(String cell) {
        String v = cell.strip().toLowerCase(Locale.ROOT);
        switch (v) {
            case "":
                return Double.NaN;
            case "yes":
            case "true":
                return 1.0;
            case "no":
            case "false":
                return 0.0;
            default:
                break;
        }
        try {
            double d = Double.parseDouble(v);
            if (d == 1 || d == 0) {
                return d == 1 ? 1.0 : 0.0;
            }
            return null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * @param header the column names
     * @param rows the cells, row by row
     * @param exclude columns that are not candidates (volume, findings, impression, id)
     * @param source the list, for messages
     * @param strict refuse a column mixing label values with other values
     * @param labelsFile every candidate column is meant as a label (a labels file): with {@code strict}, refuse any
     *     other value, even in a column without label values
     * @return the label columns and the ignored ones
     * @throws MedvpException when {@code strict} and a column mixes, naming the column, a bad value and its row
     */
    static LabelColumns of(List<String> header, List<List<String>> rows, Set<Integer> exclude, String source,
            boolean strict, boolean labelsFile) {
        List<Integer> labels = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            String name = header.get(c);
            if (exclude.contains(c) || name.isBlank()) {
                continue;
            }
            boolean anyLabel = false;
            int bad = -1;
            for (int r = 0; r < rows.size(); r++) {
                String cell = c < rows.get(r).size() ? rows.get(r).get(c) : "";
                Double v = value(cell);
                if (v == null) {
                    bad = bad < 0 ? r : bad;
                } else if (!v.isNaN()) {
                    anyLabel = true;
                }
            }
            if (anyLabel && bad < 0) {
                labels.add(c);
                continue;
            }
            if (strict && bad >= 0 && (labelsFile || anyLabel && !TEXT_KEYS.contains(name.strip()
                    .toLowerCase(Locale.ROOT)))) {
                throw new MedvpException(source + ": column '" + name + "' holds '" + rows.get(bad).get(c).strip()
                        + "' (row " + (bad + 1) + "), not a yes/no label; label values are " + ALLOWED);
            }
            ignored.add(name);
        }
        return new LabelColumns(List.copyOf(labels), List.copyOf(ignored));
    }
}
