package io.github.medvp.tasks;

import io.github.medvp.tasks.inference.ModalityFill;
import io.github.medvp.tasks.segmentation.LabelSpec;
import io.github.medvp.SettingsException;
import io.github.medvp.nn.EncoderAxes;
import io.github.medvp.nn.EncoderPreset;
import ai.djl.ndarray.NDManager;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.ManifestValidator;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.manifest.Split;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.io.AtomicFiles;
import ai.djl.Device;
import io.github.medvp.train.Adam;
import io.github.medvp.train.DataParallel;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.ParamGroup;
import io.github.medvp.train.RunFolder;
import io.github.medvp.train.Settings;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import io.github.medvp.train.StepContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** What segmentation and classification fine-tuning share: studies, splits, the label fraction, model, optimiser. */
public final class FineTuning {

    /** The file in the run folder listing the training studies used (one id per line). */
    public static final String TRAINING_CASES = RunFolder.TRAINING_CASES;
    /** The manifest of the run's split (training after the fraction, validation, test). */
    public static final String SPLIT = RunFolder.SPLIT;

    private FineTuning() {
    }

    /**
     * Opens the run folder with the settings as its {@code config.json}, after the method, the task and the
     * modalities the run resolved; those and the settings' core ones must match to resume.
     *
     * @param s the settings
     * @param task {@code segmentation} or {@code classification}
     * @param modalities the channels the run trains on
     * @param extra task-specific entries resolved from the data (the class names), or null
     * @param progress where the effective batch (devices x batch x accumulation) is printed once the folder is open
     * @return the run folder, locked until closed ({@link RunFolder#close} also removes a new run that saved no
     *     checkpoint)
     * @throws IOException when it cannot be written
     */
    public static RunFolder open(FineTuneSettings s, String task, List<Modality> modalities, JsonObject extra,
            Progress progress) throws IOException {
        List<Device> devices = s.training().device().replicas();
        JsonObject c = new JsonObject();
        c.addProperty("method", TaskSpec.METHOD);
        c.addProperty("task", task);
        Settings.json(s).entrySet().forEach(e -> c.add(e.getKey(), e.getValue()));
        JsonArray m = new JsonArray();
        modalities.forEach(x -> m.add(x.token()));
        c.add("modalities", m);
        if (extra != null) {
            extra.entrySet().forEach(e -> c.add(e.getKey(), e.getValue()));
        }
        DataParallel.record(c, devices, s.batch(), s.accumulation());
        List<String> core = new ArrayList<>(List.of("method", "task", "modalities"));
        core.addAll(Settings.core(s));
        RunFolder run = RunFolder.open(s.training().output(), c, s.training().resume(), core);
        progress.log(DataParallel.describe(devices, s.batch(), s.accumulation(), "studies"));
        return run;
    }

    /**
     * The studies of a run: read and validated once, a validation split held out when the data has none (seeded),
     * then the seeded training fraction.
     */
    public static StudyManifest studies(FineTuneSettings s, Progress progress) throws IOException {
        ModalityNames names = ModalityNames.defaults().withAliases(s.aliases());
        StudyManifest m = StudyManifest.load(s.training().data(), names)
                .validated(new ManifestValidator(names, false), s.skipBad(), progress);
        if (m.validation().isEmpty()) {
            if (m.training().size() < 2) {
                throw new MedvpException("data " + m.source() + " has " + m.training().size() + " training studies "
                        + "and no validation split: at least 2 studies are needed");
            }
            StudyManifest held = new StudyManifest(Map.of(Split.TRAINING, m.training()), m.source())
                    .withRandomSplit(s.validationFraction(), 0, s.training().seed());
            if (held.validation().isEmpty() || held.training().isEmpty()) {
                held = new StudyManifest(Map.of(Split.TRAINING, m.training().subList(1, m.training().size()),
                        Split.VALIDATION, m.training().subList(0, 1)), m.source());
            }
            Map<Split, List<Study>> splits = new EnumMap<>(Split.class);
            splits.put(Split.TRAINING, held.training());
            splits.put(Split.VALIDATION, held.validation());
            splits.put(Split.TEST, m.test());
            m = new StudyManifest(splits, m.source());
            progress.log("no validation split in " + m.source() + ": " + m.validation().size()
                    + " training studies held out for validation (seed " + s.training().seed() + ")");
        }
        int before = m.training().size();
        m = m.withTrainingFraction(s.fraction(), s.training().seed());
        if (s.fraction() < 1) {
            progress.log("label fraction " + s.fraction() + ": training on " + m.training().size() + " of " + before
                    + " studies (seed " + s.training().seed() + ", listed in " + TRAINING_CASES + ")");
        }
        return m;
    }

