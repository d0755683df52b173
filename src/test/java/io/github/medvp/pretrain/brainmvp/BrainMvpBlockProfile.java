package io.github.medvp.pretrain.brainmvp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.medvp.engine.Engines;
import io.github.medvp.nn.UniFormer3d;
import io.github.medvp.train.MemoryProbe;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where the BrainMVP step spends its time: every encoder block (patch embeddings, CBlocks, SABlocks) and the
 * reconstruction decoder run in isolation on random inputs of the shapes they see in the real step, forward and
 * backward (gradient of {@code sum(out · g)} for a random g), in training mode, with the peak resident memory.
 * <p>
 * {@code BrainMvpBlockProfile [small|tiny] [batch 1] [reps 2]}: the encoder sees 2·batch volumes (two views). The
 * whole step, with its peak memory, is {@link BrainMvpBenchmark}. Times are the median of {@code reps} runs after one
 * untimed run; the process's peak RSS (VmHWM) is printed after each block, so its growth tells the block's peak.
 */
public final class BrainMvpBlockProfile {

    private BrainMvpBlockProfile() {
    }

    public static void main(String[] args) {
        String preset = args.length > 0 ? args[0] : "small";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        boolean small = "small".equals(preset);
        int size = small ? 96 : 32;
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            BrainMvpModel.Builder builder = small ? BrainMvpModel.small() : BrainMvpModel.tiny();
            if (!small) {
                builder.optTemplates(ModalityTemplates.builder().optGrid(48, 48, 48));
            }
            BrainMvpModel model = builder.build();
            Shape input = new Shape(2L * batch, 1, size, size, size);
            model.initialize(m, DataType.FLOAT32, input);
            ParameterStore ps = new ParameterStore(m, false);
            UniFormer3d enc = model.getEncoder();
            List<String> names = new ArrayList<>();
            List<Block> blocks = new ArrayList<>();
            for (int s = 1; s <= 4; s++) {
                names.add("patch_embed" + s);
                blocks.add(enc.getPatchEmbed(s));
                List<Block> stage = enc.getBlocks(s);
                for (int i = 0; i < stage.size(); i++) {
                    names.add("blocks" + s + "_" + i + " (" + stage.get(i).getClass().getSimpleName() + ")");
                    blocks.add(stage.get(i));
                }
            }
            double totalF = 0;
            double totalB = 0;
            // Each block gets the array the previous block produced (computed without gradient), so it sees the
            // memory layout of the real step: PatchEmbed3d hands on a channels-last view, which matters a lot.
            NDArray x = m.randomUniform(0f, 1f, input);
            NDList features = new NDList();
            for (int i = 0; i < blocks.size(); i++) {
                double[] fb = time(m, ps, blocks.get(i), new NDList(x), reps);
                totalF += fb[0];
                totalB += fb[1];
                System.out.printf(Locale.ROOT, "%-26s in %-22s forward %7.0f ms  backward %7.0f ms  %s%n",
                        names.get(i), x.getShape(), fb[0], fb[1], MemoryProbe.sample(m.getDevice()).report());
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    x = blocks.get(i).forward(ps, new NDList(x), true).singletonOrThrow();
                    NDScope.unregister(x);
                }
                if (i + 1 == blocks.size() || names.get(i + 1).startsWith("patch_embed")) {
                    features.add(i + 1 == blocks.size() ? enc.getNorm().forward(ps, new NDList(x), true).head() : x);
                }
            }
            double[] fb = time(m, ps, model.getDecoder(), features, reps);
            totalF += fb[0];
            totalB += fb[1];
            System.out.printf(Locale.ROOT, "%-26s in %-22s forward %7.0f ms  backward %7.0f ms  %s%n", "decoder",
                    features.get(0).getShape() + "..", fb[0], fb[1], MemoryProbe.sample(m.getDevice()).report());
            System.out.printf(Locale.ROOT, "sum of blocks: forward %.0f ms, backward %.0f ms%n", totalF, totalB);
        }
    }

    /** Median forward and backward milliseconds of one block on (detached views of) the given inputs. */
    private static double[] time(NDManager m, ParameterStore ps, Block block, NDList inputs, int reps) {
        double[] f = new double[reps];
        double[] b = new double[reps];
        for (int r = -1; r < reps; r++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDList in = new NDList();
                for (NDArray input : inputs) {
                    NDArray a = input.stopGradient();
                    a.setRequiresGradient(true);
                    in.add(a);
                }
                try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                    long t0 = System.nanoTime();
                    NDList out = block.forward(ps, in, true);
                    NDArray loss = null;
                    for (NDArray o : out) {
                        NDArray term = o.mul(m.randomNormal(o.getShape())).sum();
                        loss = loss == null ? term : loss.add(term);
                    }
                    loss.getFloat(); // waits for the device
                    long t1 = System.nanoTime();
                    gc.backward(loss);
                    in.get(0).getGradient().get(0, 0, 0, 0, 0).getFloat();
                    long t2 = System.nanoTime();
                    if (r >= 0) {
                        f[r] = (t1 - t0) / 1e6;
                        b[r] = (t2 - t1) / 1e6;
                    }
                }
            }
        }
        Arrays.sort(f);
        Arrays.sort(b);
        return new double[] {f[reps / 2], b[reps / 2]};
    }
}
