package io.github.medvp.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.medvp.MedvpException;
import io.github.medvp.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The folder of one training run:
 * <pre>
 * config.json           every setting of the run, defaults and seeds included
 * metrics.csv           {@link MetricsLog}
 * curves.png            {@link CurvesPlot}
 * checkpoints/last.safetensors, best.safetensors, epoch-NNNN.safetensors
 * </pre>
 * and, written by the runs that have them: {@code validation.csv} and {@code validation.png} (fine-tuning
 * validation), {@code split.json} and {@code training-cases.txt} (fine-tuning's split), {@code vocab.txt} (MG-3D's
 * vocabulary). The names are the constants below, and the static helpers resolve them in a run folder that is not
 * open (to read a finished run or to name its files in a summary), so no other class spells them.
 * <p>
 * A folder is either new (created), or resumed from {@code last} when the caller asks for it and the saved core
 * settings match; anything else is refused, so a run is never overwritten by accident.
 */
public final class RunFolder {

    /** Every setting of the run. */
    public static final String CONFIG = "config.json";
    /** The training metrics, one row per logged step ({@link MetricsLog}). */
    public static final String METRICS = "metrics.csv";
    /** The training curves ({@link CurvesPlot}). */
    public static final String CURVES = "curves.png";
    /** The folder of the checkpoints. */
    public static final String CHECKPOINTS = "checkpoints";
    /** The newest checkpoint, in {@link #CHECKPOINTS}. */
    public static final String LAST = "last.safetensors";
    /** The checkpoint with the best validation score, in {@link #CHECKPOINTS}. */
    public static final String BEST = "best.safetensors";
    /** Fine-tuning's validation scores, one row per validation. */
    public static final String VALIDATION_CSV = "validation.csv";
    /** Fine-tuning's validation curves. */
    public static final String VALIDATION_PNG = "validation.png";
    /** Fine-tuning's whole split (training, validation and test studies). */
    public static final String SPLIT = "split.json";
    /** The training studies fine-tuning used, one id per line. */
    public static final String TRAINING_CASES = "training-cases.txt";
    /** The vocabulary of an MG-3D run. */
    public static final String VOCAB = "vocab.txt";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();

    private final Path dir;
    private final JsonObject config;
    private final boolean resuming;

    private RunFolder(Path dir, JsonObject config, boolean resuming) {
        this.dir = dir;
        this.config = config;
        this.resuming = resuming;
    }

