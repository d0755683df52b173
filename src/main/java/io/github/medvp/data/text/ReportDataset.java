package io.github.medvp.data.text;

import io.github.medvp.data.manifest.Csv;
import io.github.medvp.data.manifest.Split;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.medvp.MedvpException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A list of volume-report pairs ({@link ReportRecord}) read from CSV or JSON, for MG-3D pre-training, zero-shot
 * classification and retrieval.
 * <p>
 * <b>Columns</b> (case-insensitive; CT-RATE's names accepted as they are): volume {@code VolumeName}, {@code volume},
 * {@code image}, {@code image_id}, {@code path}; findings {@code Findings_EN}, {@code findings}; impression
 * {@code Impressions_EN}, {@code impression}, {@code impressions}; optional id {@code id}, {@code study_id}. At least
 * one of findings/impression is required. Every other column whose non-empty values are all yes/no, true/false or
 * 1/0 is a label (as CT-RATE's abnormality columns); the others ({@code ClinicalInformation_EN}, {@code Technique_EN},
 * ages...) are ignored and named by {@link #ignoredColumns()}, and a column mixing label values with other values is
 * ignored too, or refused with {@link Builder#optStrictLabels} ({@link LabelColumns}). Labels may also come from a
 * separate CSV joined on the volume name ({@link Builder#optLabels}, CT-RATE's {@code *_predicted_labels.csv}).
 * <p>
 * <b>CSV</b> is read by {@link Csv}: a row whose field count differs from the header's (a stray quote or comma) or
 * an unbalanced quote is refused with the file and line.
 * <p>
 * <b>JSON</b>: an array of objects with the same keys, or an object with {@code "training"}, {@code "validation"},
 * {@code "test"} arrays ({@link Builder#optSplit} picks one); a record's labels are its yes/no or 1/0 fields or a
 * {@code "labels"} object (JSON booleans are labels too).
 * <p>
 * <b>Paths</b> resolve against the list's folder (or {@link Builder#optVolumeRoot}); a CT-RATE volume name such as
 * {@code train_12_a_1.nii.gz} is also looked for in CT-RATE's nested layout {@code train/train_12/train_12_a/}.
 * Missing columns, unreadable lists and (unless {@link Builder#optCheckFiles}(false)) missing volumes fail with one
 * line naming the file, row and column.
 */
public final class ReportDataset {

    static final List<String> VOLUME_KEYS = List.of("volumename", "volume", "image", "image_id", "path");
    static final List<String> FINDINGS_KEYS = List.of("findings_en", "findings");
    static final List<String> IMPRESSION_KEYS = List.of("impressions_en", "impression", "impressions");
    static final List<String> ID_KEYS = List.of("id", "study_id");
    private static final Pattern CT_RATE = Pattern.compile("^((train|valid)_\\d+)_([a-z]+)_\\d+\\.nii(\\.gz)?$");

    private final List<ReportRecord> records;
    private final List<String> labelNames;
    private final List<String> ignoredColumns;
    private final String source;

    private ReportDataset(List<ReportRecord> records, List<String> labelNames, List<String> ignoredColumns,
            String source) {
        this.records = List.copyOf(records);
        this.labelNames = List.copyOf(labelNames);
        this.ignoredColumns = List.copyOf(ignoredColumns);
        this.source = source;
    }

    /**
     * @param list a CSV or JSON list
     * @return a builder
     */
    public static Builder builder(Path list) {
        return new Builder(list);
    }

    /**
     * Reads a list with the default settings (volumes relative to its folder and checked).
     *
     * @param list a CSV or JSON list
     * @return the dataset
     * @throws IOException when the list cannot be read
     * @throws MedvpException naming the file when a column or volume is missing
     */
    public static ReportDataset read(Path list) throws IOException {
        return builder(list).build();
    }

    /**
     * A dataset of given records (generated data, tests).
     *
     * @param records the records
     * @param source a description for messages
     * @return the dataset; label names are those of the first record
     */
    public static ReportDataset of(List<ReportRecord> records, String source) {
        List<String> names = records.isEmpty() ? List.of() : new ArrayList<>(records.get(0).labels().keySet());
        return new ReportDataset(records, names, List.of(), source);
    }

    /** @return the records, in list order */
    public List<ReportRecord> records() {
        return records;
    }

    /** @return the number of records */
    public int size() {
        return records.size();
    }

    /** @param i an index @return record i */
    public ReportRecord get(int i) {
        return records.get(i);
    }

    /** @return the label names, in column order */
    public List<String> labelNames() {
        return labelNames;
    }

    /**
     * @return the columns of the list (and labels file) that are neither volume, findings, impression, id nor a
     *     label, in order: text columns such as {@code Technique_EN}, and columns whose values are not yes/no
     */
    public List<String> ignoredColumns() {
        return ignoredColumns;
    }

    /** @return the list file or description */
    public String source() {
        return source;
    }

    /** @return every record's {@link ReportRecord#text()}, for {@link VocabularyBuilder} */
    public List<String> texts() {
        List<String> out = new ArrayList<>(records.size());
        for (ReportRecord r : records) {
            out.add(r.text());
        }
        return out;
    }

    /**
     * Splits into two parts by patient: records of one patient (CT-RATE {@code train_12_a_1} and {@code train_12_b_2}
     * are patient {@code train_12}; otherwise the id) never end up on both sides. Deterministic for a seed.
     *
     * @param heldOutFraction share of patients in the second part, in [0, 1]
     * @param seed the shuffle seed
     * @return {first, held out}, each in list order
     */
    public ReportDataset[] splitByPatient(double heldOutFraction, long seed) {
        if (heldOutFraction < 0 || heldOutFraction > 1) {
            throw new IllegalArgumentException("held-out fraction " + heldOutFraction + " not in [0, 1]");
        }
        List<String> patients = new ArrayList<>(new LinkedHashSet<>(records.stream().map(ReportDataset::patient)
                .toList()));
        Collections.shuffle(patients, new Random(seed));
        Set<String> heldOut = new HashSet<>(patients.subList(0,
                (int) Math.round(patients.size() * heldOutFraction)));
        List<ReportRecord> a = new ArrayList<>();
        List<ReportRecord> b = new ArrayList<>();
        for (ReportRecord r : records) {
            (heldOut.contains(patient(r)) ? b : a).add(r);
        }
        return new ReportDataset[] {new ReportDataset(a, labelNames, ignoredColumns, source),
            new ReportDataset(b, labelNames, ignoredColumns, source)};
    }

    static String patient(ReportRecord r) {
        Matcher m = CT_RATE.matcher(r.volume().getFileName().toString());
        return m.matches() ? m.group(1) : r.id();
    }

    /** Reads a {@link ReportDataset}. */
    public static final class Builder {
        private final Path list;
        private Path labels;
        private Path volumeRoot;
        private boolean checkFiles = true;
        private boolean strictLabels;
        private Split split = Split.TRAINING;

        private Builder(Path list) {
            this.list = list;
        }

        /** @param labelsCsv a CSV of labels keyed by volume name (CT-RATE's labels file) @return this */
        public Builder optLabels(Path labelsCsv) {
            labels = labelsCsv;
            return this;
        }

        /** @param root folder the volume paths are relative to (default: the list's folder) @return this */
        public Builder optVolumeRoot(Path root) {
            volumeRoot = root;
            return this;
        }

        /** @param check whether every volume must exist (default true) @return this */
        public Builder optCheckFiles(boolean check) {
            checkFiles = check;
            return this;
        }

        /**
         * @param strict refuse a column mixing yes/no label values with other values instead of ignoring it
         *     (default false; zero-shot classification, which scores the labels, sets it)
         * @return this
         */
        public Builder optStrictLabels(boolean strict) {
            strictLabels = strict;
            return this;
        }

        /** @param split the part of a JSON list with splits (default training) @return this */
        public Builder optSplit(Split split) {
            this.split = split;
            return this;
        }

        /**
         * @return the dataset
         * @throws IOException when a file cannot be read
         * @throws MedvpException naming the file, row and column when something is missing or malformed
         */
        public ReportDataset build() throws IOException {
            if (!Files.isRegularFile(list)) {
                throw new MedvpException(list + ": report list not found");
            }
            Table table = list.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
                    ? jsonTable(list, split) : csvTable(list);
            Path root = volumeRoot != null ? volumeRoot : list.toAbsolutePath().getParent();
            int volumeCol = table.column(VOLUME_KEYS);
            if (volumeCol < 0) {
                throw new MedvpException(list + ": no volume column (expected VolumeName, volume, image or path); "
                        + "columns: " + table.header);
            }
            int findingsCol = table.column(FINDINGS_KEYS);
            int impressionCol = table.column(IMPRESSION_KEYS);
            if (findingsCol < 0 && impressionCol < 0) {
                throw new MedvpException(list + ": no findings or impression column (expected Findings_EN/findings "
                        + "or Impressions_EN/impression); columns: " + table.header);
            }
            int idCol = table.column(ID_KEYS);
            Set<Integer> notLabels = new HashSet<>(List.of(volumeCol, findingsCol, impressionCol, idCol));
            LabelColumns columns = LabelColumns.of(table.header, table.rows, notLabels, list.toString(), strictLabels,
                    false);
            List<Integer> labelCols = columns.labels();
            List<String> ignored = new ArrayList<>(columns.ignored());
            Map<String, Map<String, Double>> joined = labels == null ? Map.of() : readLabels(labels, ignored);
            List<String> labelNames = new ArrayList<>();
            for (int c : labelCols) {
                labelNames.add(table.header.get(c));
            }
            if (!joined.isEmpty()) {
                for (String name : joined.values().iterator().next().keySet()) {
                    if (!labelNames.contains(name)) {
                        labelNames.add(name);
                    }
                }
            }
            List<ReportRecord> records = new ArrayList<>();
            for (int r = 0; r < table.rows.size(); r++) {
                List<String> row = table.rows.get(r);
                String where = list + " row " + (r + 1);
                String volumeName = table.cell(row, volumeCol).strip();
                if (volumeName.isEmpty()) {
                    throw new MedvpException(where + ": empty volume path");
                }
                Path volume = resolve(root, volumeName, where);
                Map<String, Double> values = new LinkedHashMap<>();
                for (int c : labelCols) {
                    values.put(table.header.get(c), LabelColumns.value(table.cell(row, c)));
                }
                if (labels != null) {
                    Map<String, Double> extra = joined.get(volume.getFileName().toString());
                    if (extra == null) {
                        throw new MedvpException(labels + ": no labels for volume " + volume.getFileName()
                                + " (" + where + ")");
                    }
                    values.putAll(extra);
                }
                String id = idCol >= 0 && !table.cell(row, idCol).isBlank() ? table.cell(row, idCol).strip()
                        : stripExtension(volume.getFileName().toString());
                records.add(new ReportRecord(id, volume, findingsCol < 0 ? "" : table.cell(row, findingsCol),
                        impressionCol < 0 ? "" : table.cell(row, impressionCol), values));
            }
            return new ReportDataset(records, labelNames, ignored, list.toString());
        }

        private Path resolve(Path root, String name, String where) {
            Path direct = root.resolve(name).normalize();
            if (!checkFiles || Files.isRegularFile(direct)) {
                return direct;
            }
            Matcher m = CT_RATE.matcher(Path.of(name).getFileName().toString());
            if (m.matches()) {
                String file = Path.of(name).getFileName().toString();
                Path nested = root.resolve(m.group(2)).resolve(m.group(1)).resolve(m.group(1) + "_" + m.group(3))
                        .resolve(file);
                if (Files.isRegularFile(nested)) {
                    return nested;
                }
                throw new MedvpException(where + ": volume " + name + " not found at " + direct + " or " + nested);
            }
            throw new MedvpException(where + ": volume " + name + " not found at " + direct);
        }

        /** The labels file by volume file name; its ignored columns are added to {@code ignored}. */
        private Map<String, Map<String, Double>> readLabels(Path file, List<String> ignored) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new MedvpException(file + ": labels file not found");
            }
            Table t = csvTable(file);
            int key = t.column(VOLUME_KEYS);
            if (key < 0) {
                throw new MedvpException(file + ": no VolumeName column to join the labels on; columns: " + t.header);
            }
            LabelColumns columns = LabelColumns.of(t.header, t.rows, Set.of(key), file.toString(), strictLabels, true);
            ignored.addAll(columns.ignored());
            Map<String, Map<String, Double>> out = new HashMap<>();
            for (List<String> row : t.rows) {
                Map<String, Double> values = new LinkedHashMap<>();
                for (int c : columns.labels()) {
                    values.put(t.header.get(c), LabelColumns.value(t.cell(row, c)));
                }
                out.put(Path.of(t.cell(row, key).strip()).getFileName().toString(), values);
            }
            return out;
        }
    }

    private static String stripExtension(String name) {
        return name.replaceFirst("\\.nii(\\.gz)?$", "");
    }

    /** Header and rows of string cells. */
    private record Table(List<String> header, List<List<String>> rows) {

        int column(List<String> keys) {
            for (String k : keys) {
                for (int i = 0; i < header.size(); i++) {
                    if (header.get(i).strip().toLowerCase(Locale.ROOT).equals(k)) {
                        return i;
                    }
                }
            }
            return -1;
        }

        String cell(List<String> row, int col) {
            return col < row.size() && row.get(col) != null ? row.get(col) : "";
        }
    }

    private static Table csvTable(Path file) throws IOException {
        Csv.Table t = Csv.table(file);
        return new Table(t.header(), t.rows().stream().map(Csv.Row::cells).toList());
    }

    private static Table jsonTable(Path file, Split split) throws IOException {
        JsonElement root;
        try {
            root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw new MedvpException(file + ": not valid JSON (" + e.getMessage() + ")");
        }
        JsonArray array;
        if (root.isJsonArray()) {
            array = root.getAsJsonArray();
        } else if (root.isJsonObject() && root.getAsJsonObject().has(split.key())
                && root.getAsJsonObject().get(split.key()).isJsonArray()) {
            array = root.getAsJsonObject().getAsJsonArray(split.key());
        } else {
            throw new MedvpException(file + ": expected a JSON array of records or an object with a \"" + split.key()
                    + "\" array");
        }
        List<String> header = new ArrayList<>();
        List<Map<String, String>> maps = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!array.get(i).isJsonObject()) {
                throw new MedvpException(file + ": record " + (i + 1) + " is not an object");
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : array.get(i).getAsJsonObject().entrySet()) {
                if (e.getKey().equals("labels") && e.getValue().isJsonObject()) {
                    for (Map.Entry<String, JsonElement> l : e.getValue().getAsJsonObject().entrySet()) {
                        m.put(l.getKey(), scalar(l.getValue()));
                    }
                } else {
                    m.put(e.getKey(), scalar(e.getValue()));
                }
            }
            for (String k : m.keySet()) {
                if (!header.contains(k)) {
                    header.add(k);
                }
            }
            maps.add(m);
        }
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, String> m : maps) {
            List<String> row = new ArrayList<>();
            for (String k : header) {
                row.add(m.getOrDefault(k, ""));
            }
            rows.add(row);
        }
        return new Table(header, rows);
    }

    private static String scalar(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "";
        }
        if (e.isJsonPrimitive()) {
            return e.getAsJsonPrimitive().isBoolean() ? (e.getAsBoolean() ? "1" : "0") : e.getAsString();
        }
        return e.toString(); // arrays / objects: kept as text, never a label
    }
}
