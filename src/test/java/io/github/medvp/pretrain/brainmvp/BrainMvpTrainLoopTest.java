package io.github.medvp.pretrain.brainmvp;

import io.github.medvp.TestProgress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.Batch;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import io.github.medvp.io.Geometry;
import io.github.medvp.train.Adam;
import io.github.medvp.train.BatchSource;
import io.github.medvp.train.LrSchedule;
import io.github.medvp.train.MetricsLog;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.RunFolder;
import io.github.medvp.train.StepContext;
import io.github.medvp.train.TrainLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BrainMvpStep} as the {@link TrainLoop}'s step over pipeline {@link Batch}es, through all three phases. */
class BrainMvpTrainLoopTest {

    private static final int STEPS_PER_EPOCH = 3;
    private static final int ACCUMULATION = 2;
    private static final long SEED = 46;
    private static final List<Modality> MODS = List.of(Modality.T1, Modality.T2, Modality.FLAIR, Modality.T1);

    @TempDir
    Path tmp;

    /** Two studies per batch, 16³, with rep_start inside a 24³ template grid; a pure function of (epoch, index). */
    private static BatchSource<Batch> data() {
        return (epoch, skip) -> new Iterator<>() {
            long i = skip;

            @Override
            public boolean hasNext() {
                return i < (long) STEPS_PER_EPOCH * ACCUMULATION;
            }

            @Override
            public Batch next() {
                SplittableRandom r = new SplittableRandom(StepContext.derive(SEED, epoch, i));
                List<Sample> samples = new ArrayList<>();
                for (int s = 0; s < 2; s++) {
                    float[][] image = new float[4][16 * 16 * 16];
                    for (float[] c : image) {
                        for (int v = 0; v < c.length; v++) {
                            c[v] = (float) r.nextDouble();
                        }
                    }
                    int[] rep = {r.nextInt(9), r.nextInt(9), r.nextInt(9)};
                    samples.add(Sample.of(new int[] {16, 16, 16}, image, MODS, null, Geometry.ofSpacing(1, 1, 1))
                            .with(Sample.REP_START, rep));
                }
                return Batch.of(epoch, (int) i++, samples);
            }
        };
    }

    private record Run(BrainMvpModel model, NamedParameters params, Adam adam) {
    }

    /** The same initial weights every time (the resumed run overwrites them from its checkpoint anyway). */
    private static Run model(NDManager m) {
        m.getEngine().setRandomSeed(7);
        BrainMvpModel model = BrainMvpModel.tiny().optTemplates(ModalityTemplates.builder().optGrid(24, 24, 24))
                .build();
        model.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
        NamedParameters params = model.namedParameters();
        return new Run(model, params, Adam.builder().setParameters(params).optWeightDecay(1e-5).build());
    }

    private static TrainLoop.Builder<Batch> loop(Run run) {
        // Epoch 0: template views; epoch 1: cross-modal view and the contrastive term.
        BrainMvpStep step = BrainMvpStep.builder().setModel(run.model()).optTemplateWarmupEpochs(0)
                .optContrastiveStartEpoch(1).build();
        return TrainLoop.<Batch>builder().setParameters(run.params()).setOptimizer(run.adam())
                .setSchedule(LrSchedule.constant(1e-3)).setStep(step).setData(data()).setEpochs(2)
                .setStepsPerEpoch(STEPS_PER_EPOCH).optAccumulation(ACCUMULATION).optSeed(SEED)
                .optLossNames(BrainMvpStep.MD, BrainMvpStep.CMR, BrainMvpStep.CL).optLogEvery(1);
    }

    private static JsonObject config() {
        JsonObject c = new JsonObject();
        c.addProperty("method", "brainmvp");
        return c;
    }

    @Test
    void cancelledAndResumedRunEqualsTheUninterruptedRun() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Run straight = model(m);
            RunFolder a = RunFolder.open(tmp.resolve("a"), config(), false, List.of());
            loop(straight).optRunFolder(a).build().run();
            Map<String, double[]> metrics = MetricsLog.read(a.metricsCsv());
            assertEquals(0.0, metrics.get(BrainMvpStep.CL)[2], "no contrastive term in epoch 0");
            assertTrue(metrics.get(BrainMvpStep.CL)[5] > 0, "contrastive term in epoch 1");
            assertTrue(metrics.get(BrainMvpStep.CMR)[5] > 0);

            Path dir = tmp.resolve("b");
            Run first = model(m);
            Progress cancelAt4 = TestProgress.cancelAt(4);
            try (RunFolder cancelled = RunFolder.open(dir, config(), false, List.of())) {
                assertThrows(Progress.CancelledException.class, () -> loop(first).optProgress(cancelAt4)
                        .optRunFolder(cancelled).build().run());
            }
            Run resumed = model(m);
            TrainLoop.Result r = loop(resumed).optRunFolder(RunFolder.open(dir, config(), true, List.of())).build()
                    .run();
            assertEquals(4, r.resumedFrom());
            for (NamedParameters.Entry e : straight.params().entries()) {
                float diff = e.array().sub(resumed.params().get(e.name()).array()).abs().max().getFloat();
                assertEquals(0f, diff, e.name());
            }
            straight.adam().close();
            first.adam().close();
            resumed.adam().close();
        }
    }

    @Test
    void batchesWithoutRepStartAreRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            Sample s = Sample.of(new int[] {16, 16, 16}, new float[4][4096], MODS, null, Geometry.ofSpacing(1, 1, 1));
            Batch b = Batch.of(0, 0, List.of(s));
            MedvpException e = assertThrows(MedvpException.class, () -> BrainMvpStep.input(b, m));
            assertTrue(e.getMessage().contains("rep_start"), e.getMessage());
        }
    }
}
