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
