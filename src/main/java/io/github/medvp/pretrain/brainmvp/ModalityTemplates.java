package io.github.medvp.pretrain.brainmvp;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.engine.DeviceConstants;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.engine.Scalars;
import java.util.Arrays;
import java.util.List;

/**
 * BrainMVP's learnable modality templates ({@code rep_template} of {@code RecModel} in the reference's
 * {@code models/Uniformer.py}, used by {@code aug_rand_with_learnable_rep} in its {@code utils/ops.py}): one trainable
 * volume per modality, stored as a single parameter {@code rep_template} of shape (M, GX, GY, GZ) (8 × 240 × 240 × 155
 * in the reference, zeros at start), used min-max normalised,
 * {@code T̂_m = (T_m − min T_m) / (max T_m − min T_m + 1e-9)}, over each template's whole grid, and cropped at each
 * sample's integer {@code rep_start}.
 * <p>
 * {@link #normalisedCrops} computes the statistics once per step, only for the templates the step uses (at most one
 * per sample), and applies them to the crops: the values and gradients are those of normalising every template and
 * then cropping, without writing out 8 normalised grids. The crops are one gather from the flat parameter with
 * computed indices, so the backward pass scatters into one gradient buffer.
 * <p>
 * Gradients of min and max are shared equally by tied elements, as PyTorch's full reductions
 * ({@code template.min()}) do; this matters from the zero start, where every voxel ties. DJL's per-axis
 * {@code min} would give the whole gradient to one voxel.
 * <p>
 * The block's forward is {@code (rows (B) int64, starts (B, 3) int64, like (B, …, X, Y, Z))} → {@code (crops)}; it
 * cannot check the offsets without reading them, so prefer {@link #normalisedCrops}, which does.
 */
public final class ModalityTemplates extends AbstractBlock {

    /** The reference's guard against a flat template: {@code max − min + 1e-9}. */
    public static final float EPS = 1e-9f;

    private final List<Modality> modalities;
    private final int[] grid;
    private final Parameter templates;

