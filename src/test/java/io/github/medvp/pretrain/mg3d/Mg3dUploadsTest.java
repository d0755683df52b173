package io.github.medvp.pretrain.mg3d;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.Progress;
import io.github.medvp.engine.Engines;
import io.github.medvp.train.Adam;
import io.github.medvp.train.LrSchedule;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.StepContext;
import io.github.medvp.train.StepUploads;
import io.github.medvp.train.TrainLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** An MG-3D pre-training step (every objective weighted) uploads no Java number to the device (StepUploads). */
class Mg3dUploadsTest {

    private static final int[] SHAPE = {32, 32, 32};

    @Test
    void stepTwoUploadsNothing() throws Exception {
        Engines.pytorch();
        List<Mg3dBatch> batches = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(9);
        for (int s = 0; s < 3; s++) {
            batches.add(Mg3dSynthetic.batch(new int[] {s, s + 3}, SHAPE, rng));
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Mg3dModel model = Mg3dSynthetic.smallModel().build();
            StepContext.seedInitialisation(4);
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 1, SHAPE[0], SHAPE[1], SHAPE[2]),
                    new Shape(2, Mg3dSynthetic.LENGTH));
            NamedParameters params = model.namedParameters();
            Mg3dStep step = Mg3dStep.builder().setModel(model).optWeights(1, 1, 1, 1, 1, 1).build();
            try (Adam adam = Mg3dOptimizer.create(params, 1e-8, 5); StepUploads counter = new StepUploads()) {
                TrainLoop.<Mg3dBatch>builder().setParameters(params).setOptimizer(adam)
                        .setSchedule(LrSchedule.warmupLinear(1e-3, 0, 3)).setStep(step)
                        .setData((epoch, skip) -> batches.subList((int) skip, batches.size()).iterator())
                        .setEpochs(1).setStepsPerEpoch(3).optLogEvery(1).optSeed(5)
                        .optProgress(counter.progress(Progress.NONE)).optLossNames(Mg3dStep.NAMES).build().run();
                assertEquals(3, counter.steps());
                assertEquals(List.of(), counter.uploads(), "tensors made from Java data in step 2");
            }
        }
    }
}
