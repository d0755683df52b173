package io.github.medvp.tasks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.MedvpException;
import io.github.medvp.data.Batch;
import io.github.medvp.data.Sample;
import io.github.medvp.data.transform.RandomIntensity;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.engine.Scalars;
import java.util.random.RandomGenerator;

/**
 * BrainMVP's modality-wise distillation at fine-tuning time ({@code RandomChannelCutmix} of the reference's
 * {@code Downstream/dataset/mix_transform.py} and the {@code use_cl} branch of {@code train_epoch} in
 * {@code Downstream/trainer.py}, with two fixes: the templates are normalised, where the reference mixes raw ones, and
 * a pair holds the same modalities, where the reference repeats channels element-wise): whole input channels are
 * replaced by their learned templates, normalised to [0, 1] and cropped at the sample's position in the template grid.
 * How many: {@link Mode#UNIFORM} (the reference's {@code random_sample_index}: every sample draws
 * {@code k ~ U{0, …, count}}, capped at C − 1, then k distinct channels) or {@link Mode#FIXED} (MedVP's behaviour
 * before it followed the reference: with probability {@code p}, exactly {@code min(count, C − 1)} channels).
 * <p>
 * The crop of each sample is described by host metadata the data pipeline records ({@link
 * io.github.medvp.data.Pipelines#segmentationTraining(java.util.List, int, double,
 * io.github.medvp.data.transform.LabelToRegions, io.github.medvp.data.transform.RandomFlip.Mode, int[])}):
 * {@code rep_start} (the crop's origin in template voxels), the flips applied after cropping (read from the affine
 * against the frame recorded before cropping) and the intensity shift and scale ({@link RandomIntensity#AFFINE}).
 * From these the step builds one gather index for the whole batch, so the crops of all samples and channels are one
 * {@code take} on the device; voxels outside the template grid (padding) get 0, like the padded image. With
 * {@code augment} the crops then get each sample's intensity map {@code a·t + b}: the reference replaces channels
 * before its {@code RandShiftIntensityd} and {@code RandScaleIntensityd}, so a template channel is shifted and scaled
 * with the others. Which channels are replaced is drawn on the host (B × C booleans from the step's generator) and
 * applied as one masked blend {@code x·(1 − m) + t·m}.
 * <p>
 * The paired consistency term (two independent replacements of the same batch, L2 between their encoder features)
 * is built by the step from two {@link #mask} draws (see {@link FineTuneLosses#consistency}); {@link #forward} runs
 * the two copies through the model separately, so each has its own BatchNorm statistics as in the reference
 * ({@link PairNorm#SEPARATE}: two {@code model(...)} calls in {@code train_epoch}), or as one batch of 2B
 * ({@link PairNorm#JOINT}, MedVP's behaviour before).
 */
public final class TemplateReplacement {

    /** How many channels a sample has replaced. */
    public enum Mode {
        /** With probability p, {@code k ~ U{0, …, count}} capped at C − 1 (the reference, p = 1, count = 3). */
        UNIFORM,
        /** With probability p, exactly {@code min(count, C − 1)}. */
        FIXED
    }

    /** How the two copies of a paired step meet the encoder's BatchNorm layers. */
    public enum PairNorm {
        /** Two forward passes of B, each copy normalised by its own batch statistics (the reference). */
        SEPARATE,
        /** One forward pass of 2B, statistics over both copies. */
        JOINT
    }

    private final double probability;
    private final int count;
    private final Mode mode;
    private final boolean augment;
    private final PairNorm pairNorm;

    /**
     * @param probability p, the chance that a sample gets a draw, in [0, 1]
     * @param count k, the most ({@link Mode#UNIFORM}) or exact ({@link Mode#FIXED}) number of modalities replaced (at
     *     least 1; capped at C − 1 so one real modality always remains)
     * @param mode how k is drawn
     * @param augment template channels get the sample's intensity augmentation
     * @param pairNorm how paired copies meet BatchNorm
     */
    public TemplateReplacement(double probability, int count, Mode mode, boolean augment, PairNorm pairNorm) {
        if (!(probability >= 0 && probability <= 1) || count < 1) {
            throw new MedvpException("template replacement needs a probability in [0, 1] and a count of at least 1, "
                    + "got " + probability + " and " + count);
        }
        this.probability = probability;
        this.count = count;
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        this.augment = augment;
        this.pairNorm = java.util.Objects.requireNonNull(pairNorm, "pairNorm");
    }

    /** @return p */
    public double probability() {
        return probability;
    }

    /** @return k */
    public int count() {
        return count;
    }

    /** @return how k is drawn */
    public Mode mode() {
        return mode;
    }

    /** @return whether template channels get the sample's intensity augmentation */
    public boolean augment() {
        return augment;
    }

    /** @return how paired copies meet BatchNorm */
    public PairNorm pairNorm() {
        return pairNorm;
    }

