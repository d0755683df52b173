package io.github.medvp.pretrain.mg3d;

import io.github.medvp.data.text.EncodedReport;
import io.github.medvp.data.text.ReportEncoder;
import io.github.medvp.data.text.TextBatch;
import io.github.medvp.data.text.WholeWordMasking;
import io.github.medvp.data.text.WordPieceTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Generated volume-report pairs for MG-3D tests: a bright ball in an otherwise dim volume, at one of four
 * positions (left/right × upper/lower) and of two sizes, with a two-sentence report saying where and how large it
 * is. The reports go through the real tokenizer and encoder with a tiny fixed vocabulary, including whole-word
 * MLM corruption and the per-sentence encodings.
 */
final class Mg3dSynthetic {

    static final String[] WORDS = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "there", "is", "a", "large",
        "small", "ball", "it", "lies", "left", "right", "upper", "lower", "."};
    static final int VOCAB = WORDS.length;
    static final int LENGTH = 16;
    static final int CLASSES = 8;

    private Mg3dSynthetic() {
    }

    /**
     * A model small enough for training tests on 32³ volumes: Swin width 12, one block per stage, window 4 (no
     * padding of the 16³ first grid), BERT width 64 with one layer; the volume-report CML, so the model has the
     * embeddings of retrieval.
     */
    static Mg3dModel.Builder smallModel() {
        return Mg3dModel.builder()
                .setVision(io.github.medvp.nn.swin.Swin3d.builder().setEmbedDim(12).optHeads(1, 2, 4, 8).optDepths(1, 1, 1, 1)
                        .optWindow(4))
                .setText(new io.github.medvp.nn.bert.BertConfig(VOCAB, 64, 1, 2, 128, 64, 2, 1e-12, 0.1, 0.1))
                .optTextTrainable(true).optCml(CmlMode.VOLUME_REPORT);
    }

    /** The report sentences of a class as word lists. */
    static List<List<String>> sentences(int cls) {
        boolean large = (cls & 4) != 0;
        String side = (cls & 1) != 0 ? "right" : "left";
        String level = (cls & 2) != 0 ? "upper" : "lower";
        return List.of(List.of("there", "is", "a", large ? "large" : "small", "ball", "."),
                List.of("it", "lies", level, side, "."));
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

    /** The tokenizer of the fixed vocabulary. */
    static WordPieceTokenizer tokenizer() {
        return new WordPieceTokenizer(List.of(WORDS), true, WordPieceTokenizer.MAX_WORD_CHARS, "synthetic");
    }

    /** The report of a class as text. */
    static String report(int cls) {
        StringBuilder sb = new StringBuilder();
        for (List<String> sentence : sentences(cls)) {
            sb.append(String.join(" ", sentence.subList(0, sentence.size() - 1))).append(". ");
        }
        return sb.toString().strip();
    }

    /** A batch of the given classes, reports encoded by the real encoder with whole-word MLM corruption. */
    static Mg3dBatch batch(int[] classes, int[] shape, SplittableRandom rng) {
        WordPieceTokenizer tok = tokenizer();
        ReportEncoder encoder = new ReportEncoder(tok, LENGTH);
        WholeWordMasking masking = new WholeWordMasking(tok, 0.15);
        int b = classes.length;
        int voxels = shape[0] * shape[1] * shape[2];
        float[] vol = new float[b * voxels];
        List<String> ids = new ArrayList<>();
        List<EncodedReport> reports = new ArrayList<>();
        List<WholeWordMasking.Masked> masked = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            System.arraycopy(volume(classes[i], shape, rng), 0, vol, i * voxels, voxels);
            ids.add("case" + i);
            EncodedReport r = encoder.encode(report(classes[i]), "");
            reports.add(r);
            masked.add(masking.mask(r, new Random(rng.nextLong())));
        }
        return new Mg3dBatch(ids, vol, new long[] {b, 1, shape[0], shape[1], shape[2]},
                TextBatch.collate(reports, masked, tok));
    }
}