    /**
     * Opens {@code dir} for a run with {@code config}.
     *
     * @param resume whether an existing run in the folder may be continued
     * @param coreSettings top-level config keys that must equal the saved ones to resume (model size, patch
     *        size, method...); other settings (epochs, log interval) may change and are saved anew
     * @throws MedvpException when the folder holds a run and {@code resume} is false, or a core setting differs
     */
    public static RunFolder open(Path dir, JsonObject config, boolean resume, Collection<String> coreSettings)
            throws IOException {
        boolean exists = Files.isDirectory(dir) && !isEmpty(dir);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new MedvpException("run folder " + dir + " is a file; choose a folder");
        }
        RunFolder run = new RunFolder(dir, config.deepCopy(), false);
        if (exists) {
            if (!resume) {
                throw new MedvpException("run folder " + dir + " already holds a run; set resume=true to continue "
                        + "or choose another folder");
            }
            Path cfg = run.configFile();
            if (!Files.isRegularFile(cfg)) {
                throw new MedvpException("run folder " + dir + " is not empty but has no " + CONFIG + ", so it is not "
                        + "a MedVP run; choose another folder");
            }
            JsonObject saved;
            try {
                saved = JsonParser.parseString(Files.readString(cfg, StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (RuntimeException e) {
                throw new MedvpException(cfg + " is damaged (" + e.getMessage() + "); choose another folder", e);
            }
            List<String> diffs = new ArrayList<>();
            for (String key : coreSettings) {
                JsonElement a = saved.get(key);
                JsonElement b = config.get(key);
                if (a == null ? b != null : !a.equals(b)) {
                    diffs.add(key + " (saved " + a + ", now " + b + ")");
                }
            }
            if (!diffs.isEmpty()) {
                throw new MedvpException("cannot resume the run in " + dir + ": settings differ from the saved run: "
                        + String.join(", ", diffs) + "; use the saved values or choose another folder");
            }
            run = new RunFolder(dir, run.config, Files.isRegularFile(run.last()));
        }
        Files.createDirectories(run.checkpointsDir());
        AtomicFiles.write(run.configFile(), GSON.toJson(run.config).getBytes(StandardCharsets.UTF_8));
        return run;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /** The run's settings (a copy). */
    public JsonObject config() {
        return config.deepCopy();
    }

    /** True when the folder holds a {@code last} checkpoint to continue from. */
    public boolean resuming() {
        return resuming;
    }

    /** {@link #CONFIG} of this run. */
    public Path configFile() {
        return configFile(dir);
    }

    /** {@link #METRICS} of this run. */
    public Path metricsCsv() {
        return metricsCsv(dir);
    }

    /** {@link #CURVES} of this run. */
    public Path curvesPng() {
        return curvesPng(dir);
    }

    /** {@link #CHECKPOINTS} of this run. */
    public Path checkpointsDir() {
        return checkpointsDir(dir);
    }

    /** The newest state; what a resumed run starts from. */
    public Path last() {
        return lastCheckpoint(dir);
    }

    /** The state with the best validation score. */
    public Path best() {
        return bestCheckpoint(dir);
    }

    /** @return {@link #CONFIG} in the run folder {@code runDir} */
    public static Path configFile(Path runDir) {
        return runDir.resolve(CONFIG);
    }

    /** @return {@link #METRICS} in the run folder {@code runDir} */
    public static Path metricsCsv(Path runDir) {
        return runDir.resolve(METRICS);
    }

    /** @return {@link #CURVES} in the run folder {@code runDir} */
    public static Path curvesPng(Path runDir) {
        return runDir.resolve(CURVES);
    }

    /** @return the checkpoint folder of the run folder {@code runDir} */
    public static Path checkpointsDir(Path runDir) {
        return runDir.resolve(CHECKPOINTS);
    }

    /** @return the newest checkpoint of the run folder {@code runDir} */
    public static Path lastCheckpoint(Path runDir) {
        return checkpointsDir(runDir).resolve(LAST);
    }

    /** @return the best checkpoint of the run folder {@code runDir} */
    public static Path bestCheckpoint(Path runDir) {
        return checkpointsDir(runDir).resolve(BEST);
    }

    /** The periodic checkpoint after {@code epoch} (1-based count of finished epochs). */
    public Path epoch(int epoch) {
        return checkpointsDir().resolve(String.format(Locale.ROOT, "epoch-%04d.safetensors", epoch));
    }

    /** Writes {@code last} atomically. */
    public void saveLast(Checkpoint c) throws IOException {
        Checkpoints.write(last(), c);
    }

    /** Writes {@code best} atomically. */
    public void saveBest(Checkpoint c) throws IOException {
        Checkpoints.write(best(), c);
    }

    /**
     * Writes the periodic checkpoint of {@code epoch} and deletes older periodic ones beyond the newest
     * {@code keepLast} (0 keeps all).
     */
    public void saveEpoch(int epoch, Checkpoint c, int keepLast) throws IOException {
        Checkpoints.write(epoch(epoch), c);
        if (keepLast <= 0) {
            return;
        }
        List<Path> periodic;
        try (Stream<Path> s = Files.list(checkpointsDir())) {
            periodic = s.filter(p -> p.getFileName().toString().matches("epoch-\\d{4,}\\.safetensors"))
                    .sorted(java.util.Comparator.comparingLong(RunFolder::epochNumber)).toList();
        }
        for (int i = 0; i < periodic.size() - keepLast; i++) {
            Files.deleteIfExists(periodic.get(i));
        }
    }

    private static long epochNumber(Path p) {
        String n = p.getFileName().toString();
        return Long.parseLong(n.substring("epoch-".length(), n.length() - ".safetensors".length()));
    }

    @Override
    public String toString() {
        return "RunFolder[" + dir + "]";
    }
}
