package io.github.medvp.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.io.AtomicFiles;
import io.github.medvp.io.FolderLock;
import io.github.medvp.io.OutputFolder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * .lock                 held while a process runs in the folder ({@link FolderLock})
 * </pre>
 * and, written by the runs that have them: {@code validation.csv} and {@code validation.png} (fine-tuning
 * validation), {@code split.json} and {@code training-cases.txt} (fine-tuning's split), {@code vocab.txt} (MG-3D's
 * vocabulary). The names are the constants below, and the static helpers resolve them in a run folder that is not
 * open (to read a finished run or to name its files in a summary), so no other class spells them.
 * <p>
 * A folder is either new (created, or empty), or resumed from {@code last} when the caller asks for it and the saved
 * core settings match; anything else is refused, so a run is never overwritten by accident. An open run folder holds
 * the folder's lock until {@link #close}, so a second process (or a second run in this one) is refused with the
 * holder's process id instead of writing the same files; opening also removes the temporary files of checkpoint
 * writes a killed process left ({@link AtomicFiles#removeStale}).
 * <p>
 * A start that fails leaves the folder as it found it: a new run's folder is removed again on {@link #close} unless
 * a checkpoint was saved, and a resumed run's {@code config.json} is only replaced with the new settings when the
 * run saves its first checkpoint. So a corrected rerun neither meets "already holds a run" nor settings that differ.
 */
public final class RunFolder implements AutoCloseable {

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
    /** The lock file, held while a process runs in the folder. */
    public static final String LOCK = FolderLock.NAME;

    /** Subfolder levels searched for leftover temporary files (checkpoints/, templates/, cache/). */
    private static final int TEMPORARY_DEPTH = 2;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();

    private final Path dir;
    private final JsonObject config;
    private final boolean resuming;
    private final boolean isNew;
    private final Path created;
    private final FolderLock lock;
    private boolean configWritten;
    private boolean checkpointed;
    private boolean closed;

    private RunFolder(Path dir, JsonObject config, boolean resuming, boolean isNew, Path created, FolderLock lock) {
        this.dir = dir;
        this.config = config;
        this.resuming = resuming;
        this.isNew = isNew;
        this.created = created;
        this.lock = lock;
    }

    /**
     * Opens {@code dir} for a run with {@code config} and locks it; close it when the run ends, however it ends.
     *
     * @param resume whether an existing run in the folder may be continued
     * @param coreSettings top-level config keys that must equal the saved ones to resume (model size, patch
     *        size, method...); other settings (epochs, log interval) may change and are saved anew
     * @throws MedvpException when another process holds the folder, the folder holds a run and {@code resume} is
     *     false, or a core setting differs
     * @throws IOException when the folder cannot be created or read
     */
    public static RunFolder open(Path dir, JsonObject config, boolean resume, Collection<String> coreSettings)
            throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new MedvpException("run folder " + dir + " is a file; choose a folder");
        }
        // A foreign folder is refused before anything, the lock file included, is written into it.
        if (Files.isDirectory(dir) && !Files.exists(configFile(dir)) && !Files.exists(dir.resolve(LOCK))
                && !OutputFolder.isEmpty(dir, p -> false)) {
            throw foreign(dir);
        }
        Path created = OutputFolder.createDirectories(dir);
        FolderLock lock;
        try {
            lock = FolderLock.acquire(dir, "run folder");
        } catch (IOException e) {
            if (created != null) {
                OutputFolder.deleteTree(created);
            }
            throw e;
        }
        // Only now, with the lock, is the content what it will stay: another process may have been writing.
        boolean isNew = OutputFolder.isEmpty(dir, RunFolder::isLock);
        RunFolder run = new RunFolder(dir, config.deepCopy(), false, isNew, created, lock);
        try {
            if (isNew) {
                // First, so a folder left by a kill right after this is a run to resume, not a foreign folder.
                run.writeConfig();
            } else {
                checkResume(dir, config, resume, coreSettings);
                AtomicFiles.removeStale(dir, lock.since(), TEMPORARY_DEPTH);
                run = new RunFolder(dir, run.config, Files.isRegularFile(run.last()), false, null, lock);
            }
            OutputFolder.createDirectories(run.checkpointsDir());
            return run;
        } catch (IOException | RuntimeException e) {
            run.close();
            throw e;
        }
    }

    private static void checkResume(Path dir, JsonObject config, boolean resume, Collection<String> coreSettings)
            throws IOException {
        if (!resume) {
            throw new MedvpException("run folder " + dir + " already holds a run; set resume=true to continue "
                    + "or choose another folder");
        }
        Path cfg = configFile(dir);
        if (!Files.isRegularFile(cfg)) {
            throw foreign(dir);
        }
        JsonObject saved;
        try {
            saved = JsonParser.parseString(Files.readString(cfg, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new MedvpException(cfg + " is damaged (" + e.getMessage() + "); choose another folder", e);
        }
        List<String> diffs = new ArrayList<>();
        for (String key : coreSettings) {
            // config.json leaves unset settings out, so an absent key and a null are the same setting.
            JsonElement a = saved.has(key) ? saved.get(key) : JsonNull.INSTANCE;
            JsonElement b = config.has(key) ? config.get(key) : JsonNull.INSTANCE;
            if (!a.equals(b)) {
                diffs.add(key + " (saved " + a + ", now " + b + ")");
            }
        }
        if (!diffs.isEmpty()) {
            throw new MedvpException("cannot resume the run in " + dir + ": settings differ from the saved run: "
                    + String.join(", ", diffs) + "; use the saved values or choose another folder");
        }
    }

    private static MedvpException foreign(Path dir) {
        return new MedvpException("run folder " + dir + " is not empty but has no " + CONFIG + ", so it is not "
                + "a MedVP run; choose another folder");
    }

    private static boolean isLock(Path p) {
        return p.getFileName().toString().equals(LOCK);
    }

    private void writeConfig() throws IOException {
        AtomicFiles.write(configFile(), GSON.toJson(config).getBytes(StandardCharsets.UTF_8));
        configWritten = true;
    }

    /**
     * Releases the lock. A new run that saved no checkpoint failed or was cancelled before it had anything to
     * resume from: its folder is removed again (the parents this start created too), so the rerun starts clean.
     * Never throws; closing twice does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!isNew || checkpointed) {
            lock.close();
            return;
        }
        // Everything but the lock goes while it is held, so no other process sees a half-removed folder.
        OutputFolder.deleteContents(dir, RunFolder::isLock);
        try {
            Files.deleteIfExists(lock.file());
        } catch (IOException e) {
            // Where an open file cannot be removed (Windows) it stays; it holds no run.
        }
        lock.close();
        if (created != null) {
            OutputFolder.deleteTree(created);
        }
    }

    /**
     * The checkpoint a {@code model} or {@code init} setting names. A file is itself; a run folder
     * ({@code init=runs/pretrain}) gives its {@link #BEST} checkpoint when {@code preferBest} and the run has one,
     * else its {@link #LAST}, and the choice is logged.
     *
     * @param path the setting's value, or null
     * @param setting the setting's name, for messages
     * @param preferBest true for a model to predict with (a fine-tuned run's best), false for a starting point
     * @param progress receives the line saying which checkpoint was taken
     * @return the checkpoint file (null for null); a path that does not exist is returned for the loader to report
     * @throws MedvpException for a folder that holds no checkpoint
     */
    public static Path checkpointIn(Path path, String setting, boolean preferBest, Progress progress) {
        if (path == null || !Files.isDirectory(path)) {
            return path;
        }
        Path best = bestCheckpoint(path);
        Path chosen = preferBest && Files.isRegularFile(best) ? best : lastCheckpoint(path);
        if (!Files.isRegularFile(chosen)) {
            throw new MedvpException(setting + " " + path + " is a folder without " + CHECKPOINTS + "/" + LAST
                    + ": give a checkpoint file, or the folder of a run that saved one");
        }
        progress.log(setting + " " + path + " is a run folder: using its " + CHECKPOINTS + "/"
                + chosen.getFileName());
        return chosen;
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

    /** True when this start found the folder absent or empty; it is removed again if no checkpoint is saved. */
    public boolean isNew() {
        return isNew;
    }

    /** Writes {@code last} atomically. */
    public void saveLast(Checkpoint c) throws IOException {
        saveCheckpoint(last(), c);
    }

    /** Writes {@code best} atomically. */
    public void saveBest(Checkpoint c) throws IOException {
        saveCheckpoint(best(), c);
    }

    /** A resumed run's settings replace the saved ones only now that the run has got as far as a checkpoint. */
    private void saveCheckpoint(Path file, Checkpoint c) throws IOException {
        if (!configWritten) {
            writeConfig();
        }
        Checkpoints.write(file, c);
        checkpointed = true;
    }

    /**
     * Writes the periodic checkpoint of {@code epoch} and deletes older periodic ones beyond the newest
     * {@code keepLast} (0 keeps all).
     */
    public void saveEpoch(int epoch, Checkpoint c, int keepLast) throws IOException {
        saveCheckpoint(epoch(epoch), c);
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
