package io.github.medvp.tasks.inference;

import io.github.medvp.tasks.Dims;
import io.github.medvp.tasks.TaskModel;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.io.DType;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Resample;
import io.github.medvp.io.Volume;
import io.github.medvp.pretrain.brainmvp.ModalityTemplates;
import io.github.medvp.pretrain.brainmvp.TemplateNifti;

/**
 * BrainMVP's learned modality templates on the host, for downstream use (missing modalities at inference,
 * template replacement in fine-tuning): read from a pre-training checkpoint or from exported NIfTI files, normalised
 * as pre-training used them, and placed on a study's grid.
 * <p>
 * <b>Normalisation</b>: min-max to [0, 1] over each template's whole grid,
 * {@code (T − min T) / (max T − min T + 1e-9)}, exactly the pre-training step's ({@code aug_rand_with_learnable_rep} in
 * the reference's {@code utils/ops.py}) — never the raw values the reference exports and mixes with scaled images
 * ({@code main} of {@code Downstream/train_script.py}). Exported templates ({@link TemplateNifti}) are already
 * normalised; normalising them again changes nothing beyond rounding.
 * <p>
 * <b>Placement on a study</b> ({@link #aligned}): templates live on the SRI24 canvas (240×240×155, 1 mm, RAS), a
 * study on its own prepared grid (RAS, the model's spacing, often cropped to the foreground or padded). The
 * reference assumes the foreground-cropped study is centred in the canvas (study voxel {@code i} of the crop is
 * template voxel {@code i + (G − n) // 2}, {@code train_epoch} of the reference's {@code main.py}). {@link #aligned}
 * applies exactly that rule to the study's foreground box (any channel {@code > 0}), wherever the box lies in the
 * study's grid, so uncropped, cropped and padded grids of the same study all get the same anatomy: at the template's
 * spacing the shift is that integer offset and values are copied exactly; at another spacing the template is resampled
 * trilinearly around the same centres (box centre onto canvas centre), keeping physical sizes (brains differ by ~10 %
 * in size, far less than a resize of the template's canvas to an arbitrary crop would distort them). Voxels outside the
 * canvas are 0, the images' background. We chose this over world coordinates because exported templates carry an
 * assumed canvas affine only, and studies not registered to SRI24 have unrelated world origins; over a stretch of the
 * template's brain box onto the study's, because the templates' learned background has no reliable foreground
 * threshold.
 * <p>
 * Rows are read lazily: only the templates asked for are decoded (one 240×240×155 template is 36 MB).
 */
public final class TemplateVolumes {

    /** Spacing of the reference templates, 1 mm. */
    private static final double[] ONE_MM = { 1, 1, 1 };
    /** Spacings closer than this (mm) count as equal, as in {@link io.github.medvp.data.transform.ResampleSpacing}. */
    private static final double TOLERANCE = 1e-3;

    private final String source;
    private final List<Modality> modalities;
    private final int[] grid;
    private final double[] spacing;
    private final Function<Modality, float[]> reader;
    private final Map<Modality, float[]> cache = new LinkedHashMap<>();

    private TemplateVolumes(String source, List<Modality> modalities, int[] grid, double[] spacing,
            Function<Modality, float[]> reader) {
        this.source = source;
        this.modalities = List.copyOf(modalities);
        this.grid = grid.clone();
        this.spacing = spacing.clone();
        this.reader = reader;
    }

    /**
     * Templates from arrays.
     *
     * @param modalities the modality of each array
     * @param grid (GX, GY, GZ)
     * @param spacing voxel size in mm
     * @param raw one X-fastest array per modality, normalised on first use (not copied, not modified)
     * @return the templates
     */
    public static TemplateVolumes of(List<Modality> modalities, int[] grid, double[] spacing, float[][] raw) {
        if (modalities.size() != raw.length || modalities.stream().distinct().count() != raw.length) {
            throw new IllegalArgumentException("one distinct modality per template needed: " + modalities);
        }
        for (float[] r : raw) {
            Dims.voxels(grid, r.length);
        }
        List<Modality> mods = List.copyOf(modalities);
        return new TemplateVolumes("arrays", mods, grid, spacing, m -> raw[mods.indexOf(m)]);
    }

