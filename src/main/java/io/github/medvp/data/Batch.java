package io.github.medvp.data;

import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.transform.PadTo;
import io.github.medvp.data.transform.RandomCrop;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.github.medvp.MedvpException;

/**
 * Samples stacked for one training step: the images as (B, C, X, Y, Z) floats in C order (Z fastest) in a direct,
 * native-order buffer, the label channels likewise when the samples have labels, and per-sample metadata (study
 * ids, channel modalities, {@code rep_start}, class labels, the metadata maps).
 * <p>
 * For DJL: {@code HostArrays.copyOf(manager, batch.imageBytes(), new Shape(batch.shape()), DataType.FLOAT32)}, not
 * {@code manager.create(...)}: on the CPU the PyTorch engine would alias this memory, which the garbage collector may
 * free while views or autograd still read it; a GPU transfer copies once, directly from here. Buffers are never
 * reused by the loader.
 */
public final class Batch {

    private final int epoch;
    private final int index;
    private final long[] shape;
    private final ByteBuffer images;
    private final long[] labelShape;
    private final ByteBuffer labels;
    private final List<Sample> samples;

    private Batch(int epoch, int index, long[] shape, ByteBuffer images, long[] labelShape, ByteBuffer labels,
            List<Sample> samples) {
        this.epoch = epoch;
        this.index = index;
        this.shape = shape;
        this.images = images;
        this.labelShape = labelShape;
        this.labels = labels;
        this.samples = samples;
    }

    /**
     * Stacks samples of equal shape. The voxel arrays are copied (transposed from the samples' X-fastest order);
     * the samples are kept only for their metadata.
     *
     * @throws MedvpException when shapes or channel counts differ, naming two studies
     */
    public static Batch of(int epoch, int index, List<Sample> samples) {
        Sample first = samples.get(0);
        int[] dims = first.shape();
        boolean labelled = first.label() != null;
        for (Sample s : samples) {
            if (!Arrays.equals(dims, s.shape()) || s.channels() != first.channels()
                    || (s.label() != null) != labelled || labelled && s.label().length != first.label().length) {
                throw new MedvpException("study " + s.id() + " gives " + describe(s) + " but study " + first.id()
                        + " gives " + describe(first) + " in one batch; crop or pad to a fixed size (RandomCrop, "
                        + "PadTo) or use batches of one");
            }
        }
        int b = samples.size();
        long[] shape = { b, first.channels(), dims[0], dims[1], dims[2] };
        ByteBuffer images = stack(samples, false, first.channels(), dims);
        long[] labelShape = null;
        ByteBuffer labels = null;
        if (labelled) {
            labelShape = new long[] { b, first.label().length, dims[0], dims[1], dims[2] };
            labels = stack(samples, true, first.label().length, dims);
        }
        List<Sample> meta = new ArrayList<>(b);
        for (Sample s : samples) {
            // Keep metadata only: the voxel arrays are in the buffers now and may be collected.
            meta.add(new Sample(s.study(), null, null, s.modalities(), null, s.geometry(), s.meta()));
        }
        return new Batch(epoch, index, shape, images, labelShape, labels, List.copyOf(meta));
    }

    private static String describe(Sample s) {
        return s.channels() + " channels of " + Arrays.toString(s.shape())
                + (s.label() != null ? " with " + s.label().length + " label channels" : " without label");
    }

    private static ByteBuffer stack(List<Sample> samples, boolean label, int channels, int[] dims) {
        int n = dims[0] * dims[1] * dims[2];
        long total = (long) samples.size() * channels * n * Float.BYTES;
        if (total > Integer.MAX_VALUE) {
            throw new MedvpException("a batch of " + samples.size() + " × " + channels + " × " + Arrays.toString(dims)
                    + " floats exceeds 2 GB; use smaller crops or batches");
        }
        ByteBuffer bytes = ByteBuffer.allocateDirect((int) total).order(ByteOrder.nativeOrder());
        FloatBuffer out = bytes.asFloatBuffer();
        float[] scratch = new float[n];
        int offset = 0;
        for (Sample s : samples) {
            for (float[] c : label ? s.label() : s.image()) {
                toCOrder(c, dims, scratch);
                out.put(offset, scratch);
                offset += n;
            }
        }
        return bytes;
    }

    /** Edge of the square tiles of the transpose: 16 floats = one 64-byte cache line per row of a tile. */
    private static final int TILE = 16;

