package io.github.medvp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.nn.StateDictImport.Target;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecodersTest {

    private static final Shape[] SMALL_FEATURES_C4 = {new Shape(1, 4, 16, 16, 16), new Shape(1, 64, 8, 8, 8),
        new Shape(1, 128, 4, 4, 4), new Shape(1, 320, 2, 2, 2), new Shape(1, 512, 1, 1, 1)};

    @Test
    void reconstructionDecoderHasTheUsedReferenceParameters() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ReconstructionDecoder decoder = ReconstructionDecoder.builder().build();
            decoder.initialize(manager, DataType.FLOAT32, new Shape(1, 512, 1, 1, 1));
            assertEquals(1_736_769, Blocks.trainable(decoder));
            Map<String, Target> names = ReferenceNames.reconstructionDecoder(decoder);
            assertEquals(Blocks.all(decoder), Blocks.covered(names));
            assertEquals(new Shape(512, 320, 2, 2, 2), names.get("decoder5.transp_conv.conv.weight").parameter()
                    .getShape());
            assertEquals(new Shape(1, 64, 1, 1, 1), names.get("out_1.conv.conv.weight").parameter().getShape());
        }
    }

    @Test
    void segmentationModelHasTheReferenceParameterCount() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UniFormer3d encoder = Presets.small().optInChannels(4).optReturnInput(true).build();
            encoder.initialize(manager, DataType.FLOAT32, SMALL_FEATURES_C4[0]);
            UnetrDecoder decoder = UnetrDecoder.builder().setOutChannels(3).build();
            decoder.initialize(manager, DataType.FLOAT32, SMALL_FEATURES_C4);
            assertEquals(34_323_593, Blocks.trainable(encoder) + Blocks.trainable(decoder));
            assertEquals(582, Blocks.trainable(decoder.msOut0) + Blocks.trainable(decoder.msOut1));
            Map<String, Target> names = ReferenceNames.segmentationModel(encoder, decoder);
            assertEquals(Blocks.all(encoder, decoder), Blocks.covered(names));
            assertTrue(names.containsKey("decoder.decoder2.conv_block.conv3.conv.weight"));
            assertTrue(names.containsKey("ms_out.1.bias"));
            assertEquals(StateDictImport.Layout.KERNEL_ZXY, names.get("decoder.proj1.proj.weight").layout());
            assertEquals(StateDictImport.Layout.AS_IS, names.get("decoder.decoder5.conv_block.conv1.conv.weight")
                    .layout());
        }
    }

    @Test
    void segmentationDecoderReturnsDeepSupervisionOnlyInTraining() {
        int[] widths = {16, 32, 64, 128};
        try (NDManager manager = NDManager.newBaseManager()) {
            UniFormer3d encoder = Presets.tiny().optInChannels(2).optReturnInput(true).build();
            Shape input = new Shape(1, 2, 32, 32, 32);
            encoder.initialize(manager, DataType.FLOAT32, input);
            UnetrDecoder decoder = UnetrDecoder.builder().setOutChannels(3).optWidths(widths).build();
            decoder.initialize(manager, DataType.FLOAT32, encoder.getOutputShapes(new Shape[] {input}));
            ParameterStore ps = new ParameterStore(manager, false);
            NDList features = encoder.forward(ps, new NDList(manager.randomNormal(input)), false);
            NDList eval = decoder.forward(ps, features, false);
            assertEquals(1, eval.size());
            assertEquals(new Shape(1, 3, 32, 32, 32), eval.get(0).getShape());
            NDList train = decoder.forward(ps, features, true);
            assertEquals(3, train.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(new Shape(1, 3, 32, 32, 32), train.get(i).getShape());
            }
            // Instance norm has no running state: the main output is the same in both modes.
            assertEquals(0f, Fixtures.maxAbs(eval.get(0), train.get(2)));
        }
    }

    @Test
    void fineTuningTransfersPretrainedDecoderWeightsByName() {
        int[] widths = {16, 32, 64, 128};
        try (NDManager manager = NDManager.newBaseManager()) {
            UniFormer3d preEncoder = Presets.tiny().build();
            preEncoder.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
            ReconstructionDecoder preDecoder = ReconstructionDecoder.builder().optWidths(widths).build();
            preDecoder.initialize(manager, DataType.FLOAT32, new Shape(1, 128, 2, 2, 2));
            Map<String, NDArray> checkpoint = new LinkedHashMap<>();
            StateDictImport.export(ReferenceNames.pretrainingModel(preEncoder, preDecoder), manager)
                    .forEach((k, v) -> checkpoint.put("module." + k.replace("encoder.", "encoder.uniformer."), v));

            Shape input = new Shape(1, 4, 32, 32, 32);
            UniFormer3d encoder = Presets.tiny().optInChannels(4).optReturnInput(true).build();
            encoder.initialize(manager, DataType.FLOAT32, input);
            UnetrDecoder decoder = UnetrDecoder.builder().setOutChannels(3).optWidths(widths).build();
            decoder.initialize(manager, DataType.FLOAT32, encoder.getOutputShapes(new Shape[] {input}));
            StateDictImport.Report report = StateDictImport.builder().optStrict(false)
                    .optExclude(n -> n.startsWith("encoder.patch_embed1.proj.") || n.startsWith("decoder.proj1.proj."))
                    .build().load(ReferenceNames.segmentationModel(encoder, decoder), checkpoint, "pretrained");
            assertTrue(report.loaded().contains("decoder.decoder2.transp_conv.conv.weight"));
            assertTrue(report.loaded().contains("encoder.norm.running_var"));
            assertTrue(report.unexpected().contains("decoder.out_1.conv.conv.weight"));
            assertTrue(report.missing().contains("decoder.out.conv.conv.weight"));
            assertTrue(report.missing().contains("ms_out.0.weight"));
            assertEquals(List.of("encoder.patch_embed1.proj.weight", "encoder.patch_embed1.proj.bias"),
                    report.skipped());
            assertEquals(0f, Fixtures.maxAbs(preDecoder.ups.get(0).getWeight().getArray(),
                    decoder.decoder5.transpConv.getWeight().getArray()));
        }
    }
}