    /**
     * Templates from a file or folder:
     * <ul>
     * <li>a folder of exported templates ({@code template_<modality>.nii.gz}, as
     * {@link TemplateNifti#write} names them; otherwise the stack {@code templates.nii.gz});</li>
     * <li>a NIfTI stack (X, Y, Z, M) of 8 rows (all modalities) or 4 (flair, t1, t1c, t2);</li>
     * <li>any other file: a BrainMVP pre-training checkpoint, MedVP or reference ({@link TemplateNifti#readRaw}).</li>
     * </ul>
     *
     * @param source the file or folder
     * @return the templates (rows decoded when first used)
     * @throws IOException when a file cannot be read
     * @throws MedvpException when the source holds no templates
     */
    public static TemplateVolumes load(Path source) throws IOException {
        if (Files.isDirectory(source)) {
            return fromFolder(source);
        }
        if (!Files.isRegularFile(source)) {
            throw new MedvpException("templates " + source + " do not exist: give a BrainMVP pre-training checkpoint "
                    + "or a folder of exported templates (BrainMVP Export Templates)");
        }
        if (NiftiReader.isNiftiName(source.getFileName().toString())) {
            return fromStack(source, NiftiReader.read(source));
        }
        return fromCheckpoint(source);
    }

    private static TemplateVolumes fromFolder(Path dir) throws IOException {
        List<Modality> found = new ArrayList<>();
        for (Modality m : Modality.TEMPLATED) {
            if (Files.isRegularFile(dir.resolve(TemplateNifti.fileName(m)))) {
                found.add(m);
            }
        }
        if (found.isEmpty()) {
            Path stack = dir.resolve(TemplateNifti.STACK);
            if (Files.isRegularFile(stack)) {
                return fromStack(stack, NiftiReader.read(stack));
            }
            throw new MedvpException("folder " + dir + " holds no template_<modality>.nii.gz nor "
                    + TemplateNifti.STACK + ": export templates there with BrainMVP Export Templates");
        }
        Volume first = NiftiReader.read(dir.resolve(TemplateNifti.fileName(found.get(0))));
        int[] grid = spatial(dir, first);
        return new TemplateVolumes(dir.toString(), found, grid, first.geometry().spacing(), m -> {
            try {
                Path file = dir.resolve(TemplateNifti.fileName(m));
                Volume v = NiftiReader.read(file);
                if (!Arrays.equals(spatial(file, v), grid)) {
                    throw new MedvpException("template " + file + " has grid " + Arrays.toString(v.dimensions())
                            + ", the others " + Arrays.toString(grid) + "; export all templates together");
                }
                return v.toFloatImg().update(null).getCurrentStorageArray();
            } catch (IOException e) {
                throw new MedvpException("template " + dir.resolve(TemplateNifti.fileName(m)) + ": " + e.getMessage(),
                        e);
            }
        });
    }

    private static TemplateVolumes fromStack(Path file, Volume v) {
        long[] d = v.dimensions();
        long rows = d.length == 4 ? d[3] : 0;
        if (d.length != 4) {
            throw new MedvpException("template stack " + file + " has " + d.length + " axes; expected (X, Y, Z, M)");
        }
        List<Modality> mods = TemplateNifti.rows(file, rows);
        int[] grid = spatial(file, v);
        float[] all = v.toFloatImg().update(null).getCurrentStorageArray();
        int n = grid[0] * grid[1] * grid[2];
        // X fastest, then Y, Z, M: each row is one contiguous block.
        return new TemplateVolumes(file.toString(), mods, grid, v.geometry().spacing(),
                m -> Arrays.copyOfRange(all, mods.indexOf(m) * n, (mods.indexOf(m) + 1) * n));
    }

    private static TemplateVolumes fromCheckpoint(Path file) throws IOException {
        HostTensor t = TemplateNifti.readRaw(file);
        long[] s = t.shape();
        List<Modality> mods = TemplateNifti.rows(file, s[0]);
        int[] grid = { Math.toIntExact(s[1]), Math.toIntExact(s[2]), Math.toIntExact(s[3]) };
        if (t.dtype() != DType.F32) {
            throw new MedvpException(file + ": rep_template is " + t.dtype() + ", expected float32");
        }
        return new TemplateVolumes(file.toString(), mods, grid, ONE_MM, m -> row(t, mods.indexOf(m), grid));
    }

    /**
     * The templates a fine-tuned model carries ({@link TaskModel#hasTemplates()}), one per input modality, at 1 mm.
     *
     * @param model a model with templates
     * @return the templates (rows copied to the host when first used)
     * @throws MedvpException when the model has none
     */
    public static TemplateVolumes of(TaskModel model) {
        if (!model.hasTemplates() || model.spec().templateGrid() == null) {
            throw new MedvpException("this model has no modality templates: fine-tune it from a BrainMVP checkpoint "
                    + "with templates, or give templates separately");
        }
        int[] grid = model.spec().templateGrid();
        return new TemplateVolumes("the model", model.spec().modalities(), grid, ONE_MM,
                m -> row(model.template(m), 0, grid));
    }

