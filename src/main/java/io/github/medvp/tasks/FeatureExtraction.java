package io.github.medvp.tasks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.MedvpException;
import io.github.medvp.SettingsException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.Sample;
import io.github.medvp.data.transform.HounsfieldWindow;
import io.github.medvp.data.transform.ModalityIntensity;
import io.github.medvp.engine.Engines;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.OutputFolder;
import io.github.medvp.io.Safetensors;
import io.github.medvp.io.Volume;
import io.github.medvp.nn.EncoderAxes;
import io.github.medvp.pretrain.mg3d.Mg3dCheckpoint;
import io.github.medvp.pretrain.mg3d.Mg3dConfig;
import io.github.medvp.train.Checkpoints;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.medvp.train.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import net.imglib2.img.array.ArrayImgs;

/**
 * Runs a pre-trained encoder (UniFormer or Swin) in eval mode on one volume and writes its multi-scale features.
 * <p>
 * The model is a MedVP pre-training checkpoint, a fine-tuned model or a reference state dict
 * ({@link EncoderCheckpoint}); a Swin runs in the axis order its weights expect ({@link TaskEncoder}), the input and
 * the features being (N, C, X, Y, Z) either way. The input is a
 * NIfTI file, (X, Y, Z) or (X, Y, Z, C) with C the encoder's input channels, or a safetensors file with one tensor
 * (or {@code x}) of shape (N, C, X, Y, Z). By default it is used as is: the caller prepares it as for training (RAS,
 * 1 mm, percentile scaling), because features of an unprepared volume are meaningless rather than wrong-looking, and
 * every spatial size must be divisible by 32 (four stride-2 stages); other sizes are refused rather than padded
 * silently. With {@code prepare}, a NIfTI input goes through {@link Pipelines#encoderInput} instead (the task
 * intensity rule by modality, {@link ModalityIntensity}: 5–95 percentile scaling for MRI, the HU window to [0, 1]
 * for CT; RAS, 1 mm, symmetric zero padding to multiples of 32), and the output geometry is that of the prepared
 * volume. The channels' modalities are those given ({@code modality}), else a fine-tuned model's (its header, when
 * its channel count matches), else MRI; the CT window is the one given ({@code hu_window}), else a fine-tuned model's,
 * else MG-3D's [−1000, 1000]. An MG-3D pre-training checkpoint instead applies its run's own preprocessing.
 * <p>
 * Output: safetensors with UniFormer's {@code x1..x4} (N, C_s, X/2^s, Y/2^s, Z/2^s) or a Swin's {@code x0..x4}
 * (N, C_s, X/2^(s+1), …), or only {@code x<stage>} when a stage is chosen; with one stage and an output ending in
 * {@code .nii}/{@code .nii.gz}, a 4D NIfTI (X', Y', Z', C_s) whose affine is the input's with each axis scaled by the
 * stage's factor f and the origin moved to the centre of the first f-block of input voxels (the voxels a feature
 * voxel summarises).
 */
public final class FeatureExtraction {

    private final Path model;
    private final Path input;
    private final Path output;
    private final int stage;
    private final String device;
    private final boolean prepare;
    private final List<Modality> modalities;
    private final double[] huWindow;
    private EncoderAxes axes;

    /**
     * {@link #FeatureExtraction(Path, Path, Path, int, String, boolean, List, double[])} with the modalities and
     * window of the model (a fine-tuned one's header), else MRI and MG-3D's window.
     *
     * @param model checkpoint
     * @param input NIfTI or safetensors volume
     * @param output {@code .safetensors}, or {@code .nii}/{@code .nii.gz} with one stage
     * @param stage 1..4, or 0 for all four
     * @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
     * @param prepare apply {@link Pipelines#encoderInput} to a NIfTI input first
     */
    public FeatureExtraction(Path model, Path input, Path output, int stage, String device, boolean prepare) {
        this(model, input, output, stage, device, prepare, List.of(), null);
    }

    /**
     * @param model checkpoint (see {@link EncoderCheckpoint}); for an MG-3D pre-training checkpoint {@code prepare}
     *     applies its run's preprocessing
     * @param input NIfTI or safetensors volume
     * @param output {@code .safetensors}, or {@code .nii}/{@code .nii.gz} with one stage
     * @param stage 1..4, or 0 for all four
     * @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
     * @param prepare apply {@link Pipelines#encoderInput} to a NIfTI input first
     * @param modalities with {@code prepare}: the input channels' modalities (one for all channels, or one per
     *     channel); empty for the fine-tuned model's, else MRI
     * @param huWindow with {@code prepare}: the HU window of CT channels, null for the fine-tuned model's, else
     *     [−1000, 1000]
     * @throws MedvpException on a bad stage or a NIfTI output without one stage
     */
    public FeatureExtraction(Path model, Path input, Path output, int stage, String device, boolean prepare,
            List<Modality> modalities, double[] huWindow) {
        if (stage < 0 || stage > 4) {
            throw SettingsException.of("stage", stage, "1 to 4 for one stage, or 0 for all four");
        }
        if (isNifti(output) && stage == 0) {
            throw new MedvpException("output " + output + ": a NIfTI file holds one stage; choose stage=1..4 or "
                    + "write .safetensors");
        }
        this.model = model;
        this.input = input;
        this.output = output;
        this.stage = stage;
        this.device = device;
        this.prepare = prepare;
        this.modalities = List.copyOf(modalities);
        this.huWindow = huWindow == null ? null : new ModalityIntensity(huWindow).window();
    }

