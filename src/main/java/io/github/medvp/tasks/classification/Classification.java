package io.github.medvp.tasks.classification;

import io.github.medvp.tasks.inference.InferenceGeometry;
import io.github.medvp.tasks.inference.InferenceInputs;
import io.github.medvp.tasks.inference.MissingModalities;
import io.github.medvp.tasks.inference.ModalityFill;
import io.github.medvp.tasks.TaskModel;
import io.github.medvp.tasks.TaskSpec;
import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.transform.CenterCrop;
import io.github.medvp.data.transform.Compose;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.transform.PadTo;
import io.github.medvp.data.Sample;
import io.github.medvp.engine.Engines;
import io.github.medvp.train.RunFolder;
import io.github.medvp.io.AtomicFiles;
import io.github.medvp.io.OutputFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Study classification with a fine-tuned model: each study prepared as in validation (the intensity rule recorded
 * in the model, {@link TaskSpec#intensity()}: percentile scaling for MRI, the HU window for CT; RAS, 1 mm,
 * foreground crop, centre crop and padding to the training crop), missing modalities filled with the model's
 * templates when it has them, softmax probabilities of the pooled linear head. {@link #run} writes a CSV
 * {@code case,class,p_<name>...,filled}.
 */
public final class Classification implements AutoCloseable {

    private final TaskModel model;
    private final NDManager manager;
    private final MissingModalities.Filling filling;

    /**
     * Loads a model.
     *
     * @param settings the model, device and fill
     * @throws MedvpException when the file is not a classification model
     */
    public Classification(ClassifySettings settings) {
        this(settings, Progress.NONE);
    }

    /**
     * Loads a model; a run folder given as the model gives its best checkpoint ({@link RunFolder#checkpointIn}).
     *
     * @param settings the model, device and fill
     * @param progress receives which checkpoint of a run folder was taken
     * @throws MedvpException when the file is not a classification model
     */
    public Classification(ClassifySettings settings, Progress progress) {
        Path model = RunFolder.checkpointIn(settings.model(), "model", true, progress);
        Engines.pytorch();
        Device dev = settings.device().primary();
        manager = NDManager.newBaseManager(dev);
        try {
            this.model = TaskModel.load(model, manager);
            if (this.model.spec().task() != TaskSpec.Task.CLASSIFICATION) {
                throw new MedvpException("model " + model + " is a segmentation model; use segment, or give a "
                        + "classification model");
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        filling = this.model.filling(settings.fill());
    }

    /** @return the model */
    public TaskModel model() {
        return model;
    }

    /**
     * One study's classification.
     *
     * @param id the study
     * @param predicted the most probable class index
     * @param className its name
     * @param probabilities per class
     * @param fill which missing modalities were filled how
     */
    public record Prediction(String id, int predicted, String className, double[] probabilities,
            MissingModalities.Filled fill) {
    }

    /**
     * One loaded study made into the model's input, as the training's validation prepared its studies
     * ({@link io.github.medvp.data.Pipelines#classificationEvaluation} with the model's intensity rule, from its
     * header): intensity rule, RAS, 1 mm, foreground crop, missing modalities filled, centre crop and padding.
     *
     * @param loaded the study on its original grid (not used afterwards)
     * @return the input sample and which modalities were filled how
     */
    public MissingModalities.Result prepare(Sample loaded) {
        InferenceGeometry geo = InferenceGeometry.prepare(loaded, InferenceGeometry.ONE_MM,
                model.spec().intensity(), InferenceGeometry.REFERENCE_MARGIN, null);
        MissingModalities.Result done = MissingModalities.complete(geo.prepared(), model.spec().modalities(),
                filling);
        int c = model.spec().crop();
        Sample s = Compose.of(new CenterCrop(c, c, c), new PadTo(c, c, c)).apply(done.sample(),
                new SplittableRandom(0));
        return new MissingModalities.Result(s, done.how());
    }

    /**
     * Classifies one loaded study.
     *
     * @param loaded the study on its original grid (not used afterwards)
     * @return the prediction
     */
    public Prediction predict(Sample loaded) {
        MissingModalities.Result done = prepare(loaded);
        double[] p = ClassificationFineTuning.probabilities(model, done.sample(), manager);
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return new Prediction(loaded.id(), best, model.spec().classes().get(best), p, done.how());
    }

    /**
     * Classifies every study of an input and writes the CSV.
     *
     * @param input a NIfTI file, a folder of studies or a manifest
     * @param modalities the channels of a single file, empty to infer them
     * @param aliases extra modality names
     * @param csv the CSV to write
     * @param progress per study progress and cancel
     * @return the predictions
     * @throws IOException when a file cannot be read or written
     */
    public List<Prediction> run(Path input, List<Modality> modalities, String aliases, Path csv, Progress progress)
            throws IOException {
        List<InferenceInputs.Item> items = InferenceInputs.list(input, modalities, aliases, model.spec());
        List<Prediction> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder("case,class");
        model.spec().classes().forEach(n -> sb.append(",p_").append(n));
        sb.append(",filled,fill\n");
        for (int i = 0; i < items.size(); i++) {
            progress.checkCancelled();
            progress.update("classify", i, items.size(), items.get(i).id());
            Prediction p = predict(items.get(i).load());
            out.add(p);
            sb.append(p.id()).append(',').append(p.className());
            for (double v : p.probabilities()) {
                sb.append(',').append(String.format(Locale.ROOT, "%.6f", v));
            }
            MissingModalities.Filled f = p.fill();
            sb.append(',').append(String.join(" ", f.names())).append(',')
                    .append(f.fill() == null ? "" : f.fill().token()).append('\n');
            progress.log(p.id() + ": " + p.className() + (f.modalities().isEmpty() ? "" : " (" + f.describe() + ")"));
        }
        try (OutputFolder folder = OutputFolder.create(csv.toAbsolutePath().getParent())) {
            AtomicFiles.write(csv, sb.toString().getBytes(StandardCharsets.UTF_8));
            folder.keep();
        }
        progress.update("classify", items.size(), items.size(), "written " + csv);
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
