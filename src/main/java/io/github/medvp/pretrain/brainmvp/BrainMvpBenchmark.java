package io.github.medvp.pretrain.brainmvp;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.engine.Engines;
import io.github.medvp.train.Adam;
import io.github.medvp.train.MemoryProbe;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.StepBenchmark;
import io.github.medvp.train.StepContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times the BrainMVP pre-training step (forward, backward, AdamW update; {@link StepBenchmark}) on random inputs, all
 * phases on (cross-modal view and contrastive term), and reports throughput and memory: heap now and at its peak,
 * resident memory now and at its peak, and GPU memory on a GPU. Presets: {@code tiny} (32³, 8 × 48³ templates) and
 * {@code small} (96³, 8 × 240×240×155 templates, the reference's sizes).
 */
public final class BrainMvpBenchmark {

    private static final List<Modality> MODALITIES = List.of(Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2);

    private BrainMvpBenchmark() {
    }

    /**
     * @param preset {@code tiny} or {@code small}
     * @param batch studies per step (B; the encoder sees 2B volumes)
     * @param warmup untimed steps first
     * @param steps timed steps
     * @param device where to run
     * @return one line: configuration, step time (median of forward, backward, update, whole step) and memory
     */
    public static String run(String preset, int batch, int warmup, int steps, Device device) {
        return run(preset, batch, warmup, steps, device, null);
    }

    /**
     * As {@link #run(String, int, int, int, Device)}, writing libtorch's operator profile of the last step.
     *
     * @param profile where {@link OpProfile} writes the last step's profile, or null for none
     */
    public static String run(String preset, int batch, int warmup, int steps, Device device, Path profile) {
        return run(preset, batch, warmup, steps, List.of(device), profile);
    }

    /**
     * As {@link #run(String, int, int, int, Device, Path)} with one replica per device, each of {@code batch}
     * studies (a data-parallel step): the line then also gives the throughput per device and in total.
     *
     * @param devices one per replica; the first holds the parameters
     */
    public static String run(String preset, int batch, int warmup, int steps, List<Device> devices, Path profile) {
        Device device = devices.get(0);
        boolean small = "small".equals(preset);
        if (!small && !"tiny".equals(preset)) {
            throw new IllegalArgumentException("preset must be tiny or small, got " + preset);
        }
        int size = small ? 96 : 32;
        BrainMvpModel.Builder builder = small ? BrainMvpModel.small() : BrainMvpModel.tiny();
        if (!small) {
            builder.optTemplates(ModalityTemplates.builder().optGrid(48, 48, 48));
        }
        int[] grid = small ? new int[] {240, 240, 155} : new int[] {48, 48, 48};
        MemoryProbe.resetPeaks();
        try (NDManager m = NDManager.newBaseManager(device)) {
            BrainMvpModel model = builder.build();
            model.initialize(m, DataType.FLOAT32, new Shape(1, 1, size, size, size));
            NamedParameters params = model.namedParameters();
            BrainMvpStep step = BrainMvpStep.builder().setModel(model).optTemplateWarmupEpochs(-1)
                    .optContrastiveStartEpoch(0).build();
            List<List<Modality>> modalities = new ArrayList<>();
            int[][] starts = new int[batch][];
            for (int b = 0; b < batch; b++) {
                modalities.add(MODALITIES);
                starts[b] = new int[] {(grid[0] - size) / 2, (grid[1] - size) / 2, (grid[2] - size) / 2};
            }
            List<BrainMvpInput> inputs = new ArrayList<>();
            for (Device d : devices) {
                inputs.add(new BrainMvpInput(m.randomUniform(0f, 1f, new Shape(batch, 4, size, size, size),
                        DataType.FLOAT32, d), modalities, starts));
            }
            StepBenchmark.Result r = StepBenchmark.run(m, params,
                    () -> Adam.builder().setParameters(params).optWeightDecay(1e-5).build(), 3e-4, devices,
                    (s, replica, rm) -> step.forward(inputs.get(replica), new StepContext(1000, s, 0, 1, 46, rm))
                            .total(), warmup, steps, 2 * batch, profile);
            return String.format(Locale.ROOT, "BrainMVP %s %d³ B=%d (%d encoder volumes), templates %dx%dx%dx%d, %s: "
                    + "step %s%s; %s; %s", preset, size, batch, 2 * batch, model.getTemplates().getModalities().size(),
                    grid[0], grid[1], grid[2], devices.size() == 1 ? device : devices,
                    r.timing("AdamW", "", "volumes"), r.perDevice(devices, "volumes"), r.memory().report(),
                    r.peakHeap());
        }
    }

    /**
     * {@code BrainMvpBenchmark [tiny|small] [batch] [steps] [device]}, defaults tiny 3 5 cpu.
     *
     * @param args see above
     */
    public static void main(String[] args) {
        String preset = args.length > 0 ? args[0] : "tiny";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Device device = Engines.device(args.length > 3 ? args[3] : "cpu");
        System.out.println(run(preset, batch, 1, steps, device));
    }
}