    /**
     * @param axes the axis order of the model's weights where the checkpoint does not record it (a reference Swin's
     *     bare or {@code swinViT.} keys), null (default) for the checkpoint's: {@code zyx} for MG-3D weights saved
     *     without their {@code vision_encoder.} prefix
     * @return this
     */
    public FeatureExtraction encoderAxes(EncoderAxes axes) {
        this.axes = axes;
        return this;
    }

    /**
     * Extracts and writes the features.
     *
     * @param progress receives the stages; cancel is honoured between them
     * @return one line per written feature map: name and shape, then the file
     * @throws IOException when a file cannot be read or written
     * @throws MedvpException when the model or input does not fit
     */
    public String run(Progress progress) throws IOException {
        Engines.pytorch();
        Device dev = Engines.device(device);
        try (NDManager manager = NDManager.newBaseManager(dev)) {
            progress.update("features", 0, 3, "loading the model");
            Path checkpoint = RunFolder.checkpointIn(model, "model", false, progress);
            // An MG-3D checkpoint's run also fixes how prepare= preprocesses the input.
            Mg3dConfig mg3d = mg3dConfig(checkpoint);
            TaskEncoder encoder = EncoderCheckpoint.load(checkpoint, manager, axes);
            progress.checkCancelled();
            progress.update("features", 1, 3, "reading the input");
            Geometry[] geometry = new Geometry[1];
            NDArray x = readInput(manager, geometry, mg3d, fineTuned(checkpoint));
            checkShape(x.getShape(), encoder.block().getInChannels());
            progress.checkCancelled();
            progress.update("features", 2, 3, "encoding");
            NDList features = encoder.features(new ParameterStore(manager, false), x, false);
            Map<String, HostTensor> out = new LinkedHashMap<>();
            NDArray chosen = null;
            for (int i = 0; i < features.size(); i++) {
                String name = encoder.featureName(i);
                if (stage == 0 || name.equals("x" + stage)) {
                    out.put(name, HostArrays.toHost(features.get(i)));
                    chosen = features.get(i);
                }
            }
            try (OutputFolder folder = OutputFolder.create(output.toAbsolutePath().getParent())) {
                if (isNifti(output)) {
                    writeNifti(chosen, geometry[0], (int) (x.getShape().get(2) / chosen.getShape().get(2)));
                } else {
                    Safetensors.write(output, out, Map.of("model", checkpoint.toString(), "input", input.toString(),
                            "layout", "N,C,X,Y,Z"));
                }
                folder.keep();
            }
            progress.update("features", 3, 3, "written " + output);
            StringBuilder sb = new StringBuilder();
            out.forEach((k, v) -> sb.append(k).append(' ').append(Arrays.toString(v.shape())).append('\n'));
            return sb.append("written: ").append(output).append('\n').toString();
        }
    }

    /** The MG-3D configuration of a MedVP MG-3D checkpoint, null for any other model file. */
    private static Mg3dConfig mg3dConfig(Path checkpoint) {
        if (!Mg3dCheckpoint.isMg3dFile(checkpoint)) {
            return null;
        }
        JsonObject h = Checkpoints.read(checkpoint).header();
        return Mg3dConfig.fromJson(h.getAsJsonObject(Mg3dCheckpoint.CONFIG_KEY), checkpoint.toString());
    }

    /** The spec of a fine-tuned MedVP model, null for any other model file. */
    private static TaskSpec fineTuned(Path checkpoint) {
        JsonObject h;
        try {
            String meta = Safetensors.read(checkpoint).metadata().get(Checkpoints.METADATA_KEY);
            h = meta == null ? null : JsonParser.parseString(meta).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            return null; // reference weights (.pt) and other files carry no task header
        }
        return h != null && h.has("method") && TaskSpec.METHOD.equals(h.get("method").getAsString())
                ? TaskSpec.fromJson(h, checkpoint.toString()) : null;
    }

    /**
     * The intensity rule's view of the input's {@code c} channels: the given modalities, else the fine-tuned model's,
     * else MRI (T1 only names them; every MRI modality gets the same percentile rule).
     */
    private List<Modality> channelModalities(int c, TaskSpec spec) {
        if (modalities.isEmpty()) {
            return spec != null && spec.inChannels() == c ? spec.modalities() : Collections.nCopies(c, Modality.T1);
        }
        if (modalities.size() == 1) {
            return Collections.nCopies(c, modalities.get(0));
        }
        if (modalities.size() != c) {
            throw new MedvpException("input " + input + " has " + c + " channel(s) but " + modalities.size()
                    + " modalities were named " + modalities + "; name one for all channels or one per channel");
        }
        return modalities;
    }