    /**
     * X-fastest {@code src} to C-order (Z fastest) {@code dst}. One side of a transpose is always strided, so it
     * runs in TILE×TILE (x, z) tiles per y: every cache line fetched on either side is used 16 times.
     */
    static void toCOrder(float[] src, int[] dims, float[] dst) {
        int nx = dims[0], ny = dims[1], nz = dims[2];
        int srcZ = nx * ny;
        for (int y = 0; y < ny; y++) {
            for (int x0 = 0; x0 < nx; x0 += TILE) {
                int x1 = Math.min(nx, x0 + TILE);
                for (int z0 = 0; z0 < nz; z0 += TILE) {
                    int z1 = Math.min(nz, z0 + TILE);
                    for (int x = x0; x < x1; x++) {
                        int o = (x * ny + y) * nz;
                        int i = x + nx * y;
                        for (int z = z0; z < z1; z++) {
                            dst[o + z] = src[i + z * srcZ];
                        }
                    }
                }
            }
        }
    }

    /** The epoch this batch belongs to. */
    public int epoch() {
        return epoch;
    }

    /** Position of this batch in its epoch (0-based). */
    public int index() {
        return index;
    }

    /** Number of samples. */
    public int size() {
        return samples.size();
    }

    /** (B, C, X, Y, Z). */
    public long[] shape() {
        return shape.clone();
    }

    /** The images as floats (a read-only view over {@link #imageBytes()}, position 0). */
    public FloatBuffer images() {
        return images.asReadOnlyBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** The images as direct native-order bytes (a duplicate; the content is shared). */
    public ByteBuffer imageBytes() {
        return images.duplicate().order(ByteOrder.nativeOrder());
    }

    /** (B, L, X, Y, Z) of the label channels, or {@code null} without labels. */
    public long[] labelShape() {
        return labelShape == null ? null : labelShape.clone();
    }

    /** The label channels as floats, or {@code null}. */
    public FloatBuffer labels() {
        return labels == null ? null : labels.asReadOnlyBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** The label channels as direct native-order bytes, or {@code null}. */
    public ByteBuffer labelBytes() {
        return labels == null ? null : labels.duplicate().order(ByteOrder.nativeOrder());
    }

    /** The study id of each sample. */
    public List<String> studyIds() {
        return samples.stream().map(Sample::id).toList();
    }

    /** The modality of each channel of each sample. */
    public List<List<Modality>> modalities() {
        return samples.stream().map(Sample::modalities).toList();
    }

    /** {@code rep_start} of each sample ({@code null} entries when not computed). */
    public int[][] repStarts() {
        int[][] r = new int[samples.size()][];
        for (int i = 0; i < r.length; i++) {
            int[] v = (int[]) samples.get(i).meta(Sample.REP_START);
            r[i] = v == null ? null : v.clone();
        }
        return r;
    }

    /** The class label of each sample ({@code null} entries when the study has none). */
    public List<Integer> classLabels() {
        return samples.stream().map(s -> s.study() == null ? null : s.study().classLabel()).toList();
    }

    /** The metadata map of sample {@code i}. */
    public Map<String, Object> meta(int i) {
        return samples.get(i).meta();
    }

    /** Sample {@code i} without voxels: study, modalities, geometry and metadata. */
    public Sample sample(int i) {
        return samples.get(i);
    }

    /**
     * The batch in {@code parts} consecutive blocks of equal size, for the replicas of a data-parallel step (replica
     * r trains on block r). The blocks share this batch's memory (views, not copies).
     *
     * @param parts how many blocks; must divide {@link #size()}
     * @return the blocks, in order
     * @throws IllegalArgumentException when {@code parts} does not divide the batch
     */
    public List<Batch> split(int parts) {
        int b = samples.size();
        if (parts < 1 || b % parts != 0) {
            throw new IllegalArgumentException("a batch of " + b + " cannot be split into " + parts + " equal parts");
        }
        int each = b / parts;
        List<Batch> out = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            out.add(new Batch(epoch, index, rows(shape, each), slice(images, shape, p * each, each),
                    labelShape == null ? null : rows(labelShape, each),
                    labels == null ? null : slice(labels, labelShape, p * each, each),
                    samples.subList(p * each, (p + 1) * each)));
        }
        return out;
    }

    private static long[] rows(long[] shape, int n) {
        long[] s = shape.clone();
        s[0] = n;
        return s;
    }

    private static ByteBuffer slice(ByteBuffer all, long[] shape, int from, int n) {
        int perSample = (int) (all.capacity() / shape[0]);
        return all.slice(from * perSample, n * perSample).order(ByteOrder.nativeOrder());
    }

    @Override
    public String toString() {
        return "Batch[epoch " + epoch + " #" + index + " " + Arrays.toString(shape) + " " + studyIds() + "]";
    }
}
