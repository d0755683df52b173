package io.github.medvp.nn;

import io.github.medvp.nn.swin.PatchMerging3d;
import io.github.medvp.nn.swin.Swin3d;
import io.github.medvp.nn.swin.SwinBlock3d;
import io.github.medvp.nn.swin.SwinUnetrDecoder;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import io.github.medvp.nn.StateDictImport.Layout;
import io.github.medvp.nn.StateDictImport.Target;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mapping between reference state-dict names and our parameters: the one place that knows the reference's
 * module names ({@code models/uniformer_blocks.py}, {@code models/Uniformer.py}, {@code Downstream/model/Uni_unet.py},
 * MONAI's {@code UnetrUpBlock}/{@code UnetResBlock}/{@code UnetOutBlock} and MONAI 0.9's 3D {@code SwinTransformer}).
 * <p>
 * Layouts: the reference encoder runs on (Z, X, Y), so its convolution kernels are {@link Layout#KERNEL_ZXY}; its
 * decoders permute the encoder features back to (X, Y, Z) before use, so their kernels are {@link Layout#AS_IS},
 * except {@code proj1}, which the reference applies to the (Z, X, Y) input x0.
 */
public final class ReferenceNames {

    private ReferenceNames() {
    }

    /**
     * Encoder names as in {@code UniFormer.state_dict()}: {@code patch_embed1.proj.weight}, {@code blocks3.0.attn.qkv.bias},
     * {@code norm.running_mean}, …
     *
     * @param encoder an initialised encoder
     * @return targets by reference name
     */
    public static Map<String, Target> encoder(UniFormer3d encoder) {
        Map<String, Target> t = new LinkedHashMap<>();
        for (int s = 1; s <= 4; s++) {
            patchEmbed(t, "patch_embed" + s + ".", encoder.getPatchEmbed(s), Layout.KERNEL_ZXY);
        }
        for (int s = 1; s <= 4; s++) {
            List<Block> blocks = encoder.getBlocks(s);
            for (int i = 0; i < blocks.size(); i++) {
                String p = "blocks" + s + "." + i + ".";
                if (blocks.get(i) instanceof CBlock b) {
                    conv(t, p + "pos_embed.", b.posEmbed, Layout.KERNEL_ZXY);
                    batchNorm(t, p + "norm1.", b.norm1);
                    conv(t, p + "conv1.", b.conv1, Layout.KERNEL_ZXY);
                    conv(t, p + "conv2.", b.conv2, Layout.KERNEL_ZXY);
                    conv(t, p + "attn.", b.attn, Layout.KERNEL_ZXY);
                    batchNorm(t, p + "norm2.", b.norm2);
                    conv(t, p + "mlp.fc1.", b.fc1, Layout.KERNEL_ZXY);
                    conv(t, p + "mlp.fc2.", b.fc2, Layout.KERNEL_ZXY);
                } else {
                    SABlock b = (SABlock) blocks.get(i);
                    conv(t, p + "pos_embed.", b.posEmbed, Layout.KERNEL_ZXY);
                    layerNorm(t, p + "norm1.", b.norm1);
                    linear(t, p + "attn.qkv.", b.qkv);
                    linear(t, p + "attn.proj.", b.proj);
                    layerNorm(t, p + "norm2.", b.norm2);
                    linear(t, p + "mlp.fc1.", b.fc1);
                    linear(t, p + "mlp.fc2.", b.fc2);
                }
            }
        }
        batchNorm(t, "norm.", encoder.getNorm());
        return t;
    }

    /**
     * Names of the pre-training decoder as in {@code models/Uniformer.py} ({@code UniSegDecoder}):
     * {@code decoder5.transp_conv.conv.weight} … {@code decoder2.…}, {@code out_1.conv.conv.weight/bias}.
     *
     * @param decoder an initialised decoder
     * @return targets by reference name
     */
    public static Map<String, Target> reconstructionDecoder(ReconstructionDecoder decoder) {
        Map<String, Target> t = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            put(t, "decoder" + (5 - i) + ".transp_conv.conv.weight", decoder.ups.get(i).getWeight(), Layout.AS_IS);
        }
        conv(t, "out_1.conv.conv.", decoder.out, Layout.AS_IS);
        return t;
    }

    /**
     * Names of the segmentation decoder as in {@code Downstream/model/Uni_unet.py} ({@code UniSegDecoder}), without
     * the deep-supervision heads (which belong to the enclosing {@code UniUnet}, see {@link #deepSupervision}):
     * {@code decoder5.transp_conv.conv.weight}, {@code decoder5.conv_block.conv1.conv.weight} (and conv2, conv3),
     * …, {@code proj1.proj.weight}, {@code proj1.norm.weight}, {@code out.conv.conv.weight}.
     *
     * @param decoder an initialised decoder
     * @return targets by reference name
     */
    public static Map<String, Target> segmentationDecoder(UnetrDecoder decoder) {
        Map<String, Target> t = new LinkedHashMap<>();
        UnetrUpBlock[] ups = {decoder.decoder5, decoder.decoder4, decoder.decoder3, decoder.decoder2};
        for (int i = 0; i < 4; i++) {
            String p = "decoder" + (5 - i) + ".";
            put(t, p + "transp_conv.conv.weight", ups[i].transpConv.getWeight(), Layout.AS_IS);
            resBlock(t, p + "conv_block.", ups[i].convBlock);
        }
        // proj1 runs on the reference's permuted (Z, X, Y) input x0.
        patchEmbed(t, "proj1.", decoder.proj1, Layout.KERNEL_ZXY);
        conv(t, "out.conv.conv.", decoder.out, Layout.AS_IS);
        return t;
    }

    /**
     * Names of the deep-supervision heads as in {@code UniUnet}: {@code ms_out.0.weight/bias} (on decoder4's
     * output), {@code ms_out.1.weight/bias} (on decoder3's output); empty without deep supervision.
     *
     * @param decoder an initialised decoder
     * @return targets by reference name
     */
    public static Map<String, Target> deepSupervision(UnetrDecoder decoder) {
        Map<String, Target> t = new LinkedHashMap<>();
        if (decoder.hasDeepSupervision()) {
            conv(t, "ms_out.0.", decoder.msOut0, Layout.AS_IS);
            conv(t, "ms_out.1.", decoder.msOut1, Layout.AS_IS);
        }
        return t;
    }

    /**
     * Names of the whole pre-training network ({@code RecModel}, after {@code module.} and {@code uniformer.} are
     * stripped): {@code encoder.*} and {@code decoder.*}. The reference checkpoint also holds the never-used decoder
     * residual blocks, {@code proj1} and {@code rep_template}: those are unexpected here.
     *
     * @param encoder an initialised encoder
     * @param decoder an initialised decoder
     * @return targets by reference name
     */
    public static Map<String, Target> pretrainingModel(UniFormer3d encoder, ReconstructionDecoder decoder) {
        Map<String, Target> t = prefixed("encoder.", encoder(encoder));
        t.putAll(prefixed("decoder.", reconstructionDecoder(decoder)));
        return t;
    }

    /**
     * Names of the whole segmentation network ({@code UniUnet}): {@code encoder.*}, {@code decoder.*},
     * {@code ms_out.*}.
     *
     * @param encoder an initialised encoder
     * @param decoder an initialised decoder
     * @return targets by reference name
     */
    public static Map<String, Target> segmentationModel(UniFormer3d encoder, UnetrDecoder decoder) {
        Map<String, Target> t = prefixed("encoder.", encoder(encoder));
        t.putAll(prefixed("decoder.", segmentationDecoder(decoder)));
        t.putAll(deepSupervision(decoder));
        return t;
    }

    /**
     * Names of MG-3D's Swin encoder as in MONAI 0.9's {@code SwinTransformer.state_dict()} ({@code swinViT.*} in
     * {@code SSLHead}, {@code vision_encoder.*} in MG-3D checkpoints: select that prefix on import):
     * {@code patch_embed.proj.weight}, {@code layers1.0.blocks.0.norm1.weight},
     * {@code layers1.0.blocks.0.attn.relative_position_bias_table}, {@code ...attn.qkv.weight},
     * {@code ...mlp.linear1.weight}, {@code layers1.0.downsample.reduction.weight}, {@code ...downsample.norm.bias},
     * … The integer {@code relative_position_index} buffers are not here: the blocks compute them.
     * <p>
     * All layouts are as-is: {@link Swin3d} keeps the reference's (D, H, W) axis order.
     *
     * @param swin an initialised encoder
     * @return targets by reference name
     */
    public static Map<String, Target> swin(Swin3d swin) {
        Map<String, Target> t = new LinkedHashMap<>();
        conv(t, "patch_embed.proj.", swin.getPatchEmbed(), Layout.AS_IS);
        for (int s = 1; s <= swin.getDepths().length; s++) {
            String layer = "layers" + s + ".0.";
            List<SwinBlock3d> blocks = swin.getBlocks(s);
            for (int i = 0; i < blocks.size(); i++) {
                String p = layer + "blocks." + i + ".";
                SwinBlock3d b = blocks.get(i);
                layerNorm(t, p + "norm1.", b.norm1);
                put(t, p + "attn.relative_position_bias_table", b.attn.getRelativePositionBiasTable(), Layout.AS_IS);
                linear(t, p + "attn.qkv.", b.attn.qkv);
                linear(t, p + "attn.proj.", b.attn.proj);
                layerNorm(t, p + "norm2.", b.norm2);
                linear(t, p + "mlp.linear1.", b.linear1);
                linear(t, p + "mlp.linear2.", b.linear2);
            }
            PatchMerging3d merging = swin.getMerging(s);
            linear(t, layer + "downsample.reduction.", merging.reduction);
            layerNorm(t, layer + "downsample.norm.", merging.norm);
        }
        return t;
    }

    /**
     * Names of MONAI 0.9's whole {@code SwinUNETR} ({@code monai/networks/nets/swin_unetr.py}): {@code swinViT.*}
     * as {@link #swin}, then {@code encoder1.layer.conv1.conv.weight} (conv2, and conv3 where the widths differ;
     * the instance norms are non-affine and hold nothing), …, {@code encoder10.*},
     * {@code decoder5.transp_conv.conv.weight}, {@code decoder5.conv_block.conv1.conv.weight}, …,
     * {@code decoder1.*}, {@code out.conv.conv.weight} and {@code .bias}. Layouts are as-is: the decoder runs in the
     * encoder's axis order.
     *
     * @param swin an initialised encoder
     * @param decoder an initialised decoder
     * @return targets by reference name
     */
    public static Map<String, Target> swinUnetr(Swin3d swin, SwinUnetrDecoder decoder) {
        Map<String, Target> t = prefixed("swinViT.", swin(swin));
        decoder.getEncoders().forEach((name, block) -> resBlock(t, name + ".layer.", block));
        decoder.getDecoders().forEach((name, block) -> {
            put(t, name + ".transp_conv.conv.weight", block.transpConv.getWeight(), Layout.AS_IS);
            resBlock(t, name + ".conv_block.", block.convBlock);
        });
        conv(t, "out.conv.conv.", decoder.getOut(), Layout.AS_IS);
        return t;
    }

    private static void resBlock(Map<String, Target> t, String prefix, UnetResBlock block) {
        conv(t, prefix + "conv1.conv.", block.conv1, Layout.AS_IS);
        conv(t, prefix + "conv2.conv.", block.conv2, Layout.AS_IS);
        if (block.conv3 != null) {
            conv(t, prefix + "conv3.conv.", block.conv3, Layout.AS_IS);
        }
    }

    /**
     * Prefixes every name of a table.
     *
     * @param prefix e.g. {@code encoder.}
     * @param table targets by name
     * @return a new table with prefixed names
     */
    public static Map<String, Target> prefixed(String prefix, Map<String, Target> table) {
        Map<String, Target> out = new LinkedHashMap<>();
        table.forEach((k, v) -> out.put(prefix + k, v));
        return out;
    }

    static void patchEmbed(Map<String, Target> t, String prefix, PatchEmbed3d embed, Layout layout) {
        conv(t, prefix + "proj.", embed.getProj(), layout);
        layerNorm(t, prefix + "norm.", embed.getNorm());
    }

    static void conv(Map<String, Target> t, String prefix, Conv3d conv, Layout layout) {
        put(t, prefix + "weight", param(conv, "weight"), layout);
        if (conv.isIncludeBias()) {
            put(t, prefix + "bias", param(conv, "bias"), Layout.AS_IS);
        }
    }

    public static void linear(Map<String, Target> t, String prefix, Linear linear) {
        put(t, prefix + "weight", param(linear, "weight"), Layout.AS_IS);
        // Linear layers built without bias (e.g. the Swin's patch-merging reduction) have no bias parameter.
        if (linear.getDirectParameters().get("bias") != null) {
            put(t, prefix + "bias", param(linear, "bias"), Layout.AS_IS);
        }
    }

    public static void layerNorm(Map<String, Target> t, String prefix, LayerNorm norm) {
        put(t, prefix + "weight", param(norm, "gamma"), Layout.AS_IS);
        put(t, prefix + "bias", param(norm, "beta"), Layout.AS_IS);
    }

    static void batchNorm(Map<String, Target> t, String prefix, BatchNorm norm) {
        put(t, prefix + "weight", param(norm, "gamma"), Layout.AS_IS);
        put(t, prefix + "bias", param(norm, "beta"), Layout.AS_IS);
        put(t, prefix + "running_mean", param(norm, "runningMean"), Layout.AS_IS);
        put(t, prefix + "running_var", param(norm, "runningVar"), Layout.AS_IS);
    }

    public static Parameter param(Block block, String name) {
        Parameter p = block.getDirectParameters().get(name);
        if (p == null) {
            throw new IllegalStateException(block.getClass().getSimpleName() + " has no parameter " + name);
        }
        return p;
    }

    public static void put(Map<String, Target> t, String name, Parameter p, Layout layout) {
        if (t.put(name, new Target(p, layout)) != null) {
            throw new IllegalStateException("duplicate reference name " + name);
        }
    }
}
