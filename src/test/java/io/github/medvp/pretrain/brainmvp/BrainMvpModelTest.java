package io.github.medvp.pretrain.brainmvp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.TensorFiles;
import io.github.medvp.nn.StateDictImport;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.train.NamedParameters;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrainMvpModelTest {

    @Test
    void smallPresetHasTheReferenceParameterCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            BrainMvpModel model = BrainMvpModel.small().build();
            model.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
            long trainable = 0;
            for (NamedParameters.Entry e : model.namedParameters().trainable()) {
                trainable += e.array().size();
            }
            // Counted on the reference's RecModel (models/Uniformer.py): encoder 22,038,464 + used decoder 1,736,769 +
            // templates 71,424,000.
            assertEquals(22_038_464L + 1_736_769L + 71_424_000L, trainable);
            Parameter templates = model.getTemplates().getTemplates();
            assertEquals(new Shape(8, 240, 240, 155), templates.getShape());
            assertEquals(0f, templates.getArray().abs().max().getFloat());
            assertEquals(model.namedParameters().size(), model.referenceNames().size());
        }
    }

    /** A reference-style checkpoint of {@code source}: DDP and SSLEncoder prefixes, plus never-used decoder keys. */
    private static Map<String, NDArray> referenceCheckpoint(BrainMvpModel source, NDManager m) {
        Map<String, NDArray> sd = new LinkedHashMap<>();
        StateDictImport.export(source.referenceNames(), m).forEach((k, v) ->
                sd.put("module." + k.replace("encoder.", "encoder.uniformer."), v));
        sd.put("module.decoder.decoder5.conv_block.conv1.conv.weight", m.zeros(new Shape(1)));
        sd.put("module.decoder.proj1.proj.weight", m.zeros(new Shape(1)));
        sd.put("module.encoder.uniformer.norm.num_batches_tracked", m.create(7L));
        return sd;
    }

    @Test
    void importsAReferencePretrainingCheckpointIncludingTemplates(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            BrainMvpModel source = BrainMvpStepTest.tinyModel(m);
            source.getTemplates().getTemplates().getArray().set(
                    m.randomUniform(0f, 1f, new Shape(8, 48, 48, 48)).toFloatArray());
            Map<String, NDArray> sd = referenceCheckpoint(source, m);
            Map<String, HostTensor> host = new LinkedHashMap<>();
            sd.forEach((k, v) -> host.put(k, HostArrays.toHost(v)));
            Path file = dir.resolve("model_bestValRMSE.safetensors");
            TensorFiles.write(file, host, Map.of());

            BrainMvpModel target = BrainMvpStepTest.tinyModel(m);
            StateDictImport.Report report = target.importReference(file);
            assertTrue(report.loaded().contains("rep_template"));
            assertTrue(report.loaded().contains("encoder.patch_embed1.proj.weight"));
            assertTrue(report.loaded().contains("decoder.out_1.conv.conv.weight"));
            for (Map.Entry<String, StateDictImport.Target> e : source.referenceNames().entrySet()) {
                NDArray a = e.getValue().parameter().getArray();
                NDArray b = target.referenceNames().get(e.getKey()).parameter().getArray();
                assertEquals(0f, a.sub(b).abs().max().getFloat(), e.getKey());
            }
        }
    }

    @Test
    void checkpointsOfAnotherModelAreRejectedBeforeAnythingIsWritten() {
        try (NDManager m = NDManager.newBaseManager()) {
            BrainMvpModel source = BrainMvpStepTest.tinyModel(m);
            Map<String, NDArray> sd = referenceCheckpoint(source, m);
            sd.remove("module.rep_template");
            BrainMvpModel target = BrainMvpStepTest.tinyModel(m);
            NDArray before = target.getEncoder().getNorm().getParameters().get("gamma").getArray().duplicate();
            MedvpException e = assertThrows(MedvpException.class, () -> target.importReference(sd, "ckpt"));
            assertTrue(e.getMessage().contains("rep_template"), e.getMessage());
            sd.put("module.rep_template", m.zeros(new Shape(8, 48, 48, 48)));
            sd.put("module.extra.weight", m.zeros(new Shape(1)));
            assertThrows(MedvpException.class, () -> target.importReference(sd, "ckpt"));
            assertEquals(0f, before.sub(target.getEncoder().getNorm().getParameters().get("gamma").getArray())
                    .abs().max().getFloat());
            // Four templates (the reference's default --template_index) need a model built with four.
            sd.remove("module.extra.weight");
            sd.put("module.rep_template", m.zeros(new Shape(4, 48, 48, 48)));
            assertThrows(MedvpException.class, () -> target.importReference(sd, "ckpt"));
            BrainMvpModel four = BrainMvpModel.tiny().optTemplates(ModalityTemplates.builder().optGrid(48, 48, 48)
                    .optModalities(List.of(Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2))).build();
            four.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
            assertTrue(four.importReference(sd, "ckpt").loaded().contains("rep_template"));
        }
    }
}
