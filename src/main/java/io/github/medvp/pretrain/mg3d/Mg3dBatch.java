package io.github.medvp.pretrain.mg3d;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.data.text.TextBatch;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.engine.Scalars;
import java.util.List;

/**
 * One MG-3D micro-batch on the host: the preprocessed volumes and the collated reports; {@link #toInput} moves them
 * to the device.
 *
 * @param ids study ids, for messages and output tables
 * @param volumes the voxels, X fastest per sample, samples one after the other (copied to the device: a shared
 *     host buffer would have to outlive the backward pass)
 * @param volumeShape (B, 1, X, Y, Z)
 * @param text the collated reports (with MLM arrays for training)
 */
public record Mg3dBatch(List<String> ids, float[] volumes, long[] volumeShape, TextBatch text) {

    /** @return B */
    public int size() {
        return (int) volumeShape[0];
    }

    /**
     * The batch in {@code parts} consecutive blocks of equal size, for the replicas of a data-parallel step
     * ({@link io.github.medvp.train.DataParallel}); the text keeps the whole batch's padding.
     *
     * @param parts how many blocks; must divide {@link #size()}
     * @return the blocks, in order
     */
    public List<Mg3dBatch> split(int parts) {
        int b = size();
        if (parts < 1 || b % parts != 0) {
            throw new IllegalArgumentException("a batch of " + b + " cannot be split into " + parts + " equal parts");
        }
        int each = b / parts;
        int voxels = volumes.length / b;
        List<Mg3dBatch> out = new java.util.ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            long[] shape = volumeShape.clone();
            shape[0] = each;
            out.add(new Mg3dBatch(ids.subList(p * each, (p + 1) * each), java.util.Arrays.copyOfRange(volumes,
                    p * each * voxels, (p + 1) * each * voxels), shape, text.rows(p * each, each)));
        }
        return out;
    }

    /**
     * @param manager the step's manager (device)
     * @return the batch as device arrays; without MLM arrays the corrupted ids are the ids and no label is set
     */
    public Mg3dInput toInput(NDManager manager) {
        NDList t = text.toNDList(manager);
        NDArray ids = t.get(0);
        NDArray mlmIds = text.hasMlm() ? t.get(5) : ids;
        NDArray labels = text.hasMlm() ? t.get(6) : Scalars.add(ids.zerosLike(), Mg3dLosses.IGNORE);
        return new Mg3dInput(HostArrays.copyOf(manager, volumes, new Shape(volumeShape)), ids, mlmIds, labels, t.get(1),
                t.get(2), t.get(3), t.get(4), text.maxSentences());
    }
}
