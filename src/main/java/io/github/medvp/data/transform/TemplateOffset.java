package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.Voxels;
import java.util.random.RandomGenerator;

import io.github.medvp.MedvpException;

/**
 * BrainMVP's template ROI offset ({@code RecordAffined} of the reference's {@code utils/custom_trans.py} and
 * {@code rep_start_point} in {@code train_epoch} of its {@code main.py}). {@link #recordFrame()} stores the current
 * shape as {@link Sample#NEW_DIM} and the affine as {@link Sample#ORIENT_AFFINE} (after the second foreground crop);
 * {@link #repStart(int...)}, after the random crop and padding, stores
 * {@code rep_start = start + (template − new_dim) // 2} as {@link Sample#REP_START}, where {@code start} is the crop's
 * origin in voxels of the recorded frame (the reference's {@code t_crop − t_orient}, which is the same at 1 mm RAS) and
 * {@code //} is Python's floor division.
 */
public final class TemplateOffset implements Transform {

    /** BrainMVP's template grid (SRI24): 240×240×155. */
    public static final int[] SRI24 = { 240, 240, 155 };

    private final int[] template;

    private TemplateOffset(int[] template) {
        this.template = template == null ? null : template.clone();
    }

    /** Records {@code new_dim} and {@code orient_affine}. */
    public static TemplateOffset recordFrame() {
        return new TemplateOffset(null);
    }

    /** Computes {@code rep_start} against a template grid (usually {@link #SRI24}). */
    public static TemplateOffset repStart(int... templateShape) {
        if (templateShape.length != 3) {
            throw new IllegalArgumentException("template shape needs three values");
        }
        return new TemplateOffset(templateShape);
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        if (template == null) {
            return s.with(Sample.NEW_DIM, s.shape()).with(Sample.ORIENT_AFFINE, s.geometry().affine());
        }
        int[] newDim = (int[]) s.meta(Sample.NEW_DIM);
        double[][] frame = (double[][]) s.meta(Sample.ORIENT_AFFINE);
        if (newDim == null || frame == null) {
            throw new IllegalStateException("TemplateOffset.repStart needs TemplateOffset.recordFrame earlier");
        }
        int[] start = Voxels.voxelOffset(frame, s.geometry());
        int[] rep = new int[3];
        for (int a = 0; a < 3; a++) {
            rep[a] = start[a] + Math.floorDiv(template[a] - newDim[a], 2);
        }
        return s.with(Sample.REP_START, rep);
    }

    /**
     * Checks that a crop of {@code size} at {@code rep_start} lies inside the template; the reference asserts
     * this ({@code aug_rand_with_learnable_rep} in {@code utils/ops.py}), and it fails for studies not on the template
     * grid.
     *
     * @throws MedvpException naming the study
     */
    public static void checkInside(Sample s, int[] templateShape, int[] size) {
        int[] rep = (int[]) s.meta(Sample.REP_START);
        for (int a = 0; a < 3; a++) {
            if (rep[a] < 0 || rep[a] + size[a] > templateShape[a]) {
                throw new MedvpException("study " + s.id() + ": template offset " + java.util.Arrays.toString(rep)
                        + " puts the crop outside the " + java.util.Arrays.toString(templateShape)
                        + " template; BrainMVP needs studies on the 240x240x155 SRI24 grid");
            }
        }
    }

    @Override
    public String toString() {
        return template == null ? "TemplateOffset.recordFrame" : "TemplateOffset.repStart";
    }
}
