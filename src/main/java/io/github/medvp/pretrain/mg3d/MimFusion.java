package io.github.medvp.pretrain.mg3d;

/**
 * Which fusion layers and text MIM uses: the reference's {@code MG3DTransformerSS.infer} sends MIM (task name
 * {@code "swin_unter_mim"}) through the MLM branch, unlike the paper's Fig. 4.
 */
public enum MimFusion {
    /**
     * The paper's Fig. 4: MIM's own CrossGate stack ({@code local_img_cross}) with the volume as the
     * value stream and the sentence-level text as the gate.
     */
    PAPER,
    /**
     * The reference code (default): the MLM stack ({@code local_text_cross}) with token-level text as the first stream
     * (the task-name typo "swin_unter_mim" falls through to the MLM branch).
     */
    CODE
}
