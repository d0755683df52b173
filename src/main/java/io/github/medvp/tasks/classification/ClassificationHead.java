package io.github.medvp.tasks.classification;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.medvp.nn.TorchInit;

/**
 * The classification head of a fine-tuned encoder: global average pooling of the deepest feature map x4 and one
 * linear layer to the class logits. This head is MedVP's choice: BrainMVP's reference code has no classification
 * fine-tuning, and this is the natural assumption for it. Forward: {@code (.., x4)} (the encoder outputs, the last one
 * used) → {@code (logits)} (N, K).
 */
public final class ClassificationHead extends AbstractBlock {

    private final Linear linear;
    private final int classes;

    /** @param classes number of classes K */
    public ClassificationHead(int classes) {
        this.classes = classes;
        linear = addChildBlock("linear", Linear.builder().setUnits(classes).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x4 = inputs.get(inputs.size() - 1);
        // The engine averages over one axis at a time: flatten the three spatial axes first.
        NDArray pooled = x4.reshape(x4.getShape().get(0), x4.getShape().get(1), -1).mean(new int[] {2});
        return linear.forward(ps, new NDList(pooled), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[inputShapes.length - 1].get(0), classes)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x4 = inputShapes[inputShapes.length - 1];
        Shape pooled = new Shape(x4.get(0), x4.get(1));
        // PyTorch's nn.Linear defaults, as the rest of the reference's linears.
        linear.setInitializer(TorchInit.TORCH_DEFAULT_WEIGHT, Parameter.Type.WEIGHT);
        linear.setInitializer(TorchInit.torchDefaultBias(new Shape(classes, x4.get(1))), Parameter.Type.BIAS);
        linear.initialize(manager, dataType, pooled);
    }
}
