package io.github.medvp.pretrain.mg3d;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import io.github.medvp.Progress;
import io.github.medvp.data.text.EncodedReport;
import io.github.medvp.data.text.TextBatch;
import io.github.medvp.engine.HostArrays;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Volume and report embeddings of an MG-3D model for zero-shot classification and retrieval
 * ({@link Mg3dModel#volumeEmbedding}, {@link Mg3dModel#reportEmbedding}), in evaluation mode, batch by batch, each
 * batch in its own scope; one host read per batch.
 */
public final class Mg3dEmbedder {

    private final Mg3dCheckpoint checkpoint;
    private final NDManager manager;
    private final int batchSize;

    /**
     * @param checkpoint the model and tokenizer
     * @param manager the device's manager
     * @param batchSize volumes or reports per forward pass
     */
    public Mg3dEmbedder(Mg3dCheckpoint checkpoint, NDManager manager, int batchSize) {
        this.checkpoint = checkpoint;
        this.manager = manager;
        this.batchSize = Math.max(1, batchSize);
    }

    /**
     * @param data preprocessed pairs (without MLM masking)
     * @param progress progress and cancel
     * @return one unit row per pair's volume
     */
    public float[][] volumes(Mg3dData data, Progress progress) {
        int n = data.size();
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += batchSize) {
            progress.checkCancelled();
            int[] idx = IntStream.range(from, Math.min(n, from + batchSize)).toArray();
            Mg3dBatch batch = data.batch(idx, 0);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray v = HostArrays.copyOf(manager, batch.volumes(),
                        new ai.djl.ndarray.types.Shape(batch.volumeShape()));
                split(checkpoint.model().volumeEmbedding(new ParameterStore(manager, false), v, false), out, from);
            }
            progress.update("volumes", Math.min(n, from + batchSize), n, "embedding volumes");
        }
        return out;
    }

    /**
     * @param reports encoded reports (or prompts)
     * @return one unit row per report
     */
    public float[][] reports(List<EncodedReport> reports) {
        int n = reports.size();
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += batchSize) {
            List<EncodedReport> part = new ArrayList<>(reports.subList(from, Math.min(n, from + batchSize)));
            TextBatch text = TextBatch.collate(part, null, checkpoint.encoder().tokenizer());
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDList t = text.toNDList(manager);
                split(checkpoint.model().reportEmbedding(new ParameterStore(manager, false), t.get(0), t.get(1),
                        t.get(2), text.maxSentences(), false), out, from);
            }
        }
        return out;
    }

    /**
     * @param texts free texts (prompts), each encoded as one report's findings
     * @return one unit row per text
     */
    public float[][] texts(List<String> texts) {
        List<EncodedReport> enc = new ArrayList<>();
        for (String t : texts) {
            enc.add(checkpoint.encoder().encode(t, ""));
        }
        return reports(enc);
    }

    private static void split(NDArray rows, float[][] out, int from) {
        int d = (int) rows.getShape().get(1);
        float[] flat = rows.toFloatArray();
        for (int i = 0; i < flat.length / d; i++) {
            out[from + i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
    }
}