    /** Row {@code r} of a C-order (M, X, Y, Z) (or, for r = 0, (X, Y, Z)) float tensor, transposed to X fastest. */
    private static float[] row(HostTensor t, int r, int[] g) {
        FloatBuffer in = t.data().asFloatBuffer();
        int gx = g[0], gy = g[1], gz = g[2];
        int n = gx * gy * gz;
        float[] zFastest = new float[n];
        in.get(r * n, zFastest);
        float[] out = new float[n];
        for (int x = 0, i = 0; x < gx; x++) {
            for (int y = 0; y < gy; y++) {
                int o = x + gx * y;
                for (int z = 0; z < gz; z++, i++) {
                    out[o + gx * gy * z] = zFastest[i];
                }
            }
        }
        return out;
    }

    private static int[] spatial(Object file, Volume v) {
        long[] d = v.dimensions();
        if (d[0] * d[1] * d[2] > Integer.MAX_VALUE) {
            throw new MedvpException("template " + file + " has " + Arrays.toString(d) + " voxels, too many for one "
                    + "array");
        }
        return new int[] { (int) d[0], (int) d[1], (int) d[2] };
    }

    /** Where the templates came from (file, folder or "arrays"), for messages. */
    public String source() {
        return source;
    }

    /** The modalities with a template. */
    public List<Modality> modalities() {
        return modalities;
    }

    /** True when there is a template for {@code m}. */
    public boolean has(Modality m) {
        return modalities.contains(m);
    }

    /** The template grid (X, Y, Z). */
    public int[] grid() {
        return grid.clone();
    }

    /** The template voxel size in mm (1 mm for checkpoints). */
    public double[] spacing() {
        return spacing.clone();
    }

    /**
     * The template of {@code m} min-max normalised to [0, 1] (see the class comment), X fastest over
     * {@link #grid()}; computed once and kept (do not modify).
     *
     * @throws MedvpException when there is no template for {@code m}
     */
    public synchronized float[] normalised(Modality m) {
        if (!has(m)) {
            throw new MedvpException("templates " + source + " have no " + m + " template (they have " + modalities
                    + ")");
        }
        return cache.computeIfAbsent(m, k -> minMax(reader.apply(k)));
    }

    /** {@code (v − min) / (max − min + 1e-9)} in float, as the pre-training step computes it. */
    static float[] minMax(float[] raw) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float v : raw) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float range = hi - lo + ModalityTemplates.EPS;
        float[] out = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = (raw[i] - lo) / range;
        }
        return out;
    }

    /**
     * The normalised template of {@code m} placed on a study's grid (see the class comment).
     *
     * @param m the modality
     * @param dims the study's grid (X, Y, Z), RAS
     * @param studySpacing its voxel size in mm
     * @param box the study's foreground box {@code {start, end}} (end exclusive), or {@code null} for the whole grid
     * @return X-fastest values over {@code dims}, 0 outside the template canvas
     */
    public float[] aligned(Modality m, int[] dims, double[] studySpacing, int[][] box) {
        Dims.voxels(dims, dims[0] * dims[1] * dims[2]);
        return Resample.pull(normalised(m), grid, indexMap(dims, studySpacing, box), dims,
                Resample.Interpolation.LINEAR);
    }

    /** Study voxel index to template voxel index, per axis {@code t = r·i + b} (a diagonal 4x4 matrix). */
    double[][] indexMap(int[] dims, double[] studySpacing, int[][] box) {
        double[][] m = new double[4][4];
        m[3][3] = 1;
        for (int a = 0; a < 3; a++) {
            int lo = box == null ? 0 : box[0][a];
            int size = box == null ? dims[a] : box[1][a] - box[0][a];
            double r = studySpacing[a] / spacing[a];
            if (Math.abs(studySpacing[a] - spacing[a]) <= TOLERANCE) {
                // The reference's rule: crop voxel j is template voxel j + (G − n) // 2, an exact integer shift.
                m[a][a] = 1;
                m[a][3] = Math.floorDiv(grid[a] - size, 2) - lo;
            } else {
                m[a][a] = r;
                m[a][3] = (grid[a] - 1) / 2.0 - r * (lo + (size - 1) / 2.0);
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "TemplateVolumes[" + source + ", " + modalities + ", " + Arrays.toString(grid) + "]";
    }
}
