package io.github.medvp.tasks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.nn.EncoderAxes;
import io.github.medvp.nn.EncoderPreset;
import io.github.medvp.nn.VolumeEncoder;

/**
 * An encoder as the tasks use it: the block, its preset, and the axis order its weights expect. Task arrays stay
 * (N, C, X, Y, Z) outside it: {@link #features} permutes the input into the encoder's order and every feature map
 * back, so heads, losses and written features never see another order.
 *
 * @param block the encoder
 * @param preset its family and size
 * @param axes the axis order its weights were trained in
 */
public record TaskEncoder(VolumeEncoder block, EncoderPreset preset, EncoderAxes axes) {

    /**
     * Runs the encoder.
     *
     * @param ps the parameter store
     * @param x (N, C, X, Y, Z)
     * @param training training mode
     * @return the feature maps ({@link VolumeEncoder}), each (N, C_s, X_s, Y_s, Z_s)
     */
    public NDList features(ParameterStore ps, NDArray x, boolean training) {
        NDList out = block.forward(ps, new NDList(axes.toEncoder(x)), training);
        if (axes == EncoderAxes.XYZ) {
            return out;
        }
        NDList back = new NDList(out.size());
        out.forEach(f -> back.add(axes.toTask(f)));
        return back;
    }

    /**
     * @param in (N, C, X, Y, Z)
     * @return the shapes of {@link #features}, in (N, C, X, Y, Z) order
     */
    public Shape[] featureShapes(Shape in) {
        Shape[] s = block.getOutputShapes(new Shape[] {permuted(in)});
        for (int i = 0; i < s.length; i++) {
            s[i] = permuted(s[i]);
        }
        return s;
    }

    /** (N, C, A, B, C') to the other order when the axes are permuted. */
    private Shape permuted(Shape s) {
        return axes == EncoderAxes.XYZ ? s : new Shape(s.get(0), s.get(1), s.get(4), s.get(3), s.get(2));
    }

    /**
     * @param stage index into {@link #features}' list
     * @return the name features are written under: {@code x1..x4} for UniFormer, {@code x0..x4} for Swin (the
     *     deepest is always x4)
     */
    public String featureName(int stage) {
        return "x" + (stage + 5 - block.getFeatureWidths().length);
    }
}
