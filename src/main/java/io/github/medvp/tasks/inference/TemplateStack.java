package io.github.medvp.tasks.inference;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * The modality templates a fine-tuned model carries: one volume per input modality, in channel order, min-max
 * normalised to [0, 1] as pre-training used them, stored as a parameter that is checkpointed but never trained
 * ({@code requiresGrad = false}, so the optimiser leaves it alone). Not part of the forward pass.
 */
public final class TemplateStack extends AbstractBlock {

    private final Parameter templates;

    /** @param channels input modalities @param grid template grid (X, Y, Z) */
    public TemplateStack(int channels, int[] grid) {
        templates = addParameter(Parameter.builder().setName("templates").setType(Parameter.Type.OTHER)
                .optShape(new Shape(channels, grid[0], grid[1], grid[2])).optInitializer(Initializer.ZEROS)
                .optRequiresGrad(false).build());
    }

    /** @return the parameter, (C, GX, GY, GZ) */
    public Parameter parameter() {
        return templates;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException("templates are data, not a layer");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[0];
    }
}
