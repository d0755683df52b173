package io.github.medvp.tasks.segmentation;

import io.github.medvp.tasks.FineTuneLosses;
import io.github.medvp.tasks.inference.InferenceGeometry;
import io.github.medvp.tasks.inference.MissingModalities;
import io.github.medvp.tasks.inference.SlidingWindow;
import io.github.medvp.tasks.TaskModel;
import io.github.medvp.tasks.TaskSpec;
import io.github.medvp.nn.EncoderAxes;
import io.github.medvp.nn.EncoderPreset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.Progress;
import io.github.medvp.data.transform.LoadStudy;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.engine.Engines;
import io.github.medvp.engine.Scalars;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import io.github.medvp.train.Adam;
import io.github.medvp.train.MemoryProbe;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.StepBenchmark;
import net.imglib2.img.array.ArrayImgs;

/**
 * Measures segmentation inference on a whole BraTS-sized study and the fine-tuning step, with random weights (speed
 * and memory do not depend on them):
 * <ul>
 * <li><b>inference</b>: four 240×240×155 int16 NIfTI files (LPS-stored like BraTS, a synthetic head) through the
 * whole path a user's study takes — read ({@link LoadStudy}), prepare ({@link InferenceGeometry}: 5–95 percentile
 * scaling, RAS, 1 mm, optionally the foreground crop; without it all 48 windows of the full grid run: the memory
 * worst case), sliding window
 * (96³, overlap 0.5, constant blending, {@code windows} per forward), label map, restore to the input's grid and
 * write NIfTI — timed per stage, with the peak Java heap, the peak resident memory (libtorch's CPU tensors are native)
 * and the GPU memory on a GPU. Run it under {@code -Xmx4g} to check the bound (the heap limit is printed);</li>
 * <li><b>fine-tuning step</b>: forward, backward and Adam update of the {@link TaskModel} (UniFormer + UNETR decoder
 * with deep supervision, 4 → 3 BraTS regions) on {@code batch} random 96³ crops ({@link StepBenchmark}), with the
 * reference's loss (0.7 soft Dice + 0.3 BCE per head, three heads).</li>
 * </ul>
 */
public final class SegmentationBenchmark {

    private static final List<Modality> MODALITIES = List.of(Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2);
    private static final int[] BRATS = { 240, 240, 155 };
    private static final int WINDOW = 96;

    private SegmentationBenchmark() {
    }

    /**
     * Runs both measurements.
     *
     * @param encoder the encoder (its segmentation decoder follows: UNETR for UniFormer, SwinUNETR for Swin)
     * @param windows windows per forward in the sliding window
     * @param batch crops per fine-tuning step
     * @param steps timed fine-tuning steps (one untimed first); 0 skips the step
     * @param device where the network runs
     * @param crop whether to crop the foreground first (margin 1, the reference's test transform: 12 windows for
     *     the synthetic head), or run all 48 windows of the full grid (the memory worst case)
     * @param scratch folder for the study files and the output
     * @param progress window progress; cancel is honoured
     * @return three lines: inference, fine-tuning step, and fine-tuning step with the encoder frozen
     * @throws IOException when the scratch files cannot be written
     */
    public static String run(EncoderPreset encoder, int windows, int batch, int steps, Device device, boolean crop,
            Path scratch, Progress progress) throws IOException {
        return run(encoder, windows, batch, steps, List.of(device), crop, scratch, progress, BRATS, WINDOW);
    }

    /**
     * As {@link #run(EncoderPreset, int, int, int, Device, boolean, Path, Progress)} with the fine-tuning steps on
     * one replica per device, each of {@code batch} crops (a data-parallel step; inference runs on the first device):
     * the step lines then also give the throughput per device and in total.
     *
     * @param devices one per replica; the first holds the parameters and runs the inference
     */
    public static String run(EncoderPreset encoder, int windows, int batch, int steps, List<Device> devices,
            boolean crop, Path scratch, Progress progress) throws IOException {
        return run(encoder, windows, batch, steps, devices, crop, scratch, progress, BRATS, WINDOW);
    }

    /** {@link #run(EncoderPreset, int, int, int, List, boolean, Path, Progress)} on other sizes (tests). */
    static String run(EncoderPreset encoder, int windows, int batch, int steps, List<Device> devices, boolean crop,
            Path scratch, Progress progress, int[] dims, int window) throws IOException {
        Device device = devices.get(0);
        TaskSpec spec = new TaskSpec(TaskSpec.Task.SEGMENTATION, encoder, EncoderAxes.XYZ, MODALITIES,
                LabelSpec.brats(), List.of(), window, null);
        Engines.pytorch();
        Study study = writeStudy(Files.createDirectories(scratch.resolve("study")), dims);
        StringBuilder report = new StringBuilder();
        try (NDManager m = NDManager.newBaseManager(device)) {
            TaskModel model = TaskModel.create(spec, m);
            report.append(inference(model, m, study, dims, windows, crop, device, scratch, progress)).append('\n');
            if (steps > 0) {
                report.append(step(model, batch, steps, m, devices, "")).append('\n');
                // freeze_encoder: no encoder backward, no encoder Adam state; last, as it changes the model.
                model.freezeEncoder(name -> true);
                report.append(step(model, batch, steps, m, devices, ", encoder frozen")).append('\n');
            }
        }
        return report.toString();
    }

