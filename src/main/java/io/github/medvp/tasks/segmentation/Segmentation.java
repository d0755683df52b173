package io.github.medvp.tasks.segmentation;

import io.github.medvp.tasks.inference.Blending;
import io.github.medvp.tasks.inference.InferenceGeometry;
import io.github.medvp.tasks.inference.InferenceInputs;
import io.github.medvp.tasks.inference.MissingModalities;
import io.github.medvp.tasks.inference.ModalityFill;
import io.github.medvp.tasks.inference.SlidingWindow;
import io.github.medvp.tasks.TaskModel;
import io.github.medvp.tasks.TaskSpec;
import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import io.github.medvp.engine.Engines;
import io.github.medvp.train.RunFolder;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.OutputFolder;
import io.github.medvp.io.Resample;
import io.github.medvp.io.Volume;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whole-study segmentation with a fine-tuned model ({@link TaskModel}): each study is prepared as in training
 * ({@link InferenceGeometry}: percentile scaling, RAS, 1 mm, foreground crop), completed with the model's templates,
 * its training means or zeros when it lacks some of the model's modalities ({@link MissingModalities},
 * {@link ModalityFill}; the result says which were filled how),
 * predicted by {@link SlidingWindow} (the training crop as window), turned into a label map with the input data's
 * label values ({@link LabelSpec#labelMap}: BraTS regions painted WT → TC → ET, remapped labels mapped back), and
 * restored to the study's original grid and orientation. Optionally the probability maps (sigmoid or softmax, one
 * channel per output) are restored and written too.
 * <p>
 * Inputs ({@link #run}): a NIfTI file (a 4D file with the model's channels, or a 3D file of the modality its name
 * says), a folder of studies, or a manifest; or an in-memory volume ({@link #predict}). Outputs
 * {@code <id>_seg.nii.gz} and {@code <id>_prob.nii.gz} in the output folder.
 */
public final class Segmentation implements AutoCloseable {

    private final TaskModel model;
    private final NDManager manager;
    private final SlidingWindow window;
    private final MissingModalities.Filling filling;
    private final boolean probabilities;

    /**
     * Loads a model.
     *
     * @param settings the model, device, sliding-window settings and fill
     * @throws MedvpException when the file is not a segmentation model
     */
    public Segmentation(SegmentSettings settings) {
        this(settings, Progress.NONE);
    }

    /**
     * Loads a model; a run folder given as the model gives its best checkpoint ({@link RunFolder#checkpointIn}).
     *
     * @param settings the model, device, sliding-window settings and fill
     * @param progress receives which checkpoint of a run folder was taken
     * @throws MedvpException when the file is not a segmentation model
     */
    public Segmentation(SegmentSettings settings, Progress progress) {
        Path model = RunFolder.checkpointIn(settings.model(), "model", true, progress);
        Engines.pytorch();
        Device dev = settings.device().primary();
        this.manager = NDManager.newBaseManager(dev);
        try {
            this.model = TaskModel.load(model, manager);
            if (this.model.spec().task() != TaskSpec.Task.SEGMENTATION) {
                throw new MedvpException("model " + model + " is a " + this.model.spec().task().name()
                        .toLowerCase(Locale.ROOT) + " model; use classify, or give a segmentation model");
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        this.window = SlidingWindow.builder().setPredictor(this.model.predictor(new ParameterStore(manager, false)))
                .optWindow(this.model.spec().crop()).optOverlap(settings.overlap()).optBlending(settings.blending())
                .optBatch(settings.windowBatch()).build();
        this.filling = this.model.filling(settings.fill());
        this.probabilities = settings.probabilities();
    }

    /** @return the model */
    public TaskModel model() {
        return model;
    }

    /**
     * The prediction for one study, on its original grid.
     *
     * @param id the study id
     * @param labels the label map volume (original affine, 8 or 16 bit)
     * @param probabilities (X, Y, Z, K) float volume, or null when not requested
     * @param fill which missing modalities were filled how
     * @param labelCounts voxels per label value 0..max in the output
     */
    public record Prediction(String id, Volume labels, Volume probabilities, MissingModalities.Filled fill,
            long[] labelCounts) {

        /** @return the modalities that were filled */
        public List<Modality> filled() {
            return fill.modalities();
        }

        /** @return one line for the user */
        public String summary() {
            StringBuilder sb = new StringBuilder(id).append(": labels");
            for (int v = 1; v < labelCounts.length; v++) {
                if (labelCounts[v] > 0) {
                    sb.append(' ').append(v).append('=').append(labelCounts[v]);
                }
            }
            if (labelCounts.length <= 1 || java.util.Arrays.stream(labelCounts, 1, labelCounts.length).sum() == 0) {
                sb.append(" none");
            }
            if (!fill.modalities().isEmpty()) {
                sb.append("; ").append(fill.describe());
            }
            return sb.toString();
        }
    }

    /**
     * Predicts one loaded study.
     *
     * @param loaded the study on its original grid, channels with their modalities (any subset of the model's,
     *     filled as the model's {@link ModalityFill} says); not used afterwards
     * @param header the original NIfTI header, or null
     * @param progress window progress and cancel
     * @return the prediction
     */
    public Prediction predict(Sample loaded, io.github.medvp.io.NiftiHeader header, Progress progress) {
        InferenceGeometry geo = InferenceGeometry.prepare(loaded, InferenceGeometry.ONE_MM,
                model.spec().intensity(), InferenceGeometry.REFERENCE_MARGIN, header);
        MissingModalities.Result done = MissingModalities.complete(geo.prepared(), model.spec().modalities(),
                filling);
        geo = geo.withPrepared(done.sample());
        float[][] logits = window.run(manager, done.sample(), progress);
        LabelSpec spec = model.spec().labels();
        int[] labels = geo.restoreLabels(spec.labelMap(logits));
        Volume probs = probabilities ? geo.probabilityVolume(geo.restore(Postprocess.probabilities(logits,
                spec.exclusive()), Resample.Interpolation.LINEAR)) : null;
        int max = 0;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        long[] counts = new long[max + 1];
        for (int l : labels) {
            if (l >= 0) {
                counts[l]++;
            }
        }
        return new Prediction(loaded.id(), geo.labelVolume(labels), probs, done.how(), counts);
    }

    /**
     * Predicts an in-memory volume (e.g. an image open in Fiji).
     *
     * @param v the volume (X, Y, Z[, C]) with its geometry
     * @param modalities its channels' modalities; empty for the model's when the channel count matches
     * @param id a name for messages
     * @param progress window progress and cancel
     * @return the prediction on the volume's grid
     */
    public Prediction predict(Volume v, List<Modality> modalities, String id, Progress progress) {
        long[] d = v.dimensions();
        int channels = d.length > 3 ? Math.toIntExact(d[3]) : 1;
        List<Modality> mods = InferenceInputs.channelModalities(channels, modalities, null, model.spec(),
                "image " + id);
        Prediction p = predict(InferenceGeometry.sample(v, mods), v.header(), progress);
        return new Prediction(id, p.labels(), p.probabilities(), p.fill(), p.labelCounts());
    }

    /**
     * Segments every study of an input and writes the label maps (and probabilities).
     *
     * @param input a NIfTI file, a folder of studies or a manifest .json
     * @param modalities the modalities of a single input file's channels, empty to infer them (a 4D file with the
     *     model's channel count: the model's; a 3D file: its name's token)
     * @param aliases extra modality names
     * @param output the output folder
     * @param progress per study progress and cancel
     * @return one prediction per study (volumes dropped after writing to bound memory: labels and probabilities
     *     null) and the written files
     * @throws IOException when a file cannot be read or written
     */
    public List<Prediction> run(Path input, List<Modality> modalities, String aliases, Path output,
            Progress progress) throws IOException {
        List<InferenceInputs.Item> items = InferenceInputs.list(input, modalities, aliases, model.spec());
        List<Prediction> out = new ArrayList<>();
        // Removed again if the first study fails: a folder with no prediction in it is no result.
        try (OutputFolder folder = OutputFolder.create(output)) {
            for (int i = 0; i < items.size(); i++) {
                progress.checkCancelled();
                InferenceInputs.Item item = items.get(i);
                progress.update("segment", i, items.size(), item.id());
                Prediction p = predict(item.load(), item.header(), progress);
                NiftiWriter.write(p.labels(), output.resolve(item.id() + "_seg.nii.gz"));
                if (p.probabilities() != null) {
                    NiftiWriter.write(p.probabilities(), output.resolve(item.id() + "_prob.nii.gz"));
                }
                folder.keep();
                progress.log(p.summary());
                out.add(new Prediction(p.id(), null, null, p.fill(), p.labelCounts()));
            }
            folder.keep();
        }
        progress.update("segment", items.size(), items.size(), "written to " + output);
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
