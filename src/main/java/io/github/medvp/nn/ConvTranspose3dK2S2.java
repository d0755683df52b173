package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code ConvTranspose3d(kernel 2, stride 2)}, which DJL lacks (its {@code deconvolution} is unsupported on
 * PyTorch). With kernel = stride the output blocks do not overlap, so it is exactly a 1×1×1 convolution
 * C_in → 8·C_out followed by a 3D depth-to-space rearrangement:
 * {@code out[n, o, 2x+i, 2y+j, 2z+k] = Σ_c in[n, c, x, y, z] · w[c, o, i, j, k] (+ b[o])}.
 * <p>
 * The weight keeps PyTorch's ConvTranspose3d layout (C_in, C_out, 2, 2, 2), so reference weights load unchanged, and
 * PyTorch's default initialisation (whose fan-in is C_out·8 for this layout).
 */
public final class ConvTranspose3dK2S2 extends AbstractBlock {

    private final int inChannels;
    private final int outChannels;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * @param inChannels C_in
     * @param outChannels C_out
     * @param withBias whether to add a bias (the MONAI blocks of the reference have none)
     */
    public ConvTranspose3dK2S2(int inChannels, int outChannels, boolean withBias) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        Shape weightShape = new Shape(inChannels, outChannels, 2, 2, 2);
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(weightShape).optInitializer(TorchInit.TORCH_DEFAULT_WEIGHT).build());
        bias = withBias ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(outChannels)).optInitializer(TorchInit.torchDefaultBias(weightShape)).build())
                : null;
    }

    /** @return the weight, (C_in, C_out, 2, 2, 2) */
    public Parameter getWeight() {
        return weight;
    }

    /** @return the bias, or null when built without */
    public Parameter getBias() {
        return bias;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        // (C_in, C_out·8) -> (C_out·8, C_in, 1, 1, 1): output channel o·8 + 4i + 2j + k.
        NDArray pointwise = w.reshape(inChannels, (long) outChannels * 8).transpose()
                .reshape((long) outChannels * 8, inChannels, 1, 1, 1);
        NDArray y = Conv3d.conv3d(x, pointwise).singletonOrThrow();
        Shape s = x.getShape();
        long n = s.get(0);
        NDArray out = y.reshape(n, outChannels, 2, 2, 2, s.get(2), s.get(3), s.get(4))
                .transpose(0, 1, 5, 2, 6, 3, 7, 4)
                .reshape(n, outChannels, 2 * s.get(2), 2 * s.get(3), 2 * s.get(4));
        if (bias != null) {
            out = out.add(ps.getValue(bias, x.getDevice(), training).reshape(1, outChannels, 1, 1, 1));
        }
        return new NDList(out);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), outChannels, 2 * s.get(2), 2 * s.get(3), 2 * s.get(4))};
    }
}
