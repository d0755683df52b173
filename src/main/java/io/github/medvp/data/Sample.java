package io.github.medvp.data;

import io.github.medvp.data.transform.LoadStudy;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.transform.RandomCrop;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.transform.Transform;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.medvp.io.Geometry;

/**
 * One study on its way through a {@link Transform} chain: a multi-channel float volume (C, X, Y, Z), its
 * {@link Geometry}, the modality of each channel, an optional label volume and a metadata map.
 * <p>
 * Layout: one {@code float[]} per channel with X varying fastest, index {@code x + nx*(y + ny*z)}: the order of
 * NIfTI files and imglib2 {@code ArrayImg}s, so loading, reorientation and resampling through {@code io} need no
 * transposition of whole volumes; only the small final crops are transposed, once, into the C-order (B, C, X, Y, Z)
 * batch ({@link Batch}). One array per channel lets channel selection, duplication and per-channel statistics work
 * without touching other channels.
 * <p>
 * Ownership: a transform may modify the arrays of the sample it is given and return them in its result; the input
 * sample must not be used afterwards ({@link #copy()} first to keep it). No two channels share an array. A sample
 * made by {@link #of(Study)} is not loaded yet: it has modalities but no voxels (so modality sub-sampling can run
 * before anything is read).
 */
public final class Sample {

    /** Metadata key: spatial shape after the pre-training's second foreground crop ({@code int[3]}). */
    public static final String NEW_DIM = "new_dim";
    /**
     * Metadata key: the template ROI offset of the crop ({@code int[3]}, {@code rep_start_point} in {@code train_epoch}
     * of the BrainMVP reference's {@code main.py}).
     */
    public static final String REP_START = "rep_start";
    /** Metadata key: where {@link RandomCrop} started, in voxels of its input ({@code int[3]}). */
    public static final String CROP_START = "crop_start";
    /** Metadata key: the affine recorded with {@link #NEW_DIM} ({@code double[4][4]}). */
    public static final String ORIENT_AFFINE = "orient_affine";

    private final Study study;
    private final int[] shape;
    private final float[][] image;
    private final List<Modality> modalities;
    private final float[][] label;
    private final Geometry geometry;
    private final Map<String, Object> meta;

    /**
     * @param study the study this came from, or {@code null}
     * @param shape spatial shape (X, Y, Z), {@code null} when not loaded
     * @param image one array of {@code X*Y*Z} floats per channel, {@code null} when not loaded
     * @param modalities the modality of each channel, or an empty list for unnamed channels (CT)
     * @param label label channels of the same shape, or {@code null}
     * @param geometry voxel-to-world affine, or {@code null} when not loaded
     * @param meta metadata (copied)
     */
    public Sample(Study study, int[] shape, float[][] image, List<Modality> modalities, float[][] label,
            Geometry geometry, Map<String, Object> meta) {
        this.study = study;
        this.shape = shape == null ? null : shape.clone();
        this.image = image;
        this.modalities = List.copyOf(modalities);
        this.label = label;
        this.geometry = geometry;
        this.meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta));
        if (image != null) {
            check(image, "image");
            // No modalities means unnamed channels (CT volumes of MG-3D, which are not one of the MRI modalities).
            if (!this.modalities.isEmpty() && image.length != this.modalities.size()) {
                throw new IllegalArgumentException(image.length + " channels but " + modalities.size() + " modalities");
            }
        }
        if (label != null) {
            check(label, "label");
        }
    }

    private void check(float[][] channels, String what) {
        Objects.requireNonNull(shape, "shape");
        long n = (long) shape[0] * shape[1] * shape[2];
        for (float[] c : channels) {
            if (c.length != n) {
                throw new IllegalArgumentException(what + " channel of " + c.length + " voxels, shape "
                        + Arrays.toString(shape) + " needs " + n);
            }
        }
    }

    /** A sample of a study that is not loaded yet, its channels the study's modalities in order. */
    public static Sample of(Study study) {
        return new Sample(study, null, null, study.modalities(), null, null, Map.of());
    }

    /** A loaded sample without study (tests, in-memory data). */
    public static Sample of(int[] shape, float[][] image, List<Modality> modalities, float[][] label, Geometry g) {
        return new Sample(null, shape, image, modalities, label, g, Map.of());
    }

    /** The study this sample came from, or {@code null}. */
    public Study study() {
        return study;
    }

    /** An id for messages: the study id, or {@code "sample"}. */
    public String id() {
        return study == null ? "sample" : study.id();
    }

    /** True once voxels are present ({@link LoadStudy} ran or the sample was made from arrays). */
    public boolean isLoaded() {
        return image != null;
    }

    /** Spatial shape (X, Y, Z), a copy. */
    public int[] shape() {
        return shape == null ? null : shape.clone();
    }

    /** Voxels per channel. */
    public int voxels() {
        return shape[0] * shape[1] * shape[2];
    }

    /** Number of image channels. */
    public int channels() {
        return modalities.size();
    }

    /** The image channels themselves (not a copy; see the class comment on ownership). */
    public float[][] image() {
        return image;
    }

    /** The modality of each channel, in channel order. */
    public List<Modality> modalities() {
        return modalities;
    }

    /** The label channels, or {@code null}. */
    public float[][] label() {
        return label;
    }

    /** The voxel-to-world affine of the current grid, or {@code null} when not loaded. */
    public Geometry geometry() {
        return geometry;
    }

    /** The metadata (unmodifiable). */
    public Map<String, Object> meta() {
        return meta;
    }

    /** One metadata value, or {@code null}. */
    public Object meta(String key) {
        return meta.get(key);
    }

    /** This sample with a metadata entry added or replaced. */
    public Sample with(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(meta);
        m.put(key, value);
        return new Sample(study, shape, image, modalities, label, geometry, m);
    }

    /** This sample with new voxels, e.g. after a crop: image, label and geometry change together. */
    public Sample withVolume(int[] newShape, float[][] newImage, float[][] newLabel, Geometry g) {
        return new Sample(study, newShape, newImage, modalities, newLabel, g, meta);
    }

    /** This sample with other channels of the same shape. */
    public Sample withChannels(float[][] newImage, List<Modality> newModalities) {
        return new Sample(study, shape, newImage, newModalities, label, geometry, meta);
    }

    /** This sample with other label channels of the same shape. */
    public Sample withLabel(float[][] newLabel) {
        return new Sample(study, shape, image, modalities, newLabel, geometry, meta);
    }

    /** A deep copy of the voxel arrays (metadata values are shared; they are treated as immutable). */
    public Sample copy() {
        return new Sample(study, shape, deepCopy(image), modalities, deepCopy(label), geometry, meta);
    }

    private static float[][] deepCopy(float[][] a) {
        if (a == null) {
            return null;
        }
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @Override
    public String toString() {
        return "Sample[" + id() + " " + modalities + (shape != null ? " " + Arrays.toString(shape) : " not loaded")
                + (label != null ? " +" + label.length + " label" : "") + "]";
    }
}