    /** One study through the whole inference path, timed per stage. */
    private static String inference(TaskModel model, NDManager m, Study study, int[] dims, int windows, boolean crop,
            Device device, Path scratch, Progress progress) throws IOException {
        int w = model.spec().crop();
        SlidingWindow sw = SlidingWindow.builder().setPredictor(model.predictor(new ParameterStore(m, false)))
                .optWindow(w, w, w).optBatch(windows).build();
        System.gc();
        MemoryProbe.resetPeaks();
        long t0 = System.nanoTime();
        Sample loaded = new LoadStudy(false).apply(Sample.of(study), new SplittableRandom(0));
        long t1 = System.nanoTime();
        InferenceGeometry g = InferenceGeometry.prepare(loaded, InferenceGeometry.ONE_MM,
                Pipelines.taskIntensity(), crop ? InferenceGeometry.REFERENCE_MARGIN : -1, null);
        Sample ready = MissingModalities.complete(g.prepared(), model.spec().modalities(), model.filling(null))
                .sample();
        long t2 = System.nanoTime();
        float[][] logits;
        try (NDManager windowsManager = NDManager.newBaseManager(device)) {
            logits = sw.run(windowsManager, ready, progress);
        }
        long t3 = System.nanoTime();
        g.writeLabels(model.spec().labels().labelMap(logits), scratch.resolve("labels.nii.gz"));
        long t4 = System.nanoTime();
        int count = sw.grid(ready.shape()).count();
        return String.format(Locale.ROOT, "segment %s 4x%dx%dx%d %s on %s: %.1f s per study (read %.1f, "
                + "prepare %.1f, %d windows of %d³ by %d %.1f = %.2f s/window, label map + restore + write %.1f); peak heap "
                + "%.1f MiB; %s",
                model.spec().encoder(), dims[0], dims[1], dims[2], crop ? "foreground-cropped to "
                        + Arrays.toString(ready.shape()) : "full grid", device, (t4 - t0) / 1e9, (t1 - t0) / 1e9,
                (t2 - t1) / 1e9, count, w, windows, (t3 - t2) / 1e9, (t3 - t2) / 1e9 / count, (t4 - t3) / 1e9,
                MemoryProbe.peakHeap() / 1048576.0, MemoryProbe.sample(device).report());
    }

    /**
     * Fine-tuning steps on random crops: forward (with deep supervision for UNETR), the reference's loss, backward,
     * Adam.
     */
    private static String step(TaskModel model, int batch, int steps, NDManager m, List<Device> devices,
            String variant) {
        MemoryProbe.resetPeaks();
        int w = model.spec().crop();
        List<NDArray> xs = new ArrayList<>();
        List<NDArray> ys = new ArrayList<>();
        for (Device d : devices) {
            xs.add(m.randomUniform(0f, 1f, new Shape(batch, MODALITIES.size(), w, w, w), DataType.FLOAT32, d));
            ys.add(Scalars.gt(m.randomUniform(0f, 1f, new Shape(batch, 3, w, w, w), DataType.FLOAT32, d), 0.9f)
                    .toType(DataType.FLOAT32, false));
        }
        NamedParameters params = model.parameters();
        StepBenchmark.Result r = StepBenchmark.run(m, params,
                () -> Adam.builder().setParameters(params).optWeightDecay(1e-4).build(), 3e-4, devices,
                (s, replica, rm) -> loss(model.forward(new ParameterStore(rm, false), xs.get(replica), true).logits(),
                        ys.get(replica)), 1, steps, batch, null);
        return String.format(Locale.ROOT, "finetune step %s B=%d %d³ 4->3%s%s on %s: %s%s; %s; %s",
                model.spec().encoder(), batch, w, model.trainingOutputs() > 1 ? " with deep supervision" : "",
                variant, devices.size() == 1 ? devices.get(0) : devices, r.timing("Adam", "", "crops"),
                r.perDevice(devices, "crops"), r.peakHeap(), r.memory().report());
    }

    /** The reference's segmentation loss summed over heads with weights 1 ({@link FineTuneLosses}). */
    static NDArray loss(NDList heads, NDArray y) {
        double[] ones = new double[heads.size()];
        java.util.Arrays.fill(ones, 1);
        return FineTuneLosses.deepSupervision(heads, y, false, ones);
    }

    /** Four int16 LPS files of a synthetic head (an ellipsoid of tissue with a brighter lesion). */
    private static Study writeStudy(Path dir, int[] dims) throws IOException {
        int nx = dims[0], ny = dims[1], nz = dims[2];
        Geometry lps = new Geometry(new double[][] { { -1, 0, 0, 0 }, { 0, -1, 0, ny - 1 }, { 0, 0, 1, 0 } });
        SplittableRandom rng = new SplittableRandom(7);
        for (Modality mod : MODALITIES) {
            short[] v = new short[nx * ny * nz];
            for (int z = 0, i = 0; z < nz; z++) {
                for (int y = 0; y < ny; y++) {
                    for (int x = 0; x < nx; x++, i++) {
                        double e = sq((x - nx / 2.0) / (0.3 * nx)) + sq((y - ny / 2.0) / (0.35 * ny))
                                + sq((z - nz / 2.0) / (0.42 * nz));
                        double lesion = sq((x - 0.58 * nx) / 15.0) + sq((y - 0.42 * ny) / 15.0)
                                + sq((z - nz / 2.0) / 15.0);
                        if (e < 1) {
                            v[i] = (short) (400 + 40 * mod.ordinal() + (lesion < 1 ? 300 : 0) + rng.nextInt(60));
                        }
                    }
                }
            }
            NiftiWriter.write(new Volume(ArrayImgs.shorts(v, nx, ny, nz), lps), dir.resolve("bench_" + mod.token()
                    + ".nii"));
        }
        return StudyManifest.discover(dir, ModalityNames.defaults()).all().get(0);
    }

    private static double sq(double v) {
        return v * v;
    }
}
