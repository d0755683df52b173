package io.github.medvp.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.engine.Engines;
import io.github.medvp.engine.Scalars;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The training loop shared by every method: epochs of optimiser steps, each made of {@code accumulation}
 * micro-steps of a {@link TrainStep}, with logging, a non-finite guard, checkpoints, cancel and exact resume.
 * <p>
 * Per micro-step: the engine RNG is reseeded from (seed, step, micro-step), the step runs inside an
 * {@link NDScope} (every intermediate is freed at its end) under a gradient collector, and its loss divided by
 * {@code accumulation} is back-propagated (so K half batches give the gradient of the full batch for a mean loss).
 * Per optimiser step: the optimiser applies the update unless the summed loss is not finite (decided on the device,
 * see {@link Optimizer#step}), then gradients are zeroed. No value is read to the host except once every
 * {@code logEvery} steps, when the averaged losses and the non-finite counters are read, a {@code metrics.csv} row
 * written and progress reported. So a run of non-finite losses is noticed at the next log line: after
 * {@code maxNonFinite} consecutive skipped steps the loop stops with a {@link MedvpException} (nothing was updated
 * by those steps, and {@code last} is not overwritten).
 * <p>
 * Cancel is honoured after an optimiser step: {@code last} is saved, then {@link Progress.CancelledException}
 * propagates. A run folder that holds {@code last} resumes from its exact optimiser step: parameters, optimiser
 * state, the schedule position (a pure function of the step) and the random streams (functions of the step) are all
 * the same as in the uninterrupted run, and the data source skips what the epoch already consumed.
 *
 * The log lines, {@code metrics.csv} and {@code curves.png} are {@link TrainReport}'s.
 *
 * @param <B> the batch type
 */
public final class TrainLoop<B> {

    private final Builder<B> c;
    private final List<String> lossNames;
    private NDManager manager;
    private TrainStep<B> running;
    private TrainReport report;
    private long restoredNonFinite;
    private double bestScore = Double.POSITIVE_INFINITY;

    private TrainLoop(Builder<B> b) {
        this.c = b;
        this.lossNames = new ArrayList<>();
        lossNames.add("loss");
        lossNames.addAll(b.partNames);
    }

    /** A builder: {@code set*} are required, {@code opt*} optional. */
    public static <B> Builder<B> builder() {
        return new Builder<>();
    }

    /**
     * What a finished run reports.
     *
     * @param steps optimiser steps completed (the total)
     * @param resumedFrom the step the run resumed from (0 for a new run)
     * @param lastLosses the losses of the last log line
     * @param nonFiniteSteps skipped optimiser steps over the whole run
     */
    public record Result(long steps, long resumedFrom, Map<String, Double> lastLosses, long nonFiniteSteps) {
    }

    /** Scores the model after an epoch, lower is better; NaN when there is nothing to score. */
    @FunctionalInterface
    public interface Validator {
        double score(int epoch);
    }

    /**
     * Runs (or resumes) training to the end.
     *
     * @throws Progress.CancelledException after saving {@code last}, when the user cancelled
     * @throws MedvpException on bad settings, exhausted data or persistent non-finite losses
     */
    public Result run() throws IOException {
        Engine engine = Engines.pytorch();
        long spe = c.stepsPerEpoch;
        long total = c.epochs * spe;
        long step = 0;
        RunFolder run = c.run;
        if (run != null && run.resuming()) {
            step = restore(run);
        }
        long start = step;
        // Gradients left by anything before the loop must not leak into the first update.
        c.parameters.zeroGradients();
        manager = c.parameters.entries().get(0).array().getManager().newSubManager();
        DataParallel<B> parallel = c.devices.size() > 1
                ? new DataParallel<>(c.step, c.split, c.devices, manager) : null;
        running = parallel != null ? parallel : c.step;
        try {
            report = new TrainReport(run, c.progress, lossNames, spe, c.epochs, c.accumulation, c.maxNonFinite, step,
                    restoredNonFinite, manager);
            long t0 = System.nanoTime();
            long windowStart = t0;
            while (step < total) {
                int epoch = (int) (step / spe);
                Iterator<B> batches = c.data.epoch(epoch, (step % spe) * c.accumulation);
                long epochEnd = (epoch + 1) * spe;
                while (step < epochEnd) {
                    double lr = c.schedule.lr(step);
                    try {
                        optimiserStep(engine, batches, epoch, step, lr);
                    } catch (Progress.CancelledException e) {
                        // Data workers may notice a cancel first: keep the finished steps so a resume starts here.
                        if (step > start) {
                            save(run, step, true, false, 0);
                            report.plot(true);
                        }
                        throw e;
                    }
                    step++;
                    // One report per step, before the cancel check: a log line, else a tick (its losses are old).
                    boolean logLine = step % c.logEvery == 0 || step == epochEnd;
                    if (logLine) {
                        windowStart = report.logWindow(step, lr, windowStart, t0, start);
                    } else {
                        report.tick(step);
                    }
                    boolean cancelled = c.progress.isCancelled();
                    if (cancelled && !logLine) {
                        windowStart = report.logWindow(step, lr, windowStart, t0, start);
                    }
                    if (cancelled) {
                        save(run, step, true, false, 0);
                        report.plot(true);
                        throw new Progress.CancelledException();
                    }
                }
                int done = epoch + 1;
                boolean better = false;
                if (c.validator != null) {
                    double score = c.validator.score(epoch);
                    better = score < bestScore;
                    if (better) {
                        bestScore = score;
                    }
                }
                boolean periodic = c.epochCheckpointEvery > 0 && done % c.epochCheckpointEvery == 0;
                boolean last = done % c.checkpointEvery == 0 || step == total;
                save(run, step, last, better, periodic ? done : 0);
            }
            report.plot(true);
            return new Result(step, start, report.lastLosses(), report.nonFiniteTotal());
        } finally {
            try {
                if (report != null) {
                    report.close();
                }
            } finally {
                if (parallel != null) {
                    parallel.close();
                }
                manager.close();
            }
        }
    }

    private long restore(RunFolder run) {
        Checkpoint ck = Checkpoints.read(run.last());
        JsonObject h = ck.header();
        for (String key : List.of("steps_per_epoch", "accumulation")) {
            long want = key.equals("accumulation") ? c.accumulation : c.stepsPerEpoch;
            if (h.has(key) && h.get(key).getAsLong() != want) {
                throw new MedvpException("cannot resume " + run.dir() + ": " + key + " was " + h.get(key)
                        + " and is now " + want + ", so the data position would not match; use the saved value");
            }
        }
        Checkpoints.restore(ck, run.last(), c.parameters, c.optimizer);
        restoredNonFinite = h.has("nonfinite_total") ? h.get("nonfinite_total").getAsLong() : 0;
        bestScore = h.has("best_score") ? h.get("best_score").getAsDouble() : Double.POSITIVE_INFINITY;
        c.progress.log("resuming " + run.dir() + " at step " + ck.step());
        return ck.step();
    }

    private void optimiserStep(Engine engine, Iterator<B> batches, int epoch, long step, double lr) {
        try (NDScope stepScope = new NDScope()) {
            stepScope.suppressNotUsedWarning();
            NDArray stepLoss = manager.zeros(new Shape(), DataType.FLOAT32);
            for (int k = 0; k < c.accumulation; k++) {
                if (!batches.hasNext()) {
                    throw new MedvpException("the data of epoch " + (epoch + 1) + " ran out at optimiser step "
                            + step + ": it must yield steps per epoch (" + c.stepsPerEpoch + ") x accumulation ("
                            + c.accumulation + ") batches");
                }
                B batch = batches.next();
                engine.setRandomSeed(StepContext.engineSeed(c.seed, step, k));
                StepContext ctx = new StepContext(epoch, step, k, c.accumulation, c.seed, manager);
                try (NDScope micro = new NDScope()) {
                    micro.suppressNotUsedWarning();
                    Losses losses;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        losses = running.forward(batch, ctx);
                        gc.backward(c.accumulation == 1 ? losses.total() : Scalars.div(losses.total(), c.accumulation));
                    }
                    NDArray totalLoss = losses.total().stopGradient();
                    stepLoss.addi(totalLoss);
                    report.window().add("loss", totalLoss);
                    losses.parts().forEach((name, part) -> report.window().add(name, part.stopGradient()));
                } finally {
                    if (batch instanceof AutoCloseable closeable) {
                        try {
                            closeable.close();
                        } catch (Exception e) {
                            throw new IllegalStateException("cannot close a batch", e);
                        }
                    }
                }
            }
            NDArray check = stepLoss;
            if (c.clipGradNorm > 0) {
                // A finite loss can still give an overflowing gradient: the norm joins the finiteness check.
                check = stepLoss.add(c.parameters.clipGradientNorm(c.clipGradNorm));
            }
            NDArray finite = check.isNaN().logicalOr(check.isInfinite()).logicalNot();
            c.optimizer.step(lr, finite);
            c.parameters.zeroGradients();
            report.window().endStep(finite);
        }
    }

    private void save(RunFolder run, long step, boolean last, boolean best, int epochFile) throws IOException {
        if (run == null || !(last || best || epochFile > 0)) {
            return;
        }
        JsonObject h = c.header.deepCopy();
        JsonObject config = run.config();
        for (String key : List.of("method", "preset")) {
            if (config.has(key) && !h.has(key)) {
                h.add(key, config.get(key));
            }
        }
        h.add("config", config);
        h.addProperty("step", step);
        h.addProperty("epoch", step / c.stepsPerEpoch);
        h.addProperty("steps_per_epoch", c.stepsPerEpoch);
        h.addProperty("accumulation", c.accumulation);
        h.addProperty("seed", c.seed);
        if (step < c.epochs * c.stepsPerEpoch) {
            // For people reading the header: where the schedule stands (it is recomputed from the step on resume).
            h.addProperty("next_lr", c.schedule.lr(step));
        }
        h.addProperty("nonfinite_total", report.nonFiniteTotal());
        if (Double.isFinite(bestScore)) {
            h.addProperty("best_score", bestScore);
        }
        Checkpoint ck = Checkpoints.capture(h, c.parameters, c.optimizer);
        if (last) {
            run.saveLast(ck);
        }
        if (best) {
            run.saveBest(ck);
        }
        if (epochFile > 0) {
            run.saveEpoch(epochFile, ck, c.keepEpochCheckpoints);
        }
    }

    /**
     * Configures a {@link TrainLoop}. Required: parameters, optimiser, schedule, step, data, epochs, steps per
     * epoch.
     */
    public static final class Builder<B> {
        private NamedParameters parameters;
        private Optimizer optimizer;
        private LrSchedule schedule;
        private TrainStep<B> step;
        private BatchSource<B> data;
        private int epochs;
        private long stepsPerEpoch;
        private int accumulation = 1;
        private int logEvery = 10;
        private int checkpointEvery = 1;
        private int epochCheckpointEvery;
        private int keepEpochCheckpoints;
        private int maxNonFinite = 5;
        private double clipGradNorm;
        private long seed;
        private RunFolder run;
        private Progress progress = Progress.NONE;
        private Validator validator;
        private JsonObject header = new JsonObject();
        private final List<String> partNames = new ArrayList<>();
        private List<Device> devices = List.of();
        private DataParallel.Split<B> split;

        private Builder() {
        }

        /** The tensors trained and checkpointed (the same set the optimiser was built on). */
        public Builder<B> setParameters(NamedParameters p) {
            this.parameters = p;
            return this;
        }

        public Builder<B> setOptimizer(Optimizer o) {
            this.optimizer = o;
            return this;
        }

        /** The learning rate per optimiser step (not per micro-step). */
        public Builder<B> setSchedule(LrSchedule s) {
            this.schedule = s;
            return this;
        }

        public Builder<B> setStep(TrainStep<B> s) {
            this.step = s;
            return this;
        }

        public Builder<B> setData(BatchSource<B> d) {
            this.data = d;
            return this;
        }

        public Builder<B> setEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Optimiser steps per epoch; the data yields {@code stepsPerEpoch * accumulation} batches per epoch. */
        public Builder<B> setStepsPerEpoch(long steps) {
            this.stepsPerEpoch = steps;
            return this;
        }

        /** Micro-batches per optimiser step (gradient accumulation), default 1. */
        public Builder<B> optAccumulation(int k) {
            this.accumulation = k;
            return this;
        }

        /** Optimiser steps between log lines (and host reads), default 10. */
        public Builder<B> optLogEvery(int steps) {
            this.logEvery = steps;
            return this;
        }

        /** Epochs between saves of {@code last} (also saved at the end and on cancel), default 1. */
        public Builder<B> optCheckpointEvery(int epochs) {
            this.checkpointEvery = epochs;
            return this;
        }

        /** Epochs between periodic {@code epoch-NNNN} files (0, the default: none), keeping the newest {@code keep}. */
        public Builder<B> optEpochCheckpoints(int every, int keep) {
            this.epochCheckpointEvery = every;
            this.keepEpochCheckpoints = keep;
            return this;
        }

        /** Consecutive non-finite optimiser steps that stop the run, default 5. */
        public Builder<B> optMaxNonFinite(int n) {
            this.maxNonFinite = n;
            return this;
        }

        /**
         * Clips the global gradient norm to {@code maxNorm} before each update (0, the default: no clipping); a
         * non-finite norm then also skips the step.
         */
        public Builder<B> optClipGradNorm(double maxNorm) {
            this.clipGradNorm = maxNorm;
            return this;
        }

        /** The run seed from which every per-step random stream is derived, default 0. */
        public Builder<B> optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Where config, metrics, curves and checkpoints go; without it nothing is written. */
        public Builder<B> optRunFolder(RunFolder run) {
            this.run = run;
            return this;
        }

        public Builder<B> optProgress(Progress p) {
            this.progress = p;
            return this;
        }

        /** Scores each epoch; the best score's state is saved as {@code best}. */
        public Builder<B> optValidator(Validator v) {
            this.validator = v;
            return this;
        }

        /** Fields added to every checkpoint header (method, preset, modalities...). */
        public Builder<B> optHeader(JsonObject h) {
            this.header = h.deepCopy();
            return this;
        }

        /**
         * Trains one replica per device ({@link DataParallel}) when there are several; the data then yields global
         * micro-batches of {@code devices.size()} times the per-device batch, which {@code split} divides.
         */
        public Builder<B> optDevices(List<Device> devices, DataParallel.Split<B> split) {
            this.devices = List.copyOf(devices);
            this.split = split;
            return this;
        }

        /** Names of the loss parts the step returns, in log-column order. */
        public Builder<B> optLossNames(String... names) {
            partNames.addAll(List.of(names));
            return this;
        }

        /** The loop; checks the settings. */
        public TrainLoop<B> build() {
            if (parameters == null || optimizer == null || schedule == null || step == null || data == null) {
                throw new IllegalArgumentException("parameters, optimizer, schedule, step and data are required");
            }
            if (epochs < 1 || stepsPerEpoch < 1) {
                throw new MedvpException("epochs (" + epochs + ") and steps per epoch (" + stepsPerEpoch
                        + ") must be at least 1");
            }
            if (accumulation < 1 || logEvery < 1 || checkpointEvery < 1 || maxNonFinite < 1) {
                throw new MedvpException("accumulation, log interval, checkpoint interval and the non-finite limit "
                        + "must be at least 1");
            }
            if (devices.size() > 1 && split == null) {
                throw new IllegalArgumentException("several devices need a batch split");
            }
            return new TrainLoop<>(this);
        }
    }
}