    /**
     * Draws the channels to replace.
     *
     * @param batch B
     * @param channels C
     * @param rng the step's generator
     * @return (B, C) true where the channel is replaced; {@link Mode#FIXED}: each row has 0 or
     *     {@code min(k, C − 1)} trues; {@link Mode#UNIFORM}: {@code min(U{0..k}, C − 1)} trues, 0 when not drawn
     */
    public boolean[][] draw(int batch, int channels, RandomGenerator rng) {
        int cap = Math.max(0, channels - 1);
        boolean[][] out = new boolean[batch][channels];
        for (int b = 0; b < batch; b++) {
            // Always draw the same amount of numbers per sample, so later samples do not depend on earlier outcomes.
            boolean replace = rng.nextDouble() < probability;
            int k = Math.min(mode == Mode.UNIFORM ? rng.nextInt(count + 1) : count, cap);
            int[] order = new int[channels];
            for (int i = 0; i < channels; i++) {
                order[i] = i;
            }
            for (int i = channels - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int i = 0; replace && i < k; i++) {
                out[b][order[i]] = true;
            }
        }
        return out;
    }

    /**
     * The model input of a training step: the batch with this replacement applied, or, {@code paired}, two copies of
     * the batch each with its own independent replacement, concatenated on the batch axis (2B samples; the caller
     * duplicates the targets, runs them through {@link #forward} and compares the two halves' features).
     *
     * @param x (B, C, X, Y, Z) images
     * @param templates (C, GX, GY, GZ) normalised templates in channel order
     * @param at where each sample lies in the template grid, and its intensity map
     * @param paired two copies instead of one
     * @param rng the step's generator
     * @param m the step's manager
     * @return (B or 2B, C, X, Y, Z)
     */
    public NDArray inputs(NDArray x, NDArray templates, Placement at, boolean paired, RandomGenerator rng,
            NDManager m) {
        int b = (int) x.getShape().get(0);
        int c = (int) x.getShape().get(1);
        int[] size = {(int) x.getShape().get(2), (int) x.getShape().get(3), (int) x.getShape().get(4)};
        NDArray crops = crops(templates, at.starts(), at.flips(), size, m);
        if (augment) {
            crops = intensity(crops, at.intensity(), m);
        }
        NDArray first = apply(x, crops, mask(draw(b, c, rng), m));
        return paired ? first.concat(apply(x, crops, mask(draw(b, c, rng), m)), 0) : first;
    }

    /**
     * The model on a step's input: one pass, or for paired input ({@code 2B} samples from {@link #inputs}) with
     * {@link PairNorm#SEPARATE} one pass per copy, the outputs joined on the batch axis as one pass would give them.
     *
     * @param model the model
     * @param ps the parameter store
     * @param x (B or 2B, C, X, Y, Z)
     * @param paired whether {@code x} holds two copies
     * @return the outputs in training mode
     */
    public TaskModel.Outputs forward(TaskModel model, ParameterStore ps, NDArray x, boolean paired) {
        if (!paired || pairNorm == PairNorm.JOINT) {
            return model.forward(ps, x, true);
        }
        long b = x.getShape().get(0) / 2;
        TaskModel.Outputs first = model.forward(ps, x.get("0:{}", b), true);
        TaskModel.Outputs second = model.forward(ps, x.get("{}:", b), true);
        NDList logits = new NDList();
        for (int i = 0; i < first.logits().size(); i++) {
            logits.add(first.logits().get(i).concat(second.logits().get(i), 0));
        }
        return new TaskModel.Outputs(logits, first.features().concat(second.features(), 0));
    }

    /**
     * Applies each sample's intensity map to its template crops.
     *
     * @param crops (B, C, X, Y, Z)
     * @param maps per sample {@code {a, b}} ({@link RandomIntensity#AFFINE})
     * @param manager where the (one) host array is created
     * @return {@code a·crops + b} per sample
     */
    static NDArray intensity(NDArray crops, double[][] maps, NDManager manager) {
        int n = maps.length;
        float[] ab = new float[2 * n];
        for (int i = 0; i < n; i++) {
            ab[i] = (float) maps[i][0];
            ab[n + i] = (float) maps[i][1];
        }
        NDArray both = HostArrays.copyOf(manager, ab, new Shape(2, n, 1, 1, 1, 1), crops.getDevice())
                .toType(crops.getDataType(), false);
        return crops.mul(both.get(0)).add(both.get(1));
    }

