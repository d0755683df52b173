package io.github.medvp.pretrain.mg3d;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.engine.Engines;
import io.github.medvp.nn.bert.BertConfig;
import io.github.medvp.train.Adam;
import io.github.medvp.train.LrSchedule;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.RunFolder;
import io.github.medvp.train.SameLosses;
import io.github.medvp.train.StepContext;
import io.github.medvp.train.TrainLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MG-3D pre-training steps on two CPU replicas of 2 pairs log the losses of one device with 4 pairs: the contrastive
 * terms (CML, DFA) see the negatives of both replicas and SSM the pairs across them (with each replica's pairs only,
 * ln 2 against ln 4 at chance, they would differ from the first step), MLM averages over the labelled tokens of the
 * whole batch. BERT's dropout is off: its masks come from the engine's stream, which two replicas draw in another
 * order than one device.
 */
class Mg3dDataParallelTest {

    private static final int[] SHAPE = {32, 32, 32};

    @TempDir
    Path tmp;

    @Test
    void twoReplicasOfTwoPairsLogTheLossesOfOneDeviceWithFour() throws Exception {
        Engines.pytorch();
        Path one = run(List.of(Device.cpu()), "one");
        Path two = run(List.of(Device.cpu(), Device.cpu()), "two");
        List<String> columns = new ArrayList<>(List.of("loss"));
        columns.addAll(List.of(Mg3dStep.MLM, Mg3dStep.SFR, Mg3dStep.CML, Mg3dStep.DFA, Mg3dStep.SSM));
        double worst = SameLosses.assertSame(one, two, columns, 1e-4, 3);
        System.out.println("largest relative loss difference " + worst);
    }

    private Path run(List<Device> devices, String name) throws Exception {
        List<Mg3dBatch> batches = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(9);
        for (int s = 0; s < 3; s++) {
            batches.add(Mg3dSynthetic.batch(new int[] {s, s + 3, (s + 5) % 8, 7 - s}, SHAPE, rng));
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Mg3dModel model = Mg3dSynthetic.smallModel().setText(new BertConfig(Mg3dSynthetic.VOCAB, 64, 1, 2, 128,
                    64, 2, 1e-12, 0, 0)).build();
            StepContext.seedInitialisation(4);
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 1, SHAPE[0], SHAPE[1], SHAPE[2]),
                    new Shape(2, Mg3dSynthetic.LENGTH));
            NamedParameters params = model.namedParameters();
            // L_MIM is logged but not trained: at 32³ the MIM decoder starts from a 1³ grid, whose non-affine
            // instance norm divides rounding noise by sqrt(eps), so any two runs part there after one update.
            Mg3dStep step = Mg3dStep.builder().setModel(model).optWeights(1, 0.1, 0, 0.1, 0.1, 0.1).build();
            RunFolder run = RunFolder.open(tmp.resolve(name), new com.google.gson.JsonObject(), false, List.of());
            try (run; Adam adam = Mg3dOptimizer.create(params, 1e-8, 5)) {
                TrainLoop.<Mg3dBatch>builder().setParameters(params).setOptimizer(adam)
                        .setSchedule(LrSchedule.warmupLinear(1e-3, 0, 3)).setStep(step)
                        .setData((epoch, skip) -> batches.subList((int) skip, batches.size()).iterator())
                        .setEpochs(1).setStepsPerEpoch(3).optLogEvery(1).optRunFolder(run).optSeed(5)
                        .optDevices(devices, Mg3dBatch::split).optLossNames(Mg3dStep.NAMES).build().run();
            }
        }
        return tmp.resolve(name);
    }
}
