package io.github.medvp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.Progress;
import io.github.medvp.engine.Engines;
import io.github.medvp.engine.Scalars;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** The upload counter counts: a Java number made a tensor inside a step counts once, a Scalars operand not. */
class StepUploadsTest {

    @Test
    void aJavaNumberMadeATensorInStepTwoCountsOnce() {
        List<String> counted = run((w, m) -> w.mul(m.create(2f)).sum());
        assertEquals(1, counted.size(), counted.toString());
        assertTrue(counted.get(0).startsWith("StepUploadsTest"), counted.toString());
    }

    @Test
    void djlsNumberOperandsCountAndScalarsDoNot() {
        assertEquals(1, run((w, m) -> w.mul(3f).sum()).size());
        assertEquals(List.of(), run((w, m) -> Scalars.mul(w, 3f).sum()));
    }

    @Test
    void countsOutsideTheWindowWhenAskedAndOnlyOnItsThread() throws Exception {
        Engines.pytorch();
        try (StepUploads counter = new StepUploads(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            counter.countAlways();
            m.create(1f).close();
            assertEquals(1, counter.uploads().size());
            Thread other = new Thread(() -> m.create(1f).close());
            other.start();
            other.join();
            assertEquals(1, counter.uploads().size(), "other threads are not intercepted");
        }
    }

    /** Three optimiser steps of one parameter with this loss; the creations counted in step 2. */
    private static List<String> run(BiFunction<NDArray, NDManager, NDArray> loss) {
        Engines.pytorch();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray w = manager.ones(new Shape(3), DataType.FLOAT32);
            NamedParameters params = NamedParameters.builder().addFree("w", w).build();
            try (Adam adam = Adam.builder().setParameters(params).build(); StepUploads counter = new StepUploads()) {
                TrainLoop.<Integer>builder().setParameters(params).setOptimizer(adam)
                        .setSchedule(LrSchedule.constant(1e-3))
                        .setStep((b, ctx) -> new Losses(loss.apply(w, ctx.manager()), Map.of()))
                        .setData((epoch, skip) -> Collections.nCopies(3, 0).iterator()).setEpochs(1)
                        .setStepsPerEpoch(3).optLogEvery(1).optProgress(counter.progress(Progress.NONE)).build()
                        .run();
                assertEquals(3, counter.steps());
                return counter.uploads();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