    /** The modalities of the task: the setting, or those of the first training study. */
    public static List<Modality> modalities(FineTuneSettings s, StudyManifest m) {
        return !s.modalities().isEmpty() ? s.modalities() : m.training().get(0).modalities();
    }

    /**
     * Writes the split and the training case ids into the run folder, so the run's data is on record. A resumed run
     * keeps the record of the run it continues.
     */
    public static void record(RunFolder run, StudyManifest m) throws IOException {
        if (run.resuming() && Files.isRegularFile(run.dir().resolve(SPLIT))
                && Files.isRegularFile(run.dir().resolve(TRAINING_CASES))) {
            return;
        }
        m.writeJson(run.dir().resolve(SPLIT));
        String ids = m.training().stream().map(Study::id).collect(Collectors.joining("\n", "", "\n"));
        AtomicFiles.write(run.dir().resolve(TRAINING_CASES), ids.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The spec of a run's model, its encoder resolved: with {@code init}, the checkpoint's family, size and axis
     * order ({@link EncoderCheckpoint#describe}), an explicit {@code encoder} that differs being refused; without,
     * the setting's, or UniFormer-S (BrainMVP's reference) when none is given. A fresh encoder computes in the task's
     * (X, Y, Z) order.
     *
     * @param task segmentation or classification
     * @param s the settings (encoder, init, crop)
     * @param modalities the channels
     * @param labels segmentation outputs, null for classification
     * @param classes class names, empty for segmentation
     * @return the spec with the settings' HU window (no templates yet: {@link #model} adds the checkpoint's)
     * @throws IOException when the checkpoint cannot be read
     * @throws SettingsException when {@code encoder} contradicts the checkpoint
     */
    public static TaskSpec spec(TaskSpec.Task task, FineTuneSettings s, List<Modality> modalities, LabelSpec labels,
            List<String> classes) throws IOException {
        EncoderPreset encoder = s.encoder() == null ? EncoderPreset.Family.UNIFORMER.defaultPreset() : s.encoder();
        EncoderAxes axes = EncoderAxes.XYZ;
        if (s.init() != null) {
            EncoderCheckpoint.Description d = EncoderCheckpoint.describe(s.init(), s.encoderAxes());
            if (s.encoder() != null && s.encoder() != d.preset()) {
                throw SettingsException.of("encoder", s.encoder().key(), d.preset().key() + " (init " + d.file()
                        + " holds that encoder), or leave encoder and preset empty to take the checkpoint's");
            }
            encoder = d.preset();
            axes = d.axes();
        }
        return new TaskSpec(task, encoder, axes, modalities, labels, classes, s.crop(), null, s.huWindow());
    }

    /**
     * The model: created (with the checkpoint's template grid when templates are wanted and present and every input
     * modality has one; with a CT channel the templates are skipped, logged) and, with an
     * initial checkpoint, its encoder and templates loaded. A resumed run loads its own state afterwards.
     */
    public static TaskModel model(TaskSpec spec, FineTuneSettings s, NDManager manager, Progress progress)
            throws IOException {
        // The same seed gives the same head and first convolution, so runs that differ only in `init` differ only
        // in the encoder weights they start from.
        StepContext.seedInitialisation(s.training().seed());
        if (s.init() == null) {
            progress.log("encoder initialised from scratch (" + spec.encoder() + ")");
            return frozen(TaskModel.create(spec, manager), s, progress);
        }
        Path init = RunFolder.checkpointIn(s.init(), "init", false, progress);
        int[] grid = s.templates() ? EncoderInit.templateGrid(init) : null;
        if (grid != null && !spec.modalities().stream().allMatch(Modality::hasTemplate)) {
            // BrainMVP's templates are MRI (the eight modalities of its pre-training); a CT channel has none, and a
            // template of another modality would teach the model a contrast CT never shows.
            progress.log("template replacement skipped: " + spec.modalities().stream().filter(m -> !m.hasTemplate())
                    .map(Modality::token).collect(Collectors.joining(", ")) + " has no BrainMVP template (templates "
                    + "exist for " + Modality.TEMPLATED + "); the model is saved without templates");
            grid = null;
        }
        TaskModel model = TaskModel.create(spec.withTemplateGrid(grid), manager);
        EncoderInit.Report r = EncoderInit.apply(model, init, s.firstConv(), progress);
        progress.log("encoder initialised from " + init + " (" + r.copied() + " tensors, " + spec.encoder()
                + (spec.axes() == EncoderAxes.XYZ ? ")" : ", computing in MG-3D's " + spec.axes().key()
                        + " axis order)"));
        return frozen(model, s, progress);
    }

    /**
     * Measures the modality means over the run's training studies ({@link ModalityMeans}) and keeps them in the
     * model, so that its checkpoints carry what {@link ModalityFill#MEAN} fills with. Deterministic, so a resumed
     * run measures the same.
     */
    public static void measureMeans(TaskModel model, StudyManifest m, Progress progress) {
        ModalityMeans means = ModalityMeans.measure(m.training(), model.spec().modalities(),
                model.spec().intensity(), progress);
        model.setMeans(means);
        progress.log("modality means over the foreground of " + means.studies() + " training studies (the fill=mean "
                + "of missing modalities): " + means);
    }

    /** With {@code freeze_encoder}, the encoder tensors {@link #coveredByEncoderSettings} picks stop training. */
    private static TaskModel frozen(TaskModel model, FineTuneSettings s, Progress progress) {
        if (!s.freezeEncoder()) {
            return model;
        }
        String stem = model.encoder().getStemName();
        int n = model.freezeEncoder(name -> coveredByEncoderSettings(name, s.firstConv(), stem));
        String learner = model.spec().task() == TaskSpec.Task.SEGMENTATION ? "decoder" : "head";
        progress.log("encoder frozen (" + n + " tensors" + (s.init() == null ? ", at its random initialisation" : "")
                + "): only the " + learner + (s.firstConv() == EncoderInit.FirstConv.REINIT
                        ? " and the re-initialised first convolution learn" : " learns"));
        return model;
    }

    /**
     * The run's template replacement, or null: only when the model carries templates and the settings ask for it.
     * Logged, with a note when the paired consistency term, which compares encoder features, meets a wholly frozen
     * encoder and so trains nothing.
     */
    public static TemplateReplacement replacement(TaskModel model, FineTuneSettings s, Progress progress) {
        if (!model.hasTemplates() || !s.templates() || !(s.replaceProbability() > 0)) {
            return null;
        }
        progress.log(String.format(Locale.ROOT, "template replacement: p %.2f, %s %d modality(ies)%s, consistency "
                + "weight %.3g%s", s.replaceProbability(),
                s.replaceMode() == TemplateReplacement.Mode.UNIFORM ? "0 to" : "exactly", s.replaceCount(),
                s.augmentTemplates() ? " with the study's intensity augmentation" : "", s.consistencyWeight(),
                s.consistencyWeight() > 0 ? ", paired copies normalised " + (s.pairedNorm()
                        == TemplateReplacement.PairNorm.SEPARATE ? "separately" : "jointly") : ""));
        if (s.freezeEncoder() && s.consistencyWeight() > 0 && s.firstConv() == EncoderInit.FirstConv.INFLATE) {
            progress.log("note: the consistency term compares encoder features, which a frozen encoder fixes, so it "
                    + "trains nothing; the template-replaced inputs still train the "
                    + (model.spec().task() == TaskSpec.Task.SEGMENTATION ? "decoder" : "head"));
        }
        return new TemplateReplacement(s.replaceProbability(), s.replaceCount(), s.replaceMode(),
                s.augmentTemplates(), s.pairedNorm());
    }

    /**
     * The encoder tensors {@code encoder_lr} and {@code freeze_encoder} act on: all of them but a first convolution
     * re-initialised ({@code first_conv=reinit}), which carries nothing over and has to learn its 4-channel kernel.
     * The same tensors in both arms of a comparison, so a scratch arm freezes what a pre-trained one does.
     *
     * @param stem the encoder's {@link io.github.medvp.nn.VolumeEncoder#getStemName()}
     */
    static boolean coveredByEncoderSettings(String name, EncoderInit.FirstConv firstConv, String stem) {
        return name.startsWith(TaskModel.ENCODER)
                && (firstConv == EncoderInit.FirstConv.INFLATE || !name.contains(stem));
    }

    /**
     * Adam (coupled L2, the reference) or AdamW over the trainable parameters; with an initial checkpoint and
     * {@code encoder_lr} below 1, the copied encoder tensors (all but the first convolution unless it is inflated:
     * re-initialised when the channels differ, it needs to learn from scratch) train at that fraction of the rate.
     *
     * @param params the model's parameters
     * @param s the settings
     * @param stem the encoder's {@link io.github.medvp.nn.VolumeEncoder#getStemName()}
     * @return the optimiser
     */
    public static Adam optimiser(NamedParameters params, FineTuneSettings s, String stem) {
        Adam.Builder b = Adam.builder().setParameters(params).optMode(s.optimiser())
                .optWeightDecay(s.weightDecay());
        if (s.init() != null && s.encoderLr() != 1) {
            b.addGroup(new ParamGroup("pretrained_encoder", n -> coveredByEncoderSettings(n, s.firstConv(), stem),
                    s.encoderLr(), s.weightDecay()));
        }
        return b.build();
    }

    /** The run folder's path of a file, for summaries. */
    static Path file(FineTuneSettings s, String name) {
        return s.training().output().resolve(name);
    }
}
