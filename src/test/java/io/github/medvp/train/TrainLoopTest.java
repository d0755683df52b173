package io.github.medvp.train;

import io.github.medvp.TestProgress;
import io.github.medvp.engine.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.engine.Engines;
import io.github.medvp.io.HostTensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Linear block learning y = 2x + 1 (plus seeded noise) from synthetic batches. */
class TrainLoopTest {

    private static final long SEED = 42;
    private static final int STEPS_PER_EPOCH = 10;

    @TempDir
    Path tmp;
    private NDManager manager;

    @BeforeEach
    void setUp() {
        Engines.pytorch();
        manager = NDManager.newBaseManager(Engines.device("cpu"));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private record Batch(float[] x) {
    }

    /** A model: a Linear(1) block with fixed initial weights, its parameters and an AdamW optimiser. */
    private final class Model {
        final Linear block = Linear.builder().setUnits(1).build();
        final NamedParameters params;
        final Adam adam;
        final ParameterStore store = new ParameterStore(manager, false);

        Model(float w0, float b0) {
            block.initialize(manager, DataType.FLOAT32, new Shape(4, 1));
            params = NamedParameters.builder().addBlock("", block).build();
            HostArrays.copyInto(params.get("weight").array(), HostTensor.ofFloats(new long[] {1, 1}, w0), "weight");
            HostArrays.copyInto(params.get("bias").array(), HostTensor.ofFloats(new long[] {1}, b0), "bias");
            adam = Adam.builder().setParameters(params).optWeightDecay(0).build();
        }

        float[] values() {
            return new float[] {params.get("weight").array().getFloat(), params.get("bias").array().getFloat()};
        }

        /** Mean squared error against 2x + 1 with noise from both random sources the loop seeds. */
        Losses loss(Batch b, StepContext ctx, boolean poison) {
            NDManager m = ctx.manager();
            NDArray x = m.create(b.x, new Shape(b.x.length, 1));
            NDArray target = x.mul(2).add(1).add(m.randomNormal(0, 0.01f, x.getShape(), DataType.FLOAT32))
                    .add((float) (ctx.random().nextDouble() * 0.01));
            NDArray pred = block.forward(store, new NDList(x), true).singletonOrThrow();
            NDArray mse = pred.sub(target).square().mean();
            NDArray total = poison ? mse.mul(Float.NaN) : mse;
            return new Losses(total, Map.of("abs", pred.sub(target).abs().mean()));
        }
    }

    /** Each epoch's micro-batches: {@code size} x values from a stream derived from (seed, epoch, index). */
    private static BatchSource<Batch> data(int size, int perStep) {
        return (epoch, skip) -> new Iterator<>() {
            long i = skip;

            @Override
            public boolean hasNext() {
                return i < (long) STEPS_PER_EPOCH * perStep;
            }

            @Override
            public Batch next() {
                return new Batch(xs(epoch, i++, size));
            }
        };
    }

    private static float[] xs(int epoch, long index, int size) {
        SplittableRandom r = new SplittableRandom(StepContext.derive(SEED, epoch, index));
        float[] x = new float[size];
        for (int j = 0; j < size; j++) {
            x[j] = (float) r.nextDouble(-1, 1);
        }
        return x;
    }

    private TrainLoop.Builder<Batch> loop(Model model, int epochs, int accumulation, int batch) {
        return TrainLoop.<Batch>builder().setParameters(model.params).setOptimizer(model.adam)
                .setSchedule(LrSchedule.warmupCosine(0.05, 0.005, 5, (long) epochs * STEPS_PER_EPOCH))
                .setStep((b, ctx) -> model.loss(b, ctx, false)).setData(data(batch, accumulation))
                .setEpochs(epochs).setStepsPerEpoch(STEPS_PER_EPOCH).optAccumulation(accumulation).optSeed(SEED)
                .optLossNames("abs").optLogEvery(5);
    }

    private static JsonObject config() {
        JsonObject c = new JsonObject();
        c.addProperty("method", "test");
        return c;
    }

    @Test
    void lossDropsAndTheRunFolderIsFilled() throws Exception {
        Model model = new Model(0f, 0f);
        RunFolder run = RunFolder.open(tmp.resolve("run"), config(), false, List.of("method"));
        List<String> messages = new ArrayList<>();
        Progress recorder = new Progress() {
            @Override
            public void update(String stage, long done, long total, String message) {
                messages.add(done + "/" + total + " " + message);
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
        TrainLoop.Result r = loop(model, 4, 1, 8).setSchedule(LrSchedule.constant(0.1)).optRunFolder(run)
                .optProgress(recorder).build().run();
        String lastMessage = messages.get(messages.size() - 1);
        assertTrue(lastMessage.matches("40/40 epoch 4\\.00/4 step 40/40 loss \\S+ abs \\S+ lr 0\\.100 ETA 0:00:00"),
                lastMessage);
        assertTrue(messages.contains("4/40 epoch 0.40/4 step 4/40"), "no loss shown before the first log line");
        assertTrue(messages.contains("6/40 epoch 0.60/4 step 6/40 loss " + messages.get(4).split(" loss ")[1]
                .split(" lr ")[0]), "between log lines, the last line's losses at the current step");
        for (int i = 0; i < messages.size(); i++) {
            String at = (i + 1) + "/40";
            assertTrue(messages.get(i).startsWith(at + " epoch ") && messages.get(i).contains(" step " + at),
                    "one report per step, its counter and step agreeing: " + messages);
        }
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("5/40 epoch 0.50/4 step 5/40 loss")),
                messages.toString());
        assertEquals(40, r.steps());
        Map<String, double[]> metrics = MetricsLog.read(run.metricsCsv());
        double[] loss = metrics.get("loss");
        assertEquals(8, loss.length);
        assertTrue(loss[loss.length - 1] < loss[0] / 20, "loss " + loss[0] + " -> " + loss[loss.length - 1]);
        assertArrayEquals(new double[] {5, 10, 15, 20, 25, 30, 35, 40}, metrics.get("step"));
        assertEquals(r.lastLosses().get("loss"), loss[loss.length - 1], 1e-5);
        assertTrue(Files.size(run.curvesPng()) > 1000);
        Checkpoint last = Checkpoints.read(run.last());
        assertEquals(40, last.step());
        assertEquals("test", last.header().get("method").getAsString());
        assertEquals(model.values()[0], last.section(Checkpoint.MODEL).get("weight").toFloatArray()[0]);
        model.adam.close();
    }

    @Test
    void bestAndPeriodicCheckpointsFollowTheValidatorAndKeepPolicy() throws Exception {
        Model model = new Model(0f, 0f);
        RunFolder run = RunFolder.open(tmp.resolve("run"), config(), false, List.of());
        double[] scores = {3, 1, 2};
        loop(model, 3, 1, 4).optRunFolder(run).optValidator(epoch -> scores[epoch]).optEpochCheckpoints(1, 2)
                .build().run();
        Checkpoint best = Checkpoints.read(run.best());
        assertEquals(20, best.step());
        assertEquals(1.0, best.header().get("best_score").getAsDouble());
        assertTrue(Files.notExists(run.epoch(1)));
        assertEquals(20, Checkpoints.read(run.epoch(2)).step());
        assertEquals(30, Checkpoints.read(run.epoch(3)).step());
        assertEquals(30, Checkpoints.read(run.last()).step());
        model.adam.close();
    }

    @Test
    void stepsDoNotLeakArrays() throws Exception {
        Model model = new Model(0f, 0f);
        Map<Long, Integer> live = new java.util.HashMap<>();
        loop(model, 3, 2, 4).setStep((b, ctx) -> {
            if (ctx.microStep() == 0) {
                live.put(ctx.step(), manager.getManagedArrays().size());
            }
            return model.loss(b, ctx, false);
        }).build().run();
        // Every step does the same work, so a leak shows as growth between an early and a late step.
        assertEquals(live.get(2L), live.get(29L), live.toString());
        model.adam.close();
    }

    @Test
    void cancelThenResumeEqualsTheUninterruptedRun() throws Exception {
        Model straight = new Model(0.3f, -0.2f);
        loop(straight, 3, 2, 4).optRunFolder(RunFolder.open(tmp.resolve("a"), config(), false, List.of()))
                .build().run();

        Path dir = tmp.resolve("b");
        Model first = new Model(0.3f, -0.2f);
        Progress cancelAt13 = TestProgress.cancelAt(13);
        try (RunFolder cancelled = RunFolder.open(dir, config(), false, List.of())) {
            assertThrows(Progress.CancelledException.class, () -> loop(first, 3, 2, 4).optProgress(cancelAt13)
                    .optRunFolder(cancelled).build().run());
        }
        RunFolder again = RunFolder.open(dir, config(), true, List.of("method"));
        assertEquals(13, Checkpoints.read(again.last()).step());

        Model resumed = new Model(5f, 5f);
        TrainLoop.Result r = loop(resumed, 3, 2, 4).optRunFolder(again).build().run();
        assertEquals(13, r.resumedFrom());
        // Bit-identical: same parameters, optimiser state, schedule position, data and random numbers.
        assertArrayEquals(straight.values(), resumed.values());
        assertEquals(30, resumed.adam.updates());
        // The resumed log has each step once: rows up to 13 kept, the rest written again.
        assertArrayEquals(new double[] {5, 10, 13, 15, 20, 25, 30}, MetricsLog.read(again.metricsCsv()).get("step"));
        straight.adam.close();
        first.adam.close();
        resumed.adam.close();
    }

    @Test
    void crashMidEpochThenResumeFromTheEpochCheckpointEqualsTheUninterruptedRun() throws Exception {
        Model straight = new Model(0.3f, -0.2f);
        loop(straight, 3, 1, 4).build().run();

        Path dir = tmp.resolve("crash");
        Model first = new Model(0.3f, -0.2f);
        IllegalStateException crash;
        try (RunFolder crashed = RunFolder.open(dir, config(), false, List.of())) {
            crash = assertThrows(IllegalStateException.class, () -> loop(first, 3, 1, 4)
                    .optRunFolder(crashed).setStep((b, ctx) -> {
                        if (ctx.step() == 17) {
                            throw new IllegalStateException("killed");
                        }
                        return first.loss(b, ctx, false);
                    }).build().run());
        }
        assertEquals("killed", crash.getMessage());
        RunFolder again = RunFolder.open(dir, config(), true, List.of());
        assertEquals(10, Checkpoints.read(again.last()).step());
        Model resumed = new Model(-1f, 1f);
        loop(resumed, 3, 1, 4).optRunFolder(again).build().run();
        assertArrayEquals(straight.values(), resumed.values());
        straight.adam.close();
        first.adam.close();
        resumed.adam.close();
    }

    @Test
    void nonFiniteGuardSkipsUpdatesThenStopsAndKeepsTheLastGoodCheckpoint() throws Exception {
        Model model = new Model(0f, 0f);
        RunFolder run = RunFolder.open(tmp.resolve("run"), config(), false, List.of());
        List<float[]> seen = new ArrayList<>();
        TrainLoop<Batch> loop = loop(model, 3, 1, 8).optRunFolder(run).optLogEvery(1).optMaxNonFinite(3)
                .setStep((b, ctx) -> {
                    if (ctx.step() == 12) {
                        seen.add(model.values());
                    }
                    return model.loss(b, ctx, ctx.step() >= 12);
                }).build();
        MedvpException e = assertThrows(MedvpException.class, loop::run);
        assertTrue(e.getMessage().contains("3 optimiser steps in a row") && e.getMessage().contains("learning rate"),
                e.getMessage());
        // Steps 12, 13 and 14 were skipped: the parameters are those before step 12.
        assertArrayEquals(seen.get(0), model.values());
        assertEquals(12, model.adam.updates());
        assertEquals(10, Checkpoints.read(run.last()).step());
        double[] nonFinite = MetricsLog.read(run.metricsCsv()).get("nonfinite");
        // Optimiser steps 12, 13, 14 (0-based) are the rows of steps 13, 14, 15.
        assertEquals(15, nonFinite.length);
        assertEquals(0, nonFinite[11]);
        assertEquals(1, nonFinite[14]);
        assertTrue(e.getMessage().contains("at step 15"), e.getMessage());
        assertTrue(e.getMessage().endsWith("The last good checkpoint is kept in " + run.last()), e.getMessage());
        model.adam.close();
    }

    @Test
    void withClippingANonFiniteGradientUnderAFiniteLossAlsoSkipsTheStep() throws Exception {
        Model model = new Model(0.5f, 0.5f);
        NDArray w = model.params.get("weight").array();
        RunFolder fresh = RunFolder.open(tmp.resolve("fresh"), config(), false, List.of());
        TrainLoop<Batch> loop = loop(model, 1, 1, 8).optClipGradNorm(1.0).optLogEvery(1).optMaxNonFinite(2)
                .optRunFolder(fresh).setStep((b, ctx) -> {
                    Losses l = model.loss(b, ctx, false);
                    // sqrt(0 * w) is 0, but its gradient is 0 * inf = NaN.
                    return new Losses(l.total().add(w.mul(0).sqrt().sum()), l.parts());
                }).build();
        MedvpException e = assertThrows(MedvpException.class, loop::run);
        assertTrue(e.getMessage().contains("2 optimiser steps in a row"), e.getMessage());
        // A new run that never saved names no checkpoint it does not have.
        assertTrue(e.getMessage().endsWith("No checkpoint was written before, so the run folder is removed"),
                e.getMessage());
        fresh.close();
        assertArrayEquals(new float[] {0.5f, 0.5f}, model.values());
        assertEquals(0, model.adam.updates());
        model.adam.close();
    }

    @Test
    void accumulatingTwoHalfBatchesEqualsOneFullBatch() throws Exception {
        Model full = new Model(0.1f, 0.4f);
        Model halves = new Model(0.1f, 0.4f);
        // The same 8 x values per step: as one batch, or as two batches of 4.
        BatchSource<Batch> whole = (epoch, skip) -> batches(epoch, skip, 1);
        BatchSource<Batch> split = (epoch, skip) -> batches(epoch, skip, 2);
        for (Model m : List.of(full, halves)) {
            TrainStep<Batch> step = (b, ctx) -> {
                NDArray x = ctx.manager().create(b.x, new Shape(b.x.length, 1));
                NDArray pred = m.block.forward(m.store, new NDList(x), true).singletonOrThrow();
                return Losses.of(pred.sub(x.mul(2).add(1)).square().mean());
            };
            boolean isFull = m == full;
            loop(m, 1, isFull ? 1 : 2, 8).setStep(step).setData(isFull ? whole : split).build().run();
        }
        assertEquals(full.values()[0], halves.values()[0], 1e-6);
        assertEquals(full.values()[1], halves.values()[1], 1e-6);
        assertTrue(Math.abs(full.values()[0] - 0.1f) > 0.1, "the model trained");
        full.adam.close();
        halves.adam.close();
    }

    private static Iterator<Batch> batches(int epoch, long skip, int parts) {
        List<Batch> out = new ArrayList<>();
        for (int s = 0; s < STEPS_PER_EPOCH; s++) {
            float[] x = xs(epoch, s, 8);
            for (int p = 0; p < parts; p++) {
                float[] part = new float[8 / parts];
                System.arraycopy(x, p * part.length, part, 0, part.length);
                out.add(new Batch(part));
            }
        }
        return out.subList((int) skip, out.size()).iterator();
    }
}
