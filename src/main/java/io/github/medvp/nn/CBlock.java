package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * UniFormer's local block ({@code CBlock} of BrainMVP's {@code models/uniformer_blocks.py}), on (N, d, X, Y, Z):
 * <pre>
 * x = x + posEmbed(x)                                  depthwise 3³
 * x = x + conv2(attn(conv1(norm1(x))))                 BN, 1³, depthwise 5³, 1³
 * x = x + fc2(GELU(fc1(norm2(x))))                     BN, 1³ d→4d, 1³ 4d→d
 * </pre>
 * Parameters: {@code 10d² + 165d} for MLP ratio 4.
 */
public final class CBlock extends AbstractBlock {

    final Conv3d posEmbed;
    final BatchNorm norm1;
    final Conv3d conv1;
    final Conv3d attn;
    final Conv3d conv2;
    final BatchNorm norm2;
    final Conv3d fc1;
    final Conv3d fc2;

    /**
     * @param dim channels d
     * @param mlpRatio hidden width of the MLP relative to d (4 in the reference)
     */
    public CBlock(int dim, int mlpRatio) {
        posEmbed = addChildBlock("pos_embed", Layers.conv3d(dim, 3, 1, 1, dim, true));
        norm1 = addChildBlock("norm1", Layers.batchNorm());
        conv1 = addChildBlock("conv1", Layers.conv3d(dim, 1, 1, 0, 1, true));
        attn = addChildBlock("attn", Layers.conv3d(dim, 5, 1, 2, dim, true));
        conv2 = addChildBlock("conv2", Layers.conv3d(dim, 1, 1, 0, 1, true));
        norm2 = addChildBlock("norm2", Layers.batchNorm());
        fc1 = addChildBlock("fc1", Layers.conv3d(dim * mlpRatio, 1, 1, 0, 1, true));
        fc2 = addChildBlock("fc2", Layers.conv3d(dim, 1, 1, 0, 1, true));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        x = x.add(Layers.apply(posEmbed, ps, x, training, p));
        NDArray y = Layers.apply(norm1, ps, x, training, p);
        y = Layers.apply(conv1, ps, y, training, p);
        y = Layers.apply(attn, ps, y, training, p);
        x = x.add(Layers.apply(conv2, ps, y, training, p));
        y = Layers.apply(norm2, ps, x, training, p);
        y = Activation.gelu(Layers.apply(fc1, ps, y, training, p));
        x = x.add(Layers.apply(fc2, ps, y, training, p));
        return new NDList(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        for (var child : getChildren().values()) {
            if (child == fc2) {
                fc2.initialize(manager, dataType, Layers.outShape(fc1, shape));
            } else {
                child.initialize(manager, dataType, shape);
            }
        }
    }
}