    /**
     * The replacement mask on the device.
     *
     * @param replace (B, C) from {@link #draw}
     * @param manager where to create it
     * @return (B, C, 1, 1, 1) of 0/1
     */
    public static NDArray mask(boolean[][] replace, NDManager manager) {
        int b = replace.length;
        int c = replace[0].length;
        float[] m = new float[b * c];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < c; j++) {
                m[i * c + j] = replace[i][j] ? 1f : 0f;
            }
        }
        return HostArrays.copyOf(manager, m, new Shape(b, c, 1, 1, 1));
    }

    /**
     * Blends images and template crops.
     *
     * @param images (B, C, X, Y, Z)
     * @param crops (B, C, X, Y, Z) from {@link #crops}
     * @param mask (B, C, 1, 1, 1) from {@link #mask}
     * @return the images with the masked channels replaced
     */
    public static NDArray apply(NDArray images, NDArray crops, NDArray mask) {
        NDArray m = mask.toDevice(images.getDevice(), false).toType(images.getDataType(), false);
        return images.mul(Scalars.rsub(1, m)).add(crops.mul(m));
    }

    /**
     * The template crops of a batch: sample b, channel c is template c cut at {@code starts[b]} with the sample's
     * flips, zero outside the template grid.
     *
     * @param templates (C, GX, GY, GZ) on the device
     * @param starts per sample, the crop origin in template voxels (may be negative or leave the grid)
     * @param flips per sample, which axes were flipped after cropping
     * @param size crop size (X, Y, Z)
     * @param manager where the index arrays are created (the step's)
     * @return (B, C, X, Y, Z)
     */
    public static NDArray crops(NDArray templates, int[][] starts, boolean[][] flips, int[] size,
            NDManager manager) {
        Shape g = templates.getShape();
        int b = starts.length;
        long c = g.get(0);
        long[] grid = {g.get(1), g.get(2), g.get(3)};
        long[] stride = {grid[1] * grid[2], grid[2], 1};
        NDArray index = null;
        NDArray valid = null;
        for (int a = 0; a < 3; a++) {
            long[] idx = new long[b * size[a]];
            float[] ok = new float[b * size[a]];
            for (int s = 0; s < b; s++) {
                for (int i = 0; i < size[a]; i++) {
                    long v = starts[s][a] + (flips[s][a] ? size[a] - 1 - i : i);
                    boolean in = v >= 0 && v < grid[a];
                    idx[s * size[a] + i] = in ? v * stride[a] : 0;
                    ok[s * size[a] + i] = in ? 1f : 0f;
                }
            }
            long[] shape = {b, 1, 1, 1, 1};
            shape[2 + a] = size[a];
            NDArray ia = HostArrays.copyOf(manager, idx, new Shape(shape), templates.getDevice());
            NDArray va = HostArrays.copyOf(manager, ok, new Shape(shape), templates.getDevice());
            index = index == null ? ia : index.add(ia);
            valid = valid == null ? va : valid.mul(va);
        }
        long voxels = grid[0] * grid[1] * grid[2];
        NDArray channel = Scalars.mul(manager.arange(0, (int) c, 1, DataType.INT64, templates.getDevice()), voxels)
                .reshape(1, c, 1, 1, 1);
        NDArray all = index.add(channel);
        NDArray values = templates.reshape(-1).take(manager, all);
        return values.mul(valid.toType(values.getDataType(), false));
    }

    /**
     * The crop origins, flips and intensity maps of a batch of the template-aware pipelines.
     *
     * @param batch the batch
     * @return {@code starts} (B × 3), {@code flips} (B × 3) and {@code intensity} (B × 2)
     * @throws MedvpException when a sample lacks the metadata
     */
    public static Placement placement(Batch batch) {
        int n = batch.size();
        int[][] starts = batch.repStarts();
        boolean[][] flips = new boolean[n][3];
        double[][] intensity = new double[n][];
        for (int i = 0; i < n; i++) {
            double[][] frame = (double[][]) batch.meta(i).get(Sample.ORIENT_AFFINE);
            Sample s = batch.sample(i);
            if (starts[i] == null || frame == null || s.geometry() == null) {
                throw new MedvpException("study " + batch.studyIds().get(i) + " has no template offset: template "
                        + "replacement needs the template-aware pipeline (Pipelines.segmentationTraining with a "
                        + "template grid)");
            }
            double[][] now = s.geometry().affine();
            for (int a = 0; a < 3; a++) {
                double dot = 0;
                for (int r = 0; r < 3; r++) {
                    dot += now[r][a] * frame[r][a];
                }
                flips[i][a] = dot < 0;
            }
            intensity[i] = RandomIntensity.affine(s);
        }
        return new Placement(starts, flips, intensity);
    }

    /**
     * Where each sample of a batch lies in the template grid, and how its intensities were augmented.
     *
     * @param starts crop origins in template voxels
     * @param flips axes flipped after the crop
     * @param intensity per sample {@code {a, b}}: the image's intensities are {@code a·v + b} of the unaugmented
     *     ones ({@link RandomIntensity#AFFINE})
     */
    public record Placement(int[][] starts, boolean[][] flips, double[][] intensity) {

        /**
         * A placement without intensity augmentation.
         *
         * @param starts crop origins in template voxels
         * @param flips axes flipped after the crop
         */
        public Placement(int[][] starts, boolean[][] flips) {
            this(starts, flips, identity(starts.length));
        }

        private static double[][] identity(int n) {
            double[][] out = new double[n][];
            for (int i = 0; i < n; i++) {
                out[i] = new double[] {1, 0};
            }
            return out;
        }
    }
}
