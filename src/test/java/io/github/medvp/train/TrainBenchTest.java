package io.github.medvp.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import io.github.medvp.engine.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Opt-in timings ({@code -Dmedvp.bench=true}): the optimiser step, checkpoint write and read, for sizes of the real
 * models. Prints figures; asserts only what the timings ran on.
 */
@EnabledIfSystemProperty(named = "medvp.bench", matches = "true")
class TrainBenchTest {

    @TempDir
    Path tmp;

    @Test
    void optimiserStepAndCheckpointOfOneTemplateSizedTensor() throws Exception {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Engines.device("auto"))) {
            // One modality template of BrainMVP: 240 x 240 x 155 floats (35.7 MB).
            NDArray w = m.randomUniform(-1, 1, new Shape(240, 240, 155));
            NamedParameters params = NamedParameters.builder().addFree("template", w).build();
            try (Adam adam = Adam.builder().setParameters(params).build()) {
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    gc.backward(w.square().sum());
                }
                StepTimer timer = new StepTimer(3, 1);
                for (int i = 0; i < 13; i++) {
                    timer.start();
                    adam.step(1e-3, null);
                    w.getFloat(0, 0, 0); // waits for the device
                    timer.stop();
                }
                System.out.println("AdamW step, 8.9M parameters: " + timer.report());
                StepTimer save = new StepTimer(1, 1);
                StepTimer load = new StepTimer(1, 1);
                Path f = tmp.resolve("c.safetensors");
                JsonObject h = new JsonObject();
                h.addProperty("step", 1);
                for (int i = 0; i < 4; i++) {
                    save.start();
                    Checkpoints.write(f, Checkpoints.capture(h, params, adam));
                    save.stop();
                    load.start();
                    Checkpoints.restore(Checkpoints.read(f), f, params, adam);
                    load.stop();
                }
                System.out.println("checkpoint write (107 MB): " + save.report());
                System.out.println("checkpoint read+restore (107 MB): " + load.report());
                System.out.println("memory: " + MemoryProbe.sample(w.getDevice()).report());
                // Restoring puts back the state saved after the 13 updates.
                assertEquals(13, adam.updates());
            }
        }
    }
}