    /** The input as (N, C, X, Y, Z) float32; {@code geometry[0]} receives the NIfTI affine (identity otherwise). */
    private NDArray readInput(NDManager manager, Geometry[] geometry, Mg3dConfig mg3d, TaskSpec spec)
            throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new MedvpException("input " + input + " does not exist");
        }
        if (!NiftiReader.isNiftiName(input.getFileName().toString())) {
            Map<String, HostTensor> tensors = Safetensors.read(input).tensors();
            HostTensor t = tensors.size() == 1 ? tensors.values().iterator().next() : tensors.get("x");
            if (prepare) {
                throw new MedvpException("input " + input + ": prepare works on NIfTI files, which carry the "
                        + "geometry it needs; prepare the tensor yourself or give a NIfTI file");
            }
            if (t == null || t.rank() != 5) {
                throw new MedvpException("input " + input + ": expected one tensor (or 'x') of shape (N, C, X, Y, Z)");
            }
            geometry[0] = Geometry.ofSpacing(1, 1, 1);
            return HostArrays.toNDArray(manager, t).toType(DataType.FLOAT32, false);
        }
        Volume v = NiftiReader.read(input);
        long[] d = v.dimensions();
        if (d.length < 3 || d.length > 4) {
            throw new MedvpException("input " + input + ": expected a 3D or 4D (X, Y, Z, C) volume, got "
                    + d.length + "D");
        }
        int c = d.length == 4 ? (int) d[3] : 1;
        float[] values = v.toFloatImg().update(null).getCurrentStorageArray();
        int[] shape = {(int) d[0], (int) d[1], (int) d[2]};
        geometry[0] = v.geometry();
        if (prepare) {
            int n = shape[0] * shape[1] * shape[2];
            float[][] channels = new float[c][];
            for (int i = 0; i < c; i++) {
                channels[i] = Arrays.copyOfRange(values, i * n, (i + 1) * n);
            }
            // MG-3D gets its run's preprocessing; other models the task rule, by the channels' modalities.
            double[] window = huWindow != null ? huWindow : spec != null ? spec.huWindow() : HounsfieldWindow.DEFAULT;
            Sample s = mg3d != null
                    ? mg3d.pipeline().apply(Sample.of(shape, channels, List.of(), null, v.geometry()),
                            new SplittableRandom(0))
                    : Pipelines.encoderInput(Sample.of(shape, channels, channelModalities(c, spec), null,
                            v.geometry()), new ModalityIntensity(window), 32);
            shape = s.shape();
            geometry[0] = s.geometry();
            values = new float[c * s.voxels()];
            for (int i = 0; i < c; i++) {
                System.arraycopy(s.image()[i], 0, values, i * s.voxels(), s.voxels());
            }
        }
        // X fastest per channel: (C, Z, Y, X) in C order, turned into (1, C, X, Y, Z).
        return HostArrays.copyOf(manager, values, new Shape(c, shape[2], shape[1], shape[0])).transpose(0, 3, 2, 1)
                .expandDims(0);
    }

    private void checkShape(Shape s, int channels) {
        if (s.get(1) != channels) {
            throw new MedvpException("input " + input + " has " + s.get(1) + " channels, the model takes "
                    + channels);
        }
        for (int a = 2; a < 5; a++) {
            if (s.get(a) % 32 != 0) {
                throw new MedvpException(String.format(Locale.ROOT, "input %s: spatial size %dx%dx%d is not "
                        + "divisible by 32 in every axis; crop or pad it first", input, s.get(2), s.get(3),
                        s.get(4)));
            }
        }
    }

    private void writeNifti(NDArray feature, Geometry in, int factor) throws IOException {
        Shape s = feature.getShape();
        if (s.get(0) != 1) {
            throw new MedvpException("output " + output + ": NIfTI holds one volume, the input has a batch of "
                    + s.get(0) + "; write .safetensors");
        }
        float[] values = feature.get(0).transpose(0, 3, 2, 1).toFloatArray();
        NiftiWriter.write(new Volume(ArrayImgs.floats(values, s.get(2), s.get(3), s.get(4), s.get(1)),
                scaled(in, factor)), output);
    }

    /**
     * The geometry of a grid {@code factor} times coarser: axes scaled by {@code factor}, voxel 0 at the centre of
     * input voxels 0..factor-1.
     *
     * @param in the input geometry
     * @param factor the downsampling factor
     * @return the coarse geometry
     */
    public static Geometry scaled(Geometry in, int factor) {
        double[][] a = in.affine();
        double[] origin = in.toWorld((factor - 1) / 2.0, (factor - 1) / 2.0, (factor - 1) / 2.0);
        double[][] out = new double[3][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                out[r][c] = a[r][c] * factor;
            }
            out[r][3] = origin[r];
        }
        return new Geometry(out);
    }

    private static boolean isNifti(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".nii") || n.endsWith(".nii.gz");
    }
}
