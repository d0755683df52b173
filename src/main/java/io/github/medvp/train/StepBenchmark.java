package io.github.medvp.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import io.github.medvp.engine.OpProfile;
import io.github.medvp.engine.ReplicaGroup;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The timing loop of the training-step benchmarks (BrainMVP and MG-3D pre-training, segmentation fine-tuning), so
 * their figures are measured the same way: {@code warmup} untimed steps, then {@code steps} timed ones, each zeroing
 * the gradients, running the forward pass, the backward pass and the optimiser update, and waiting for the device
 * after each phase (reading the loss, one element of the first trainable gradient, one element of the first trainable
 * parameter) so that forward, backward and update are each their own device time. A benchmark supplies only its
 * parameters, its optimiser and the loss of one step.
 * <p>
 * The optimiser is created by the loop and closed before memory is sampled, so the memory figures are those of the
 * model and its inputs after the steps. Peaks are not reset here: a benchmark resets them ({@link
 * MemoryProbe#resetPeaks()}) where its measurement starts, before or after building the model.
 */
public final class StepBenchmark {

    /** The forward pass of one step. */
    @FunctionalInterface
    public interface Forward {

        /**
         * Runs inside the loop's gradient collector and step scope.
         *
         * @param step the step's index, warm-up steps included (0-based)
         * @return the loss to back-propagate (0-dimensional)
         */
        NDArray loss(int step);
    }

    /** One replica's share of a step's forward pass, on several devices. */
    @FunctionalInterface
    public interface ReplicaForward {

        /**
         * Runs on the replica's thread inside the loop's gradient collector and step scope.
         *
         * @param step the step's index, warm-up steps included (0-based)
         * @param replica the replica's index (0 on one device)
         * @param manager the replica's manager (its device)
         * @return the replica's loss, a mean over its batch (0-dimensional)
         */
        NDArray loss(int step, int replica, NDManager manager);
    }

    /**
     * What a run measured.
     *
     * @param forward time to the loss
     * @param backward time of the backward pass
     * @param update time of the optimiser update
     * @param whole the whole step (gradient zeroing included)
     * @param memory memory after the steps, the optimiser closed
     * @param peakHeapMiB the peak Java heap since the last {@link MemoryProbe#resetPeaks()}, MiB
     */
    public record Result(StepTimer forward, StepTimer backward, StepTimer update, StepTimer whole,
            MemoryProbe.Sample memory, double peakHeapMiB) {

        /**
         * The timing part of a report line:
         * {@code "0.520 s (forward …, backward …, <optimiser> …; median of N<note>), 11.50 <unit>/s"}, times in
         * seconds (medians), the throughput from the mean step time.
         *
         * @param optimiser the update's name in the line ({@code Adam}, {@code AdamW})
         * @param note appended inside the parentheses, e.g. {@code "; three passes"}, or empty
         * @param unit what the throughput counts ({@code volumes}, {@code crops})
         * @return the text
         */
        public String timing(String optimiser, String note, String unit) {
            return String.format(Locale.ROOT, "%.3f s (forward %.3f, backward %.3f, %s %.3f; median of %d%s), "
                    + "%.2f %s/s", whole.medianMs() / 1e3, forward.medianMs() / 1e3, backward.medianMs() / 1e3,
                    optimiser, update.medianMs() / 1e3, whole.measured(), note, whole.volumesPerSecond(), unit);
        }

        /**
         * @param devices the replicas' devices
         * @param unit what the throughput counts
         * @return {@code ""} on one device, else {@code ", 11.50 volumes/s total = 5.75 per device x 2 devices
         *     [gpu(0), gpu(1)]"}: the replicas run each step together, so each device's share is the total over
         *     the device count
         */
        public String perDevice(List<Device> devices, String unit) {
            if (devices.size() < 2) {
                return "";
            }
            double total = whole.volumesPerSecond();
            return String.format(Locale.ROOT, ", %.2f %s/s total = %.2f per device x %d devices %s", total, unit,
                    total / devices.size(), devices.size(), devices);
        }

        /** @return {@code "peak heap 123.4 MiB"} */
        public String peakHeap() {
            return String.format(Locale.ROOT, "peak heap %.1f MiB", peakHeapMiB);
        }
    }

    private StepBenchmark() {
    }

    /**
     * As {@link #run(NDManager, NamedParameters, Supplier, double, Forward, int, int, int, Path)} with one replica
     * per device ({@code bench pretrain device=gpu:0,1}): each step runs every replica's forward pass on its device
     * (as a data-parallel training step, {@link DataParallel}), the loss is the mean over replicas, one backward pass
     * and one update follow.
     *
     * @param devices one per replica; the parameters live on the first ({@code manager}'s device)
     * @param forward a replica's forward pass
     * @param volumesPerDevice volumes one replica processes per step (the throughput counts all devices')
     * @return the timings and memory (of the first device)
     */
    public static Result run(NDManager manager, NamedParameters params, Supplier<? extends Optimizer> optimizer,
            double lr, List<Device> devices, ReplicaForward forward, int warmup, int steps, int volumesPerDevice,
            Path profile) {
        if (devices.size() < 2) {
            return run(manager, params, optimizer, lr, s -> forward.loss(s, 0, manager), warmup, steps,
                    volumesPerDevice, profile);
        }
        try (ReplicaGroup group = new ReplicaGroup(devices, manager)) {
            return run(manager, params, optimizer, lr, s -> DataParallel.mean(group.run(
                    r -> new NDList(forward.loss(s, r.index(), r.manager()))), 0, manager.getDevice()), warmup, steps,
                    devices.size() * volumesPerDevice, profile);
        }
    }

    /**
     * Runs {@code warmup + steps} steps on the parameters' device.
     *
     * @param manager the manager the model lives in (its engine collects the gradients, its device is sampled)
     * @param params the parameters: their gradients are zeroed each step, the first trainable one is read to wait
     * @param optimizer creates the optimiser over {@code params}; it is closed when the steps are done
     * @param lr the learning rate of every update
     * @param forward the forward pass of one step
     * @param warmup untimed steps first
     * @param steps timed steps
     * @param volumesPerStep volumes (or crops) one step processes, for the throughput
     * @param profile where {@link OpProfile} writes the last step's operator profile, or null for none
     * @return the timings and memory
     */
    public static Result run(NDManager manager, NamedParameters params, Supplier<? extends Optimizer> optimizer,
            double lr, Forward forward, int warmup, int steps, int volumesPerStep, Path profile) {
        Objects.requireNonNull(forward, "forward");
        StepTimer forwardTime = new StepTimer(warmup, volumesPerStep);
        StepTimer backwardTime = new StepTimer(warmup, volumesPerStep);
        StepTimer updateTime = new StepTimer(warmup, volumesPerStep);
        StepTimer whole = new StepTimer(warmup, volumesPerStep);
        try (Optimizer opt = optimizer.get()) {
            for (int s = 0; s < warmup + steps; s++) {
                try (NDScope scope = new NDScope();
                        OpProfile p = OpProfile.start(s == warmup + steps - 1 ? profile : null)) {
                    scope.suppressNotUsedWarning();
                    long t0 = System.nanoTime();
                    params.zeroGradients();
                    long t1;
                    long t2;
                    try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                        NDArray loss = forward.loss(s);
                        loss.getFloat(); // waits for the device
                        t1 = System.nanoTime();
                        gc.backward(loss);
                        StepTimer.await(params.trainable().get(0).array().getGradient());
                        t2 = System.nanoTime();
                    }
                    opt.step(lr, null);
                    StepTimer.await(params.trainable().get(0).array()); // waits for the update
                    long t3 = System.nanoTime();
                    forwardTime.record((t1 - t0) / 1e6);
                    backwardTime.record((t2 - t1) / 1e6);
                    updateTime.record((t3 - t2) / 1e6);
                    whole.record((t3 - t0) / 1e6);
                }
            }
        }
        return new Result(forwardTime, backwardTime, updateTime, whole, MemoryProbe.sample(manager.getDevice()),
                MemoryProbe.peakHeap() / 1048576.0);
    }
}
