package io.github.medvp.pretrain.mg3d;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One MG-3D micro-batch on the host: the volumes (X-fastest floats of (B, 1, X, Y, Z), as {@link
 * io.github.medvp.data.Batch} holds them) and the encoded reports as flat int arrays; {@link #toInput} moves
 * everything to the device in one transfer per field.
 *
 * @param ids study ids, for messages
 * @param volumes the volume bytes (native-order float32)
 * @param volumeShape (B, 1, X, Y, Z)
 * @param tokens (B·L) token ids
 * @param mlmTokens (B·L) MLM-corrupted ids
 * @param mlmLabels (B·L) MLM labels (−100 where not corrupted)
 * @param attentionMask (B·L) 1 for real tokens
 * @param sentenceIndex (B·L) 1-based sentence per token, −1 elsewhere
 * @param sentenceTokens (B·S·Ls) per-sentence encodings, padded with 0
 * @param sentenceTokenMask (B·S·Ls) 1 for real tokens of the per-sentence encodings
 * @param length L
 * @param sentences S
 * @param sentenceLength Ls
 */
public record Mg3dBatch(List<String> ids, ByteBuffer volumes, long[] volumeShape, int[] tokens, int[] mlmTokens,
        int[] mlmLabels, int[] attentionMask, int[] sentenceIndex, int[] sentenceTokens, int[] sentenceTokenMask,
        int length, int sentences, int sentenceLength) {

    /** @return B */
    public int size() {
        return (int) volumeShape[0];
    }

    /**
     * @param manager the step's manager (device)
     * @return the batch as device arrays
     */
    public Mg3dInput toInput(NDManager manager) {
        int b = size();
        Shape text = new Shape(b, length);
        Shape sent = new Shape(b, sentences, sentenceLength);
        return new Mg3dInput(manager.create(volumes.rewind(), new Shape(volumeShape), DataType.FLOAT32),
                manager.create(tokens, text), manager.create(mlmTokens, text), manager.create(mlmLabels, text),
                manager.create(attentionMask, text), manager.create(sentenceIndex, text),
                manager.create(sentenceTokens, sent), manager.create(sentenceTokenMask, sent), sentences);
    }
}
