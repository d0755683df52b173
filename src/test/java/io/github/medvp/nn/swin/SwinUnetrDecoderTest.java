package io.github.medvp.nn.swin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.MedvpException;
import io.github.medvp.nn.Blocks;
import io.github.medvp.nn.HostInitialisation;
import io.github.medvp.nn.Presets;
import io.github.medvp.nn.ReferenceNames;
import io.github.medvp.nn.StateDictImport;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SwinUNETR decoder against MONAI 0.9's {@code SwinUNETR} state-dict layout, written out here by hand from
 * {@code monai/networks/nets/swin_unetr.py} and {@code monai/networks/blocks/unetr_block.py} (not from
 * {@link ReferenceNames}, which it checks).
 */
class SwinUnetrDecoderTest {

    /**
     * The key → shape table of {@code SwinUNETR(in_channels=c, out_channels=k, feature_size=f, depths=(2,2,2,2),
     * num_heads=heads).state_dict()}, including the {@code relative_position_index} buffers.
     */
    static Map<String, Shape> monaiLayout(int c, int k, int f, int[] heads) {
        Map<String, Shape> t = new LinkedHashMap<>();
        t.put("swinViT.patch_embed.proj.weight", new Shape(f, c, 2, 2, 2));
        t.put("swinViT.patch_embed.proj.bias", new Shape(f));
        for (int s = 0; s < 4; s++) {
            long d = (long) f << s;
            for (int i = 0; i < 2; i++) {
                String p = "swinViT.layers" + (s + 1) + ".0.blocks." + i + ".";
                t.put(p + "norm1.weight", new Shape(d));
                t.put(p + "norm1.bias", new Shape(d));
                t.put(p + "attn.relative_position_bias_table", new Shape(13 * 13 * 13, heads[s]));
                t.put(p + "attn.relative_position_index", new Shape(343, 343));
                t.put(p + "attn.qkv.weight", new Shape(3 * d, d));
                t.put(p + "attn.qkv.bias", new Shape(3 * d));
                t.put(p + "attn.proj.weight", new Shape(d, d));
                t.put(p + "attn.proj.bias", new Shape(d));
                t.put(p + "norm2.weight", new Shape(d));
                t.put(p + "norm2.bias", new Shape(d));
                t.put(p + "mlp.linear1.weight", new Shape(4 * d, d));
                t.put(p + "mlp.linear1.bias", new Shape(4 * d));
                t.put(p + "mlp.linear2.weight", new Shape(d, 4 * d));
                t.put(p + "mlp.linear2.bias", new Shape(d));
            }
            String m = "swinViT.layers" + (s + 1) + ".0.downsample.";
            t.put(m + "reduction.weight", new Shape(2 * d, 8 * d));
            t.put(m + "norm.weight", new Shape(8 * d));
            t.put(m + "norm.bias", new Shape(8 * d));
        }
        basic(t, "encoder1", c, f);
        basic(t, "encoder2", f, f);
        basic(t, "encoder3", 2 * f, 2 * f);
        basic(t, "encoder4", 4 * f, 4 * f);
        basic(t, "encoder10", 16 * f, 16 * f);
        up(t, "decoder5", 16 * f, 8 * f);
        up(t, "decoder4", 8 * f, 4 * f);
        up(t, "decoder3", 4 * f, 2 * f);
        up(t, "decoder2", 2 * f, f);
        up(t, "decoder1", f, f);
        t.put("out.conv.conv.weight", new Shape(k, f, 1, 1, 1));
        t.put("out.conv.conv.bias", new Shape(k));
        return t;
    }

    /** UnetrBasicBlock(res_block=True) = {@code layer}: a UnetResBlock with non-affine instance norms. */
    private static void basic(Map<String, Shape> t, String name, int in, int out) {
        res(t, name + ".layer.", in, out);
    }

    private static void res(Map<String, Shape> t, String p, int in, int out) {
        t.put(p + "conv1.conv.weight", new Shape(out, in, 3, 3, 3));
        t.put(p + "conv2.conv.weight", new Shape(out, out, 3, 3, 3));
        if (in != out) {
            t.put(p + "conv3.conv.weight", new Shape(out, in, 1, 1, 1));
        }
    }

    private static void up(Map<String, Shape> t, String name, int in, int out) {
        t.put(name + ".transp_conv.conv.weight", new Shape(in, out, 2, 2, 2));
        res(t, name + ".conv_block.", 2 * out, out);
    }

    private record Net(Swin3d swin, SwinUnetrDecoder decoder) {
        Map<String, StateDictImport.Target> names() {
            return ReferenceNames.swinUnetr(swin, decoder);
        }

        NDArray forward(NDManager manager, NDArray x) {
            ParameterStore ps = new ParameterStore(manager, false);
            NDList hidden = swin.forward(ps, new NDList(x), false);
            NDList in = new NDList(x);
            in.addAll(hidden);
            return decoder.forward(ps, in, false).singletonOrThrow();
        }
    }

