package io.github.medvp.nn.swin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.medvp.nn.Layers;
import io.github.medvp.nn.UnetResBlock;
import io.github.medvp.nn.UnetrUpBlock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoder of MONAI 0.9's {@code SwinUNETR} ({@code monai/networks/nets/swin_unetr.py}), everything but its
 * {@code swinViT}, with feature size f (the Swin's embedding width: 48 for Swin-B, 96 for Swin-L):
 * <pre>
 * enc0 = encoder1(x_in)               UnetResBlock C_in → f      (MONAI's UnetrBasicBlock with res_block=True)
 * enc1 = encoder2(x0)                 f → f          enc2 = encoder3(x1)   2f → 2f    enc3 = encoder4(x2)  4f → 4f
 * dec4 = encoder10(x4)                16f → 16f
 * dec3 = decoder5(dec4, x3)           UnetrUpBlock 16f → 8f
 * dec2 = decoder4(dec3, enc3)  8f → 4f;  dec1 = decoder3(dec2, enc2)  4f → 2f;  dec0 = decoder2(dec1, enc1)  2f → f
 * out  = decoder1(dec0, enc0)         f → f
 * logits = out(out)                   1³ convolution with bias (UnetOutBlock)
 * </pre>
 * Forward: {@code (x_in, x0, x1, x2, x3, x4)}, where x_in is the network input and x0..x4 are the (normalised) stage
 * outputs of {@link Swin3d}, all in the same axis order, → {@code (logits)} (N, K, D, H, W). There is no deep
 * supervision, as in MONAI. Instance norms are non-affine (MONAI's {@code norm_name="instance"}), so the block's
 * parameters are exactly MONAI's state-dict entries outside {@code swinViT.} (see
 * {@code ReferenceNames.swinUnetr}); the convolutions keep PyTorch's default initialisation as MONAI does.
 */
public final class SwinUnetrDecoder extends AbstractBlock {

    private final int outChannels;
    private final Map<String, UnetResBlock> encoders = new LinkedHashMap<>();
    private final Map<String, UnetrUpBlock> decoders = new LinkedHashMap<>();
    private final Conv3d out;

    private SwinUnetrDecoder(Builder b) {
        int f = b.featureSize;
        outChannels = b.outChannels;
        encoder("encoder1", b.inChannels, f);
        encoder("encoder2", f, f);
        encoder("encoder3", 2 * f, 2 * f);
        encoder("encoder4", 4 * f, 4 * f);
        encoder("encoder10", 16 * f, 16 * f);
        decoder("decoder5", 16 * f, 8 * f);
        decoder("decoder4", 8 * f, 4 * f);
        decoder("decoder3", 4 * f, 2 * f);
        decoder("decoder2", 2 * f, f);
        decoder("decoder1", f, f);
        out = addChildBlock("out", Layers.conv3dTorchDefault(f, b.outChannels, 1, 1));
    }

    private void encoder(String name, int in, int outWidth) {
        encoders.put(name, addChildBlock(name, new UnetResBlock(in, outWidth).withTorchDefaultInit()));
    }

    private void decoder(String name, int in, int outWidth) {
        decoders.put(name, addChildBlock(name, new UnetrUpBlock(in, outWidth).withTorchDefaultInit()));
    }

    /** @return a builder; {@link Builder#setOutChannels} and {@link Builder#setFeatureSize} are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the residual blocks on the input and skips by MONAI name ({@code encoder1} … {@code encoder10}) */
    public Map<String, UnetResBlock> getEncoders() {
        return Collections.unmodifiableMap(encoders);
    }

    /** @return the up-sampling blocks by MONAI name ({@code decoder5} … {@code decoder1}) */
    public Map<String, UnetrUpBlock> getDecoders() {
        return Collections.unmodifiableMap(decoders);
    }

    /** @return the output convolution ({@code out.conv.conv} in MONAI) */
    public Conv3d getOut() {
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        if (in.size() != 6) {
            throw new IllegalArgumentException("SwinUnetrDecoder expects (x_in, x0, x1, x2, x3, x4), got "
                    + in.size());
        }
        // Each skip is consumed by one up block, so it is computed just before it to keep fewer maps alive.
        NDArray dec = res("encoder10", ps, in.get(5), training, p);
        dec = up("decoder5", ps, dec, in.get(4), training, p);
        dec = up("decoder4", ps, dec, res("encoder4", ps, in.get(3), training, p), training, p);
        dec = up("decoder3", ps, dec, res("encoder3", ps, in.get(2), training, p), training, p);
        dec = up("decoder2", ps, dec, res("encoder2", ps, in.get(1), training, p), training, p);
        dec = up("decoder1", ps, dec, res("encoder1", ps, in.get(0), training, p), training, p);
        return new NDList(Layers.apply(out, ps, dec, training, p));
    }

    private NDArray res(String name, ParameterStore ps, NDArray x, boolean training, PairList<String, Object> p) {
        return Layers.apply(encoders.get(name), ps, x, training, p);
    }

    private NDArray up(String name, ParameterStore ps, NDArray x, NDArray skip, boolean training,
            PairList<String, Object> p) {
        return Layers.forward(decoders.get(name), ps, new NDList(x, skip), training, p).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), outChannels, x.get(2), x.get(3), x.get(4))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... s) {
        if (s.length != 6) {
            throw new IllegalArgumentException("SwinUnetrDecoder expects the shapes of (x_in, x0, x1, x2, x3, x4)");
        }
        String[] skipBlocks = {"encoder1", "encoder2", "encoder3", "encoder4"};
        for (int i = 0; i < skipBlocks.length; i++) {
            encoders.get(skipBlocks[i]).initialize(manager, dataType, s[i]);
        }
        UnetResBlock bottom = encoders.get("encoder10");
        bottom.initialize(manager, dataType, s[5]);
        Shape dec = Layers.outShape(bottom, s[5]);
        String[] ups = {"decoder5", "decoder4", "decoder3", "decoder2", "decoder1"};
        for (int i = 0; i < ups.length; i++) {
            // decoder5 takes x3 itself; the others take encoder4 .. encoder1's outputs, which keep their inputs' size.
            Shape skipIn = i == 0 ? s[4] : s[4 - i];
            Shape skip = i == 0 ? skipIn : Layers.outShape(encoders.get(skipBlocks[4 - i]), skipIn);
            UnetrUpBlock block = decoders.get(ups[i]);
            block.initialize(manager, dataType, dec, skip);
            dec = Layers.outShape(block, dec);
        }
        out.initialize(manager, dataType, dec);
    }

    /** Builder for {@link SwinUnetrDecoder}. */
    public static final class Builder {
        private int outChannels = -1;
        private int featureSize = -1;
        private int inChannels = 1;

        private Builder() {
        }

        /** @param outChannels segmentation channels (required) @return this */
        public Builder setOutChannels(int outChannels) {
            this.outChannels = outChannels;
            return this;
        }

        /** @param featureSize the Swin's embedding width f (required; 48 for Swin-B) @return this */
        public Builder setFeatureSize(int featureSize) {
            this.featureSize = featureSize;
            return this;
        }

        /** @param inChannels channels of the network input, default 1 @return this */
        public Builder optInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /** @return the decoder */
        public SwinUnetrDecoder build() {
            if (outChannels < 1 || featureSize < 1 || inChannels < 1) {
                throw new IllegalArgumentException("SwinUnetrDecoder needs positive out channels, feature size and "
                        + "in channels, got " + outChannels + ", " + featureSize + ", " + inChannels);
            }
            return new SwinUnetrDecoder(this);
        }
    }
}
