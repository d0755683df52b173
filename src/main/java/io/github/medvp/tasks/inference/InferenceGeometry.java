package io.github.medvp.tasks.inference;

import io.github.medvp.tasks.Dims;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import io.github.medvp.MedvpException;
import io.github.medvp.data.transform.Compose;
import io.github.medvp.data.transform.CropForeground;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.transform.ResampleSpacing;
import io.github.medvp.data.Sample;
import io.github.medvp.data.transform.ToRas;
import io.github.medvp.data.transform.Transform;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiHeader;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Resample;
import io.github.medvp.io.Volume;
import net.imglib2.img.array.ArrayImgs;

/**
 * The way into a model's grid and back for inference on one study: {@link #prepare} takes a loaded study in any
 * orientation and spacing to the grid the model was trained on, {@link #restore} and {@link #restoreLabels} bring
 * its outputs back to the study's original grid, and {@link #labelVolume}/{@link #probabilityVolume} wrap them with
 * the original affine (and header, when known) for {@link NiftiWriter}.
 * <p>
 * Preparation is the deterministic part of fine-tuning's evaluation pipeline ({@code custom_transform(mode='val')} of
 * the BrainMVP reference's {@code Downstream/dataset/transforms.py}), in its order: intensity normalisation (by default
 * 5–95 percentile scaling without clipping, before reorientation as in the reference), RAS, the model's spacing
 * (trilinear), and optionally the foreground crop with a margin (the reference's test transform; it saves the windows
 * over background). Every step records its affine in the sample's geometry, so the model grid is fully described by
 * {@link #model()} and {@link #modelDims()}.
 * <p>
 * Restoring is one resampling in world coordinates ({@link Resample#pull}): each voxel of the original grid takes the
 * model-grid value at its world position — nearest neighbour for labels, trilinear for probabilities — which undoes
 * reorientation, resampling and crop at once, exactly (for a pure reorientation at the same spacing, every label lands
 * on the voxel it came from). Voxels outside the model grid (cut by the foreground crop) get 0, i.e. background.
 * <p>
 * Memory: the prepared study (C × model voxels floats) plus the original grid's output; for a BraTS study
 * (4 × 240×240×155) about 150 MB each way.
 */
public final class InferenceGeometry {

    /** The reference's fine-tuning spacing, 1 mm. */
    public static final double[] ONE_MM = { 1, 1, 1 };
    /** The reference's foreground margin in its test transform. */
    public static final int REFERENCE_MARGIN = 1;

    private final Sample prepared;
    private final Geometry original;
    private final int[] originalDims;
    private final NiftiHeader header;

    private InferenceGeometry(Sample prepared, Geometry original, int[] originalDims, NiftiHeader header) {
        this.prepared = prepared;
        this.original = original;
        this.originalDims = originalDims.clone();
        this.header = header;
    }

    /**
     * The channels of one volume as a loaded sample: a 3D volume is one channel, a 4D (X, Y, Z, C) volume C channels.
     *
     * @param v the volume (scaled values are used)
     * @param modalities the modality of each channel
     * @return the sample, on the volume's grid
     * @throws MedvpException when the channel count does not match
     */
    public static Sample sample(Volume v, List<Modality> modalities) {
        long[] d = v.dimensions();
        long channels = 1;
        for (int a = 3; a < d.length; a++) {
            channels *= d[a];
        }
        if (channels != modalities.size()) {
            throw new MedvpException("the image " + Arrays.toString(d) + " has " + channels + " channel(s) but "
                    + modalities.size() + " modalities were named " + modalities + "; name one per channel");
        }
        int[] dims = { Math.toIntExact(d[0]), Math.toIntExact(d[1]), Math.toIntExact(d[2]) };
        int n = dims[0] * dims[1] * dims[2];
        float[] all = v.toFloatImg().update(null).getCurrentStorageArray();
        float[][] image = new float[modalities.size()][];
        for (int c = 0; c < image.length; c++) {
            image[c] = image.length == 1 ? all : Arrays.copyOfRange(all, c * n, (c + 1) * n);
        }
        return Sample.of(dims, image, modalities, null, v.geometry());
    }

    /**
     * {@link #prepare(Sample, double[], Transform, int, NiftiHeader)} with the reference's settings: 1 mm, 5–95
     * percentile scaling without clipping, foreground crop with margin 1, no header.
     */
    public static InferenceGeometry prepare(Sample loaded) {
        return prepare(loaded, ONE_MM, Pipelines.taskIntensity(), REFERENCE_MARGIN, null);
    }

    /**
     * Prepares a loaded study for a model.
     *
     * @param loaded the study on its original grid (modified: see {@link Sample} on ownership)
     * @param spacing the model's voxel size in mm
     * @param normalisation the model's intensity normalisation (applied first, as in fine-tuning), or {@code null}
     *     for none
     * @param cropMargin foreground crop margin in voxels, or negative for no crop
     * @param header the original file's header, kept for writing outputs (qform/sform codes, units), or {@code null}
     * @return the prepared study and the way back
     */
    public static InferenceGeometry prepare(Sample loaded, double[] spacing, Transform normalisation, int cropMargin,
            NiftiHeader header) {
        if (!loaded.isLoaded()) {
            throw new IllegalArgumentException("study " + loaded.id() + " is not loaded");
        }
        Geometry original = loaded.geometry();
        int[] dims = loaded.shape();
        Compose steps = cropMargin < 0
                ? Compose.of(new ToRas(), new ResampleSpacing(spacing))
                : Compose.of(new ToRas(), new ResampleSpacing(spacing), new CropForeground(cropMargin));
        Sample s = normalisation == null ? loaded : normalisation.apply(loaded, new SplittableRandom(0));
        // Deterministic steps: the generator is never used.
        s = steps.apply(s, new SplittableRandom(0));
        return new InferenceGeometry(s, original, dims, header);
    }

