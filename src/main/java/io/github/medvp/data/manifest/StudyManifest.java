package io.github.medvp.data.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import io.github.medvp.MedvpException;
import io.github.medvp.Progress;

/**
 * The studies of a run, split into training, validation and test. Read from the reference JSON lists or MONAI
 * datalists ({@link #readJson}) or found in a folder ({@link #discover}); re-split by id lists or a seeded
 * fraction; reduced to a seeded fraction of the training studies (label efficiency); validated once before
 * training ({@link #validated}). Immutable: every operation returns a new manifest. Study order is kept
 * throughout, so equal inputs and seeds give equal manifests.
 */
public final class StudyManifest {

    private final Map<Split, List<Study>> splits;
    private final String source;

    /**
     * @param splits the studies of each split (missing splits are empty)
     * @param source where the manifest came from, for messages
     */
    public StudyManifest(Map<Split, List<Study>> splits, String source) {
        Map<Split, List<Study>> m = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            m.put(s, List.copyOf(splits.getOrDefault(s, List.of())));
        }
        this.splits = Collections.unmodifiableMap(m);
        this.source = source;
    }

    /**
     * Reads a reference list ({@code jsons/dataset_<KEY>.json}) or a MONAI datalist (see {@link JsonManifests} for
     * the accepted records).
     *
     * @param baseDir what relative paths are relative to (the reference: {@code <base_dir>/<KEY>/}); {@code null}
     *        for the JSON file's folder
     * @throws IOException when the file cannot be read or is not JSON
     * @throws MedvpException when the JSON is not a manifest (naming the file and record)
     */
    public static StudyManifest readJson(Path json, Path baseDir, ModalityNames names) throws IOException {
        Path base = baseDir != null ? baseDir : json.toAbsolutePath().getParent();
        return JsonManifests.read(json, base, names);
    }

    /**
     * Reads a reference list the way the reference code does: {@code jsons/dataset_<KEY>.json} with paths relative
     * to {@code <dataRoot>/<KEY>/}.
     *
     * @throws MedvpException when the file name is not {@code dataset_<KEY>.json}
     */
    public static StudyManifest readReference(Path json, Path dataRoot, ModalityNames names) throws IOException {
        String name = json.getFileName().toString();
        if (!name.startsWith("dataset_") || !name.endsWith(".json") || name.length() <= "dataset_.json".length()) {
            throw new MedvpException(json + ": reference lists are named dataset_<KEY>.json (KEY = the data folder)");
        }
        String key = name.substring("dataset_".length(), name.length() - ".json".length());
        return readJson(json, dataRoot.resolve(key), names);
    }

    /**
     * The studies of several manifests, split by split, in order (the pre-training corpus is five reference lists).
     * Ids that repeat across manifests get {@code #2}, {@code #3}, ...
     */
    public static StudyManifest merge(List<StudyManifest> manifests) {
        Map<Split, List<Study>> m = new EnumMap<>(Split.class);
        Set<String> ids = new HashSet<>();
        List<String> sources = new ArrayList<>();
        for (Split s : Split.values()) {
            m.put(s, new ArrayList<>());
        }
        for (StudyManifest sm : manifests) {
            sources.add(sm.source());
            for (Split s : Split.values()) {
                for (Study st : sm.get(s)) {
                    m.get(s).add(JsonManifests.unique(st, ids));
                }
            }
        }
        return new StudyManifest(m, String.join(" + ", sources));
    }

    /** Every study found in {@code folder} (see {@link FolderDiscovery}), all in the training split. */
    public static StudyManifest discover(Path folder, ModalityNames names) throws IOException {
        return new StudyManifest(Map.of(Split.TRAINING, FolderDiscovery.discover(folder, names)), folder.toString());
    }

    /**
     * The studies at a path a user gives: a manifest JSON file ({@link #readJson}, relative paths relative to its
     * folder) or a folder whose studies are discovered ({@link #discover}). This is the one place that tells the two
     * apart, so every command accepts both the same way.
     *
     * @param data a {@code .json} file or a folder
     * @param names modality names, e.g. {@code ModalityNames.defaults().withAliases("T1GD=t1c")}
     * @throws MedvpException naming {@code data} when it does not exist or is neither a folder nor a JSON file
     * @throws IOException when a file cannot be read
     */
    public static StudyManifest load(Path data, ModalityNames names) throws IOException {
        if (Files.isDirectory(data)) {
            return discover(data, names);
        }
        if (!Files.exists(data)) {
            throw new MedvpException("data " + data + " does not exist: give a manifest .json file or a folder of "
                    + "studies");
        }
        if (!data.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
            throw new MedvpException("data " + data + " is neither a folder of studies nor a manifest .json file");
        }
        return readJson(data, null, names);
    }

    /**
     * Writes this manifest as JSON that {@link #readJson} reads back to the same studies (absolute paths, ids,
     * channel names), e.g. into a run folder so the exact split of a run is on record. Written atomically.
     */
    public void writeJson(Path json) throws IOException {
        JsonManifests.write(this, json);
    }

    /** The studies of one split (possibly empty). */
    public List<Study> get(Split split) {
        return splits.get(split);
    }

    /** The training studies. */
    public List<Study> training() {
        return get(Split.TRAINING);
    }

    /** The validation studies. */
    public List<Study> validation() {
        return get(Split.VALIDATION);
    }

    /** The test studies. */
    public List<Study> test() {
        return get(Split.TEST);
    }

    /** Training then validation studies: what BrainMVP pre-trains on (it has no validation). */
    public List<Study> pretraining() {
        List<Study> all = new ArrayList<>(training());
        all.addAll(validation());
        return all;
    }

    /** Every study: training, validation, test. */
    public List<Study> all() {
        List<Study> all = pretraining();
        all.addAll(test());
        return all;
    }

    /** Where the manifest came from (a JSON file or folder). */
    public String source() {
        return source;
    }

    /**
     * All studies re-split by id: those in {@code validationIds} and {@code testIds} go there, the rest to training.
     *
     * @throws MedvpException naming ids that are in no split
     */
    public StudyManifest withSplit(Collection<String> validationIds, Collection<String> testIds) {
        Set<String> val = new HashSet<>(validationIds);
        Set<String> test = new HashSet<>(testIds);
        Set<String> unknown = new LinkedHashSet<>(validationIds);
        unknown.addAll(testIds);
        Map<Split, List<Study>> m = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            m.put(s, new ArrayList<>());
        }
        for (Study s : all()) {
            unknown.remove(s.id());
            Split to = test.contains(s.id()) ? Split.TEST : val.contains(s.id()) ? Split.VALIDATION : Split.TRAINING;
            m.get(to).add(s);
        }
        if (!unknown.isEmpty()) {
            throw new MedvpException("split lists name studies not in " + source + ": " + first(unknown, 5));
        }
        return new StudyManifest(m, source);
    }

    /**
     * All studies re-split at random: {@code round(n·test)} to test, {@code round(n·validation)} to validation, the
     * rest to training; each split keeps the original order.
     */
    public StudyManifest withRandomSplit(double validation, double test, long seed) {
        if (!(validation >= 0 && test >= 0 && validation + test <= 1)) {
            throw new MedvpException("split fractions must be ≥ 0 and sum to at most 1: validation " + validation
                    + ", test " + test);
        }
        List<Study> all = all();
        int n = all.size();
        int[] order = permutation(n, new SplittableRandom(seed));
        int nTest = (int) Math.round(n * test);
        int nVal = (int) Math.round(n * validation);
        Split[] to = new Split[n];
        for (int i = 0; i < n; i++) {
            to[order[i]] = i < nTest ? Split.TEST : i < nTest + nVal ? Split.VALIDATION : Split.TRAINING;
        }
        Map<Split, List<Study>> m = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            m.put(s, new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            m.get(to[i]).add(all.get(i));
        }
        return new StudyManifest(m, source);
    }

    /**
     * Keeps a seeded random {@code fraction} of the training studies ({@code round(n·fraction)}, at least one),
     * in their original order; validation and test stay whole. For label-efficiency experiments.
     */
    public StudyManifest withTrainingFraction(double fraction, long seed) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new MedvpException("training fraction must be in (0, 1]: " + fraction);
        }
        List<Study> train = training();
        int n = train.size();
        int keep = Math.max(1, (int) Math.round(n * fraction));
        if (n == 0 || keep >= n) {
            return this;
        }
        int[] order = permutation(n, new SplittableRandom(seed));
        boolean[] kept = new boolean[n];
        for (int i = 0; i < keep; i++) {
            kept[order[i]] = true;
        }
        List<Study> sub = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (kept[i]) {
                sub.add(train.get(i));
            }
        }
        Map<Split, List<Study>> m = new EnumMap<>(splits);
        m.put(Split.TRAINING, sub);
        return new StudyManifest(m, source);
    }

    /**
     * Checks every study once (header reads only, see {@link ManifestValidator}).
     *
     * @param skipBad drop studies with problems (each reported through {@code progress.log}) instead of failing
     * @return this manifest without the bad studies
     * @throws MedvpException naming the first problems and how many more, when there are problems and
     *         {@code skipBad} is off, or when no study is left
     */
    public StudyManifest validated(ManifestValidator validator, boolean skipBad, Progress progress) {
        ValidationReport report = validator.validate(all(), progress);
        progress.log(report.summary());
        if (report.isClean()) {
            return this;
        }
        if (!skipBad) {
            throw report.toException();
        }
        for (String w : report.warnings()) {
            progress.log(w);
        }
        Set<Study> bad = report.badStudies();
        Map<Split, List<Study>> m = new EnumMap<>(Split.class);
        int left = 0;
        for (Split s : Split.values()) {
            List<Study> keep = new ArrayList<>();
            for (Study st : get(s)) {
                if (!bad.contains(st)) {
                    keep.add(st);
                }
            }
            left += keep.size();
            m.put(s, keep);
        }
        if (left == 0) {
            throw report.toException();
        }
        return new StudyManifest(m, source);
    }

    /** A uniform random permutation of 0..n-1 (Fisher–Yates). */
    public static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static String first(Collection<String> c, int n) {
        List<String> l = new ArrayList<>(c);
        return String.join(", ", l.subList(0, Math.min(n, l.size()))) + (l.size() > n ? " and " + (l.size() - n)
                + " more" : "");
    }

    @Override
    public String toString() {
        return "StudyManifest[" + source + ": " + training().size() + " training, " + validation().size()
                + " validation, " + test().size() + " test]";
    }
}
