package io.github.medvp.pretrain.brainmvp;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.engine.Engines;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.Safetensors;
import io.github.medvp.io.TensorFiles;
import io.github.medvp.nn.StateDictImport;
import io.github.medvp.train.Checkpoint;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.imglib2.img.array.ArrayImgs;

/**
 * Exports {@link ModalityTemplates} as NIfTI for fine-tuning (as {@code main} of the reference's
 * {@code Downstream/train_script.py} exports {@code rep_template}): one file per modality,
 * {@code template_<modality>.nii.gz}, and the 4D stack {@code templates.nii.gz} (X, Y, Z, M) in template order.
 * <p>
 * Values are min-max normalised to [0, 1] exactly as the pre-training step used them; the reference exports raw
 * values, which do not match the scaled images they are later mixed with. The geometry is RAS at 1 mm; by default
 * ({@link #canvas(int[])}) it is the grid of an SRI24 (BraTS) volume after reorientation to RAS, the canvas the
 * reference assumes when it centres each study in the template.
 */
public final class TemplateNifti {

    /** File name of the 4D stack. */
    public static final String STACK = "templates.nii.gz";

    private TemplateNifti() {
    }

    /**
     * The assumed template canvas: RAS, 1 mm, voxel (i, j, k) at world (i − (GX − 1), j, k) mm. This is where an
     * SRI24 volume as distributed with BraTS (LPS-stored, affine diag(−1, −1, 1) with origin (0, GY − 1, 0)) puts
     * its voxels once reoriented to RAS, which is the frame in which the reference's {@code rep_start} is defined.
     *
     * @param grid (GX, GY, GZ)
     * @return the geometry
     */
    public static Geometry canvas(int[] grid) {
        return new Geometry(new double[][] {{1, 0, 0, -(grid[0] - 1)}, {0, 1, 0, 0}, {0, 0, 1, 0}});
    }

    /**
     * @param modality a modality
     * @return the file name of its template
     */
    public static String fileName(Modality modality) {
        return "template_" + modality.token() + ".nii.gz";
    }

