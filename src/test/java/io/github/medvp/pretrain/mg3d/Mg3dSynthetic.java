package io.github.medvp.pretrain.mg3d;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated volume-report pairs for MG-3D tests: a bright ball in an otherwise dim volume, at one of four
 * positions (left/right × upper/lower) and of two sizes, with a two-sentence report saying where and how large it
 * is. The reports are encoded directly with a tiny fixed vocabulary (the tokenizer has its own tests), including
 * whole-word MLM corruption and the per-sentence encodings.
 */
final class Mg3dSynthetic {

    static final int PAD = 0;
    static final int CLS = 2;
    static final int SEP = 3;
    static final int MASK = 4;
    static final String[] WORDS = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "there", "is", "a", "large",
        "small", "ball", "it", "lies", "left", "right", "upper", "lower", "."};
    static final int VOCAB = WORDS.length;
    static final int LENGTH = 16;
    static final int SENTENCES = 2;
    static final int SENTENCE_LENGTH = 8;
    static final int CLASSES = 8;

    private Mg3dSynthetic() {
    }

    /**
     * A model small enough for training tests on 32³ volumes: Swin width 12, one block per stage, window 4 (no
     * padding of the 16³ first grid), BERT width 64 with one layer.
     */
    static Mg3dModel.Builder smallModel() {
        return Mg3dModel.builder()
                .setVision(io.github.medvp.nn.Swin3d.builder().setEmbedDim(12).optHeads(1, 2, 4, 8).optDepths(1, 1, 1, 1)
                        .optWindow(4))
                .setText(new io.github.medvp.nn.BertConfig(VOCAB, 64, 1, 2, 128, 64, 2, 1e-12, 0.1, 0.1))
                .optTextTrainable(true);
    }

    /** The report sentences of a class as word lists. */
    static List<List<String>> sentences(int cls) {
        boolean large = (cls & 4) != 0;
        String side = (cls & 1) != 0 ? "right" : "left";
        String level = (cls & 2) != 0 ? "upper" : "lower";
        return List.of(List.of("there", "is", "a", large ? "large" : "small", "ball", "."),
                List.of("it", "lies", level, side, "."));
    }

    static int id(String word) {
        for (int i = 0; i < WORDS.length; i++) {
            if (WORDS[i].equals(word)) {
                return i;
            }
        }
        throw new IllegalArgumentException(word);
    }

    /** A (X, Y, Z) volume of the class, X fastest, with a little noise. */
    static float[] volume(int cls, int[] shape, SplittableRandom rng) {
        int nx = shape[0];
        int ny = shape[1];
        int nz = shape[2];
        double cx = ((cls & 1) != 0 ? 0.72 : 0.28) * nx + rng.nextDouble(-2, 2);
        double cz = ((cls & 2) != 0 ? 0.72 : 0.28) * nz + rng.nextDouble(-2, 2);
        double cy = 0.5 * ny;
        double radius = ((cls & 4) != 0 ? 0.22 : 0.1) * nx;
        float[] v = new float[nx * ny * nz];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    double d = Math.sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz));
                    v[x + nx * (y + ny * z)] = (float) ((d < radius ? 0.9 : 0.1) + rng.nextDouble(-0.05, 0.05));
                }
            }
        }
        return v;
    }

    /** A batch of the given classes; MLM corruption masks one whole word per report. */
    static Mg3dBatch batch(int[] classes, int[] shape, SplittableRandom rng) {
        int b = classes.length;
        int voxels = shape[0] * shape[1] * shape[2];
        ByteBuffer vol = ByteBuffer.allocateDirect(b * voxels * 4).order(ByteOrder.nativeOrder());
        int[] tokens = new int[b * LENGTH];
        int[] mlm = new int[b * LENGTH];
        int[] labels = new int[b * LENGTH];
        int[] mask = new int[b * LENGTH];
        int[] sentenceIndex = new int[b * LENGTH];
        int[] sentTokens = new int[b * SENTENCES * SENTENCE_LENGTH];
        int[] sentMask = new int[b * SENTENCES * SENTENCE_LENGTH];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            for (float f : volume(classes[i], shape, rng)) {
                vol.putFloat(f);
            }
            ids.add("case" + i);
            java.util.Arrays.fill(labels, i * LENGTH, (i + 1) * LENGTH, Mg3dLosses.IGNORE);
            java.util.Arrays.fill(sentenceIndex, i * LENGTH, (i + 1) * LENGTH, -1);
            int pos = i * LENGTH;
            tokens[pos] = CLS;
            mask[pos++] = 1;
            List<List<String>> sents = sentences(classes[i]);
            for (int k = 0; k < sents.size(); k++) {
                int sp = (i * SENTENCES + k) * SENTENCE_LENGTH;
                sentTokens[sp] = CLS;
                sentMask[sp++] = 1;
                for (String w : sents.get(k)) {
                    tokens[pos] = id(w);
                    mask[pos] = 1;
                    sentenceIndex[pos++] = k + 1;
                    sentTokens[sp] = id(w);
                    sentMask[sp++] = 1;
                }
                sentTokens[sp] = SEP;
                sentMask[sp] = 1;
            }
            tokens[pos] = SEP;
            mask[pos] = 1;
            System.arraycopy(tokens, i * LENGTH, mlm, i * LENGTH, LENGTH);
            int words = sents.get(0).size() + sents.get(1).size();
            int chosen = i * LENGTH + 1 + rng.nextInt(words);
            labels[chosen] = tokens[chosen];
            mlm[chosen] = MASK;
        }
        return new Mg3dBatch(ids, vol, new long[] {b, 1, shape[0], shape[1], shape[2]}, tokens, mlm, labels, mask,
                sentenceIndex, sentTokens, sentMask, LENGTH, SENTENCES, SENTENCE_LENGTH);
    }
}
