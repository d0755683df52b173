package io.github.medvp.pretrain.mg3d;

import ai.djl.ndarray.NDArray;

/**
 * One MG-3D micro-batch on the device (the batch fields of {@code BaseDataset.collate} in the reference's
 * {@code mg3d/datasets/base_dataset.py}).
 *
 * @param volumes (B, 1, X, Y, Z) in [0, 1]
 * @param ids (B, L) token ids ({@code text_ids})
 * @param mlmIds (B, L) ids after whole-word MLM corruption ({@code text_ids_mlm})
 * @param mlmLabels (B, L) original id at corrupted positions, −100 elsewhere ({@code text_labels_mlm})
 * @param attentionMask (B, L) 1 for real tokens ({@code text_masks})
 * @param sentenceIndex (B, L) 1-based sentence of each token, −1 for [CLS], [SEP] and padding
 * @param sentenceIds (B, S, Ls) each sentence tokenised alone with [CLS]/[SEP], padded ({@code sen_txt_ids})
 * @param sentenceTokenMask (B, S, Ls) 1 for the real tokens of {@code sentenceIds}
 * @param sentences S, the largest sentence count of the batch (the padded sentence axis)
 */
public record Mg3dInput(NDArray volumes, NDArray ids, NDArray mlmIds, NDArray mlmLabels, NDArray attentionMask,
        NDArray sentenceIndex, NDArray sentenceIds, NDArray sentenceTokenMask, int sentences) {

    /** @return B */
    public int batchSize() {
        return (int) volumes.getShape().get(0);
    }
}
