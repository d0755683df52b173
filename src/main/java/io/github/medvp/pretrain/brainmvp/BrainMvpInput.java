package io.github.medvp.pretrain.brainmvp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.data.manifest.Modality;
import java.util.List;

/**
 * One BrainMVP micro-batch as the step needs it: the images on the device and the per-sample metadata that stays on
 * the host (so the step never reads the device).
 *
 * @param images (B, C, X, Y, Z) intensities in [0, 1], C channels (4 in the reference) of one study per sample
 * @param modalities per sample, the modality of each channel (duplicates allowed, as for studies with fewer than C
 *     modalities)
 * @param repStart per sample, the template offset {@code rep_start} (x, y, z) of the crop ({@code rep_start_point} in
 *     {@code train_epoch} of the reference's {@code main.py})
 */
public record BrainMvpInput(NDArray images, List<List<Modality>> modalities, int[][] repStart) {

    /** Checks that the metadata fits the images. */
    public BrainMvpInput {
        Shape s = images.getShape();
        if (s.dimension() != 5) {
            throw new IllegalArgumentException("BrainMVP images must be (B, C, X, Y, Z), got " + s);
        }
        modalities = modalities.stream().map(List::copyOf).toList();
        if (modalities.size() != s.get(0) || repStart.length != s.get(0)) {
            throw new IllegalArgumentException("BrainMVP batch of " + s.get(0) + " samples has modality lists for "
                    + modalities.size() + " and rep_start for " + repStart.length);
        }
        for (int b = 0; b < repStart.length; b++) {
            if (modalities.get(b).size() != s.get(1) || repStart[b].length != 3) {
                throw new IllegalArgumentException("sample " + b + ": need " + s.get(1) + " modalities and a 3-axis "
                        + "rep_start, got " + modalities.get(b) + " and " + java.util.Arrays.toString(repStart[b]));
            }
        }
        repStart = java.util.Arrays.stream(repStart).map(int[]::clone).toArray(int[][]::new);
    }

    /** @return B */
    public int batchSize() {
        return (int) images.getShape().get(0);
    }

    /** @return C */
    public int channels() {
        return (int) images.getShape().get(1);
    }

    /** @return (X, Y, Z) */
    public int[] spatial() {
        Shape s = images.getShape();
        return new int[] {(int) s.get(2), (int) s.get(3), (int) s.get(4)};
    }
}