    private ModalityTemplates(Builder b) {
        modalities = List.copyOf(b.modalities);
        grid = b.grid.clone();
        templates = addParameter(Parameter.builder().setName("rep_template").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(modalities.size(), grid[0], grid[1], grid[2]))
                .optInitializer(Initializer.ZEROS).build());
    }

    /** @return a builder; defaults: all 8 modalities in template order, a 240×240×155 grid */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the modality of each template row */
    public List<Modality> getModalities() {
        return modalities;
    }

    /** @return the template grid (GX, GY, GZ) */
    public int[] getGrid() {
        return grid.clone();
    }

    /** @return the parameter, (M, GX, GY, GZ), named {@code rep_template} as in the reference */
    public Parameter getTemplates() {
        return templates;
    }

    /**
     * @param modality a modality
     * @return its template row
     * @throws MedvpException when there is no template for it
     */
    public int row(Modality modality) {
        int row = modalities.indexOf(modality);
        if (row < 0) {
            throw new MedvpException("no template for modality " + modality + " (templates: " + modalities
                    + "); add it to the template modalities");
        }
        return row;
    }

    /**
     * Normalised template crops, one per sample.
     *
     * @param ps the parameter store of the step
     * @param manager owner of the index arrays (the batch's manager; results follow the caller's NDScope)
     * @param device where the crops are needed
     * @param rows template row per sample
     * @param starts {@code rep_start} per sample (x, y, z), integer voxels of the template grid
     * @param size crop size (X, Y, Z)
     * @param training whether gradients are recorded
     * @return (B, 1, X, Y, Z)
     * @throws MedvpException when a crop would leave the template grid
     */
    public NDArray normalisedCrops(ParameterStore ps, NDManager manager, Device device, int[] rows, int[][] starts,
            int[] size, boolean training) {
        if (rows.length != starts.length || rows.length == 0) {
            throw new IllegalArgumentException("one template row and one start per sample needed");
        }
        for (int b = 0; b < rows.length; b++) {
            checkInside(rows[b], starts[b], size);
        }
        // Distinct rows and each sample's position among them, on the host: torch.unique on a GPU would wait for
        // the device.
        long[] used = Arrays.stream(rows).distinct().sorted().asLongStream().toArray();
        long[] which = Arrays.stream(rows).mapToLong(r -> Arrays.binarySearch(used, r)).toArray();
        long[] s = Arrays.stream(starts).flatMapToInt(Arrays::stream).asLongStream().toArray();
        return crops(ps.getValue(templates, device, training),
                HostArrays.copyOf(manager, used, new Shape(used.length), device),
                HostArrays.copyOf(manager, which, new Shape(which.length), device),
                HostArrays.copyOf(manager, s, new Shape(rows.length, 3), device),
                new Shape(size[0], size[1], size[2]));
    }

    private void checkInside(int row, int[] start, int[] size) {
        if (row < 0 || row >= modalities.size()) {
            throw new IllegalArgumentException("template row " + row + " is not in 0.." + (modalities.size() - 1));
        }
        for (int a = 0; a < 3; a++) {
            if (start[a] < 0 || start[a] + size[a] > grid[a]) {
                throw new MedvpException("template crop at rep_start " + Arrays.toString(start) + " of size "
                        + Arrays.toString(size) + " leaves the " + Arrays.toString(grid) + " template grid: the study"
                        + " is not on the template grid (BrainMVP expects 1 mm RAS studies on the 240x240x155 SRI24"
                        + " canvas)");
            }
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray like = inputs.get(2);
        Shape size = like.getShape().slice(like.getShape().dimension() - 3);
        NDList distinct = inputs.get(0).unique(true, true, false); // sorted distinct rows, each row's position
        return new NDList(crops(ps.getValue(templates, like.getDevice(), training), distinct.get(0), distinct.get(1),
                inputs.get(1), size));
    }

    /**
     * Gathers the crops from the used templates and normalises them with per-template statistics.
     *
     * @param usedRows (R) the distinct template rows of the step
     * @param which (B) each sample's position in {@code usedRows}
     */
    private NDArray crops(NDArray t, NDArray usedRows, NDArray which, NDArray starts, Shape size) {
        NDManager manager = which.getManager();
        Device device = which.getDevice();
        long n = which.getShape().get(0);
        long gy = grid[1];
        long gz = grid[2];
        long voxels = (long) grid[0] * gy * gz;
        // Only the templates this step uses (at most one per sample): one copy feeds both the statistics and the
        // crops, so the backward pass scatters into the full-size gradient once.
        NDArray used = t.get(usedRows).reshape(usedRows.getShape().get(0), voxels);
        NDArray[] minMax = extrema(used);

        // Flat index of voxel (x, y, z) of sample b in `used`: which_b·V + (start_b + (x, y, z))·(GY·GZ, GZ, 1).
        NDArray strides = DeviceConstants.get(device, List.of("template strides", gy, gz),
                m -> HostArrays.copyOf(m, new long[] {gy * gz, gz, 1}, new Shape(3)));
        NDArray base = Scalars.mul(which, voxels).add(starts.mul(strides).sum(new int[] {1}));
        NDArray ax = manager.arange(0, (int) size.get(0), 1, DataType.INT64, device);
        NDArray ay = manager.arange(0, (int) size.get(1), 1, DataType.INT64, device);
        NDArray az = manager.arange(0, (int) size.get(2), 1, DataType.INT64, device);
        NDArray offsets = Scalars.mul(ax, gy * gz).reshape(-1, 1, 1).add(Scalars.mul(ay, gz).reshape(1, -1, 1))
                .add(az.reshape(1, 1, -1));
        NDArray index = base.reshape(n, 1, 1, 1).add(offsets.expandDims(0));
        NDArray raw = used.reshape(-1).take(manager, index);

        NDArray lo = minMax[0].get(which).reshape(n, 1, 1, 1);
        NDArray range = Scalars.add(minMax[1].get(which).reshape(n, 1, 1, 1).sub(lo), EPS);
        return raw.sub(lo).div(range).expandDims(1);
    }

    /**
     * Row-wise min and max of (R, V) whose gradients are shared equally by tied elements, as in PyTorch's full
     * reductions: {@code v + (Σ t·w − stop(Σ t·w)) / count} with {@code w} the tie indicator has the value
     * {@code v} and the gradient {@code w / count}.
     */
    static NDArray[] extrema(NDArray flat) {
        NDArray detached = flat.stopGradient();
        NDArray[] out = new NDArray[2];
        for (int k = 0; k < 2; k++) {
            NDArray value = k == 0 ? detached.min(new int[] {1}, true) : detached.max(new int[] {1}, true);
            NDArray tie = detached.eq(value);
            NDArray count = tie.sum(new int[] {1}, true).toType(flat.getDataType(), false);
            NDArray weights = tie.toType(flat.getDataType(), false);
            // (R, 1, V) x (R, V, 1): one dot product per row, reading both operands once.
            NDArray dot = flat.expandDims(1).matMul(weights.expandDims(2)).reshape(-1, 1);
            out[k] = value.add(dot.sub(dot.stopGradient()).div(count)).reshape(-1);
        }
        return out;
    }

    /**
     * All templates normalised to [0, 1] (the values the step uses), for export and inspection; no gradient.
     *
     * @return (M, GX, GY, GZ), attached to the parameter's manager (close it, or open an NDScope)
     */
    public NDArray normalised() {
        NDArray t = templates.getArray().stopGradient();
        NDArray flat = t.reshape(modalities.size(), -1);
        NDArray lo = flat.min(new int[] {1}, true);
        NDArray range = Scalars.add(flat.max(new int[] {1}, true).sub(lo), EPS);
        return flat.sub(lo).div(range).reshape(t.getShape());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape like = inputShapes[2];
        Shape size = like.slice(like.dimension() - 3);
        return new Shape[] {new Shape(like.get(0), 1, size.get(0), size.get(1), size.get(2))};
    }

    /** Builder for {@link ModalityTemplates}. */
    public static final class Builder {
        private List<Modality> modalities = Modality.TEMPLATED;
        private int[] grid = {240, 240, 155};

        private Builder() {
        }

        /**
         * @param modalities the modality of each template row, default all 8 in template order (the reference's
         *     default {@code --template_index} was flair, t1, t1c, t2)
         * @return this
         */
        public Builder optModalities(List<Modality> modalities) {
            this.modalities = List.copyOf(modalities);
            return this;
        }

        /** @param x GX @param y GY @param z GZ, default 240×240×155 (SRI24) @return this */
        public Builder optGrid(int x, int y, int z) {
            grid = new int[] {x, y, z};
            return this;
        }

        /** @return the templates (initialise before use) */
        public ModalityTemplates build() {
            if (modalities.isEmpty() || modalities.stream().distinct().count() != modalities.size()) {
                throw new IllegalArgumentException("ModalityTemplates: modalities must be non-empty and distinct");
            }
            if (!modalities.stream().allMatch(Modality::hasTemplate)) {
                throw new IllegalArgumentException("ModalityTemplates: templates exist only for " + Modality.TEMPLATED
                        + ", not " + modalities);
            }
            if (Arrays.stream(grid).anyMatch(g -> g < 1)) {
                throw new IllegalArgumentException("ModalityTemplates: grid sizes must be >= 1");
            }
            return new ModalityTemplates(this);
        }
    }
}
