package io.github.medvp.pretrain.mg3d;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.engine.Engines;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.nn.bert.BertConfig;
import io.github.medvp.train.MemoryProbe;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.StepBenchmark;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Times the MG-3D pre-training step (all three passes forward, backward, Adam update; {@link StepBenchmark}) on random
 * inputs and reports throughput and memory. Presets: {@code tiny} (Swin width 12, a 2-layer BERT of width 128, 64×32×64
 * volumes, 64 tokens) and {@code b} / {@code l} (Swin-B / Swin-L, a frozen 12-layer BERT-base with RadBERT's
 * vocabulary, 128×96×128 volumes, 250 tokens, 10 sentences: the reference's sizes).
 */
public final class Mg3dBenchmark {

    private static final int RADBERT_VOCAB = 28_996;

    private Mg3dBenchmark() {
    }

    /**
     * @param preset {@code tiny}, {@code b} or {@code l}
     * @param batch volume-report pairs per step
     * @param warmup untimed steps first
     * @param steps timed steps
     * @param device where to run
     * @return one line: configuration, step time (median of forward, backward, update, whole step) and memory
     */
    public static String run(String preset, int batch, int warmup, int steps, Device device) {
        return run(preset, batch, null, warmup, steps, device, null);
    }

    /**
     * As {@link #run(String, int, int, int, Device)}, writing libtorch's operator profile of the last step.
     *
     * @param grid the volume grid (X, Y, Z), multiples of 32, or null for the preset's
     * @param profile where {@link OpProfile} writes the last step's profile, or null for none
     */
    public static String run(String preset, int batch, int[] grid, int warmup, int steps, Device device,
            Path profile) {
        boolean tiny = "tiny".equals(preset);
        int[] size = grid != null ? Mg3dSettings.checkedSize(grid)
                : tiny ? new int[] {64, 32, 64} : new int[] {128, 96, 128};
        int length = tiny ? 64 : 250;
        int sentences = tiny ? 4 : 10;
        int vocab = tiny ? 1000 : RADBERT_VOCAB;
        BertConfig text = tiny ? BertConfig.tiny(vocab) : BertConfig.base(vocab);
        Mg3dConfig config = new Mg3dConfig(tiny ? "tiny" : preset, text, tiny, MimFusion.CODE,
                CmlMode.JOINT, false, size, length, Mg3dConfig.Preprocessing.CT);
        MemoryProbe.resetPeaks();
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(device)) {
            Mg3dModel model = config.model().build();
            model.initialize(m, DataType.FLOAT32, new Shape(batch, 1, size[0], size[1], size[2]),
                    new Shape(batch, length));
            NamedParameters params = model.namedParameters();
            Mg3dStep step = Mg3dStep.builder().setModel(model).optContrastTrainsText(tiny).build();
            Mg3dInput input = randomInput(m, batch, size, length, sentences, vocab, new SplittableRandom(7));
            StepBenchmark.Result r = StepBenchmark.run(m, params, () -> Mg3dOptimizer.create(params, 1e-8, 5), 1e-5,
                    s -> step.forward(input, new SplittableRandom(s), true).total(), warmup, steps, batch, profile);
            return String.format(Locale.ROOT, "MG-3D %s %dx%dx%d, %d tokens, B=%d, %s: step %s; %s; %s", preset,
                    size[0], size[1], size[2], length, batch, device, r.timing("Adam", "; three passes", "volumes"),
                    r.memory().report(), r.peakHeap());
        }
    }

    /** Random volumes and reports: sentences of equal length, 15 % of the tokens with an MLM label. */
    static Mg3dInput randomInput(NDManager m, int batch, int[] size, int length, int sentences, int vocab,
            SplittableRandom rng) {
        int[] ids = new int[batch * length];
        int[] labels = new int[batch * length];
        int[] sentenceIndex = new int[batch * length];
        int per = (length - 2) / sentences;
        int ls = per + 2;
        int[] sentIds = new int[batch * sentences * ls];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                int i = b * length + t;
                ids[i] = 5 + rng.nextInt(vocab - 5);
                labels[i] = rng.nextDouble() < 0.15 ? ids[i] : Mg3dLosses.IGNORE;
                int k = (t - 1) / per;
                sentenceIndex[i] = t == 0 || t > sentences * per ? -1 : k + 1;
            }
            for (int k = 0; k < sentences; k++) {
                for (int t = 0; t < ls; t++) {
                    sentIds[(b * sentences + k) * ls + t] = 5 + rng.nextInt(vocab - 5);
                }
            }
        }
        Shape text = new Shape(batch, length);
        NDArray idArray = HostArrays.copyOf(m, ids, text);
        return new Mg3dInput(m.randomUniform(0f, 1f, new Shape(batch, 1, size[0], size[1], size[2])), idArray,
                idArray, HostArrays.copyOf(m, labels, text), m.ones(text, DataType.INT32),
                HostArrays.copyOf(m, sentenceIndex, text),
                HostArrays.copyOf(m, sentIds, new Shape(batch, sentences, ls)),
                m.ones(new Shape(batch, sentences, ls), DataType.INT32), sentences);
    }

    /**
     * {@code Mg3dBenchmark [tiny|b|l] [batch] [steps] [device]}, defaults tiny 2 3 cpu.
     *
     * @param args see above
     */
    public static void main(String[] args) {
        String preset = args.length > 0 ? args[0] : "tiny";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Device device = Engines.device(args.length > 3 ? args[3] : "cpu");
        System.out.println(run(preset, batch, 1, steps, device));
    }
}