    /** The study on the model's grid. */
    public Sample prepared() {
        return prepared;
    }

    /** This preparation with another study on the same model grid, e.g. completed by {@link MissingModalities}. */
    public InferenceGeometry withPrepared(Sample s) {
        if (!Arrays.equals(s.shape(), prepared.shape()) || !s.geometry().equals(prepared.geometry())) {
            throw new IllegalArgumentException("study " + s.id() + " is not on the prepared grid");
        }
        return new InferenceGeometry(s, original, originalDims, header);
    }

    /** The original affine. */
    public Geometry original() {
        return original;
    }

    /** The original grid (X, Y, Z). */
    public int[] originalDims() {
        return originalDims.clone();
    }

    /** The model grid's affine (RAS, model spacing). */
    public Geometry model() {
        return prepared.geometry();
    }

    /** The model grid (X, Y, Z). */
    public int[] modelDims() {
        return prepared.shape();
    }

    /**
     * Channels on the model grid back to the original grid.
     *
     * @param channels X-fastest arrays over {@link #modelDims()}, e.g. probabilities
     * @param mode {@link Resample.Interpolation#LINEAR} for probabilities, {@code NEAREST} for labels
     * @return X-fastest arrays over {@link #originalDims()}, 0 outside the model grid
     */
    public float[][] restore(float[][] channels, Resample.Interpolation mode) {
        int[] md = modelDims();
        float[][] out = new float[channels.length][];
        for (int c = 0; c < channels.length; c++) {
            Dims.voxels(md, channels[c].length);
            out[c] = Resample.pull(channels[c], md, model(), originalDims, original, mode);
        }
        return out;
    }

    /**
     * A label map on the model grid back to the original grid, nearest neighbour.
     *
     * @param labels X-fastest labels over {@link #modelDims()} (exact up to 2^24)
     * @return X-fastest labels over {@link #originalDims()}, 0 outside the model grid
     */
    public int[] restoreLabels(int[] labels) {
        float[] f = new float[labels.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = labels[i];
        }
        float[] back = restore(new float[][] { f }, Resample.Interpolation.NEAREST)[0];
        int[] out = new int[back.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) back[i];
        }
        return out;
    }

    /**
     * A label map on the original grid as a volume with the original affine: unsigned 8 bit when every label fits,
     * 16 bit signed otherwise.
     *
     * @param labels X-fastest over {@link #originalDims()}
     * @return the volume, ready for {@link NiftiWriter#write}
     */
    public Volume labelVolume(int[] labels) {
        int n = Dims.voxels(originalDims, labels.length);
        int lo = 0, hi = 0;
        for (int l : labels) {
            lo = Math.min(lo, l);
            hi = Math.max(hi, l);
        }
        int x = originalDims[0], y = originalDims[1], z = originalDims[2];
        if (lo >= 0 && hi <= 255) {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                b[i] = (byte) labels[i];
            }
            return new Volume(ArrayImgs.unsignedBytes(b, x, y, z), original, 1, 0, header);
        }
        if (lo < Short.MIN_VALUE || hi > Short.MAX_VALUE) {
            throw new MedvpException("labels " + lo + ".." + hi + " do not fit a 16-bit label map");
        }
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            s[i] = (short) labels[i];
        }
        return new Volume(ArrayImgs.shorts(s, x, y, z), original, 1, 0, header);
    }

    /**
     * Probability maps on the original grid as one float volume (X, Y, Z, K) with the original affine.
     *
     * @param channels K X-fastest arrays over {@link #originalDims()}
     * @return the volume
     */
    public Volume probabilityVolume(float[][] channels) {
        int n = originalDims[0] * originalDims[1] * originalDims[2];
        float[] all = new float[Math.multiplyExact(n, channels.length)];
        for (int c = 0; c < channels.length; c++) {
            Dims.voxels(originalDims, channels[c].length);
            System.arraycopy(channels[c], 0, all, c * n, n);
        }
        return new Volume(ArrayImgs.floats(all, originalDims[0], originalDims[1], originalDims[2], channels.length),
                original, 1, 0, header);
    }

    /**
     * Restores a model-grid label map and writes it with the original geometry.
     *
     * @param labels X-fastest over {@link #modelDims()}
     * @param file {@code .nii} or {@code .nii.gz}
     * @throws IOException when the file cannot be written
     */
    public void writeLabels(int[] labels, Path file) throws IOException {
        NiftiWriter.write(labelVolume(restoreLabels(labels)), file);
    }

    /**
     * Restores model-grid probability maps (trilinear) and writes them as one (X, Y, Z, K) file with the original
     * geometry.
     *
     * @param probabilities K X-fastest arrays over {@link #modelDims()}
     * @param file {@code .nii} or {@code .nii.gz}
     * @throws IOException when the file cannot be written
     */
    public void writeProbabilities(float[][] probabilities, Path file) throws IOException {
        NiftiWriter.write(probabilityVolume(restore(probabilities, Resample.Interpolation.LINEAR)), file);
    }
}