    private static Net net(NDManager manager, Swin3d.Builder preset, int c, int k, int size) {
        Swin3d swin = preset.optInChannels(c).build();
        Shape in = new Shape(1, c, size, size, size);
        HostInitialisation.initialize(swin, manager, DataType.FLOAT32, in);
        Shape[] hidden = swin.getOutputShapes(new Shape[] {in});
        Shape[] all = new Shape[hidden.length + 1];
        all[0] = in;
        System.arraycopy(hidden, 0, all, 1, hidden.length);
        SwinUnetrDecoder decoder = SwinUnetrDecoder.builder().setOutChannels(k).setFeatureSize(swin.getEmbedDim())
                .optInChannels(c).build();
        HostInitialisation.initialize(decoder, manager, DataType.FLOAT32, all);
        return new Net(swin, decoder);
    }

    @Test
    void namesAndShapesAreMonais() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Net n = net(manager, Presets.swinTiny(), 2, 3, 32);
            Map<String, Shape> expected = monaiLayout(2, 3, n.swin().getEmbedDim(), n.swin().getHeads());
            expected.keySet().removeIf(key -> key.endsWith("relative_position_index"));
            Map<String, Shape> ours = new LinkedHashMap<>();
            n.names().forEach((key, target) -> ours.put(key, target.parameter().getShape()));
            assertEquals(expected, ours);
            // Every parameter of both blocks has exactly one MONAI name.
            assertEquals(Blocks.all(n.swin(), n.decoder()), Blocks.covered(n.names()));
        }
    }

    @Test
    void swinBHasSwinUnetrsParameterCount() {
        // MONAI's SwinUNETR(img_size=96, in_channels=1, out_channels=14, feature_size=48) (the BTCV model) has
        // 62,187,296 parameters; the table above, buffers left out, must count the same.
        Map<String, Shape> monai = monaiLayout(1, 14, 48, new int[] {3, 6, 12, 24});
        long expected = monai.entrySet().stream().filter(e -> !e.getKey().endsWith("relative_position_index"))
                .mapToLong(e -> e.getValue().size()).sum();
        assertEquals(62_187_296L, expected);
        try (NDManager manager = NDManager.newBaseManager()) {
            Net n = net(manager, Presets.swinB(), 1, 14, 32);
            assertEquals(expected, Blocks.trainable(n.swin()) + Blocks.trainable(n.decoder()));
        }
    }

    @Test
    void aMonaiStateDictLoadsWholeAndExportsBack() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Net n = net(manager, Presets.swinTiny(), 1, 2, 32);
            Map<String, NDArray> stateDict = new LinkedHashMap<>();
            int i = 0;
            for (var e : monaiLayout(1, 2, n.swin().getEmbedDim(), n.swin().getHeads()).entrySet()) {
                Shape s = e.getValue();
                NDArray v = e.getKey().endsWith("relative_position_index")
                        ? manager.zeros(s, DataType.INT64)
                        : manager.randomNormal(0, 0.05f, s, DataType.FLOAT32).add(i++ * 1e-3f);
                // As a checkpoint saved from DataParallel holds it.
                stateDict.put("module." + e.getKey(), v);
            }
            StateDictImport.Report report = StateDictImport.builder().optStripPrefixes("module.").build()
                    .load(n.names(), stateDict, "monai.pt");
            assertTrue(report.missing().isEmpty() && report.unexpected().isEmpty() && report.skipped().isEmpty(),
                    report.toString());
            Map<String, NDArray> exported = StateDictImport.export(n.names(), manager);
            for (var e : exported.entrySet()) {
                NDArray original = stateDict.get("module." + e.getKey());
                assertEquals(0f, original.sub(e.getValue()).abs().max().getFloat(), e.getKey());
            }
            // What a MedVP model writes is a MONAI state dict less the index buffers MONAI recomputes anyway.
            assertEquals(stateDict.size() - 8, exported.size());

            NDArray x = manager.randomUniform(0, 1, new Shape(1, 1, 32, 32, 32));
            NDArray logits = n.forward(manager, x);
            assertEquals(new Shape(1, 2, 32, 32, 32), logits.getShape());
            assertTrue(Float.isFinite(logits.abs().sum().getFloat()));

            // A decoder of another width does not take it: named, not silently skipped.
            Net other = net(manager, Presets.swinTiny(), 1, 3, 32);
            MedvpException e = assertThrows(MedvpException.class, () -> StateDictImport.builder()
                    .optStripPrefixes("module.").build().load(other.names(), stateDict, "monai.pt"));
            assertTrue(e.getMessage().contains("out.conv.conv.weight"), e.getMessage());
        }
    }

    @Test
    void trainingGradientsReachEveryDecoderParameter() {
        // 64³: at 32³ the bottom block's instance norm sees one voxel (x4 is 1³) and passes no gradient, in MONAI too.
        try (NDManager manager = NDManager.newBaseManager()) {
            Net n = net(manager, Presets.swinTiny(), 1, 2, 64);
            NDArray x = manager.randomUniform(0, 1, new Shape(1, 1, 64, 64, 64));
            try (ai.djl.training.GradientCollector gc = manager.getEngine().newGradientCollector()) {
                ParameterStore ps = new ParameterStore(manager, false);
                NDList hidden = n.swin().forward(ps, new NDList(x), true);
                NDList in = new NDList(x);
                in.addAll(hidden);
                NDArray loss = n.decoder().forward(ps, in, true).singletonOrThrow().square().mean();
                gc.backward(loss);
            }
            n.decoder().getParameters().forEach(p -> assertTrue(
                    p.getValue().getArray().getGradient().abs().sum().getFloat() > 0, p.getKey()));
        }
    }
}