    /**
     * Exports the templates of a checkpoint: a MedVP pre-training checkpoint ({@code last.safetensors} or
     * {@code best.safetensors} of a run, tensor {@code model.rep_template}) or a reference BrainMVP checkpoint
     * ({@code .pt} or safetensors with {@code rep_template}, possibly under {@code state_dict} and with DDP prefixes).
     * Rows are taken as the first M modalities in template order: all 8 (MedVP's default), or flair, t1, t1c, t2 for
     * 4 rows (the reference's default {@code --template_index}).
     *
     * @param checkpoint the checkpoint file
     * @param dir output folder (created if needed)
     * @return the files written, per modality then the stack
     * @throws IOException when a file cannot be read or written
     * @throws MedvpException when the checkpoint holds no (M, X, Y, Z) {@code rep_template}
     */
    public static List<Path> export(Path checkpoint, Path dir) throws IOException {
        HostTensor rep = readRaw(checkpoint);
        long[] shape = rep.shape();
        List<Modality> rows = rows(checkpoint, shape[0]);
        ModalityTemplates templates = ModalityTemplates.builder().optModalities(rows)
                .optGrid((int) shape[1], (int) shape[2], (int) shape[3]).build();
        Engines.pytorch();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            int[] g = templates.getGrid();
            templates.initialize(manager, DataType.FLOAT32, new Shape(1), new Shape(1, 3), new Shape(1, 1, g[0],
                    g[1], g[2]));
            HostArrays.copyInto(templates.getTemplates().getArray(), rep, "rep_template");
            return write(templates, dir);
        }
    }

    /**
     * The modality of each template row for a stack of {@code m} rows: the first {@code m} modalities in template
     * order, i.e. all 8 (MedVP's default) or flair, t1, t1c, t2 for 4 rows (the reference's default
     * {@code --template_index}).
     *
     * @param source the file the rows come from, for the message
     * @param m number of rows
     * @return the modalities
     * @throws MedvpException for another row count
     */
    public static List<Modality> rows(Path source, long m) {
        if (m != Modality.TEMPLATED.size() && m != 4) {
            throw new MedvpException(source + " holds " + m + " templates, expected 8 (all modalities) or 4 (flair, "
                    + "t1, t1c, t2)");
        }
        return Modality.TEMPLATED.subList(0, (int) m);
    }

    /**
     * The raw (un-normalised) {@code rep_template} of a checkpoint, (M, X, Y, Z) in C order; rows as {@link #rows}.
     *
     * @param checkpoint a MedVP pre-training checkpoint (safetensors with a MedVP header, tensor
     *     {@code model.rep_template}) or a reference state dict ({@code .pt} or safetensors)
     * @return the tensor
     * @throws IOException when the file cannot be read
     * @throws MedvpException when it holds no (M, X, Y, Z) {@code rep_template}
     */
    public static HostTensor readRaw(Path checkpoint) throws IOException {
        if (!Files.isRegularFile(checkpoint)) {
            throw new MedvpException("checkpoint " + checkpoint + " does not exist");
        }
        HostTensor t = templateTensor(checkpoint);
        if (t.rank() != 4) {
            throw new MedvpException(checkpoint + ": rep_template has shape " + Arrays.toString(t.shape())
                    + ", expected (8 or 4 modalities, X, Y, Z)");
        }
        return t;
    }

    /** {@code rep_template} of a MedVP checkpoint (safetensors with a MedVP header) or of a reference state dict. */
    private static HostTensor templateTensor(Path checkpoint) throws IOException {
        Safetensors.Contents contents = null;
        try {
            contents = Safetensors.read(checkpoint);
        } catch (IOException e) {
            // Not safetensors: a torch.save file, read below.
        }
        boolean medvp = contents != null && contents.metadata().containsKey(Checkpoints.METADATA_KEY);
        Map<String, HostTensor> tensors = contents != null ? contents.tensors()
                : TensorFiles.readStateDict(checkpoint);
        StateDictImport names = StateDictImport.builder().build();
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            String key = medvp ? e.getKey() : names.normalise(e.getKey());
            if (key.equals(medvp ? Checkpoint.MODEL + "rep_template" : "rep_template")) {
                return e.getValue();
            }
        }
        throw new MedvpException(checkpoint + " holds no rep_template: it is not a BrainMVP pre-training checkpoint");
    }

    /**
     * Writes every template and the stack into {@code dir} (created if needed), with {@link #canvas(int[])}.
     *
     * @param templates initialised templates
     * @param dir output folder
     * @return the files written, per modality then the stack
     * @throws IOException when a file cannot be written
     */
    public static List<Path> write(ModalityTemplates templates, Path dir) throws IOException {
        return write(templates, dir, canvas(templates.getGrid()));
    }

    /**
     * Writes every template and the stack into {@code dir} (created if needed).
     *
     * @param templates initialised templates
     * @param dir output folder
     * @param geometry voxel-to-world affine of the template grid
     * @return the files written, per modality then the stack
     * @throws IOException when a file cannot be written
     */
    public static List<Path> write(ModalityTemplates templates, Path dir, Geometry geometry) throws IOException {
        int[] g = templates.getGrid();
        int m = templates.getModalities().size();
        float[] values;
        try (NDScope scope = new NDScope()) {
            // NIfTI order has X fastest: (M, X, Y, Z) -> (M, Z, Y, X) in C order.
            NDArray normalised = templates.normalised().transpose(0, 3, 2, 1);
            values = normalised.toFloatArray();
        }
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        int voxels = g[0] * g[1] * g[2];
        for (int r = 0; r < m; r++) {
            float[] one = java.util.Arrays.copyOfRange(values, r * voxels, (r + 1) * voxels);
            Path file = dir.resolve(fileName(templates.getModalities().get(r)));
            NiftiWriter.write(new Volume(ArrayImgs.floats(one, g[0], g[1], g[2]), geometry), file);
            written.add(file);
        }
        Path stack = dir.resolve(STACK);
        NiftiWriter.write(new Volume(ArrayImgs.floats(values, g[0], g[1], g[2], m), geometry), stack);
        written.add(stack);
        return written;
    }
}
