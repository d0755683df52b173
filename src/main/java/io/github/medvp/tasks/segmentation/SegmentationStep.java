package io.github.medvp.tasks.segmentation;

import io.github.medvp.tasks.FineTuneLosses;
import io.github.medvp.tasks.TaskModel;
import io.github.medvp.tasks.TemplateReplacement;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.MedvpException;
import io.github.medvp.data.Batch;
import io.github.medvp.engine.Scalars;
import io.github.medvp.train.Losses;
import io.github.medvp.train.StepContext;
import io.github.medvp.train.TrainStep;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One segmentation fine-tuning micro-step: the batch to the device, optional template replacement (single, or
 * paired with the consistency term: the batch is taken twice, each copy with its own independent replacement, and
 * the copies run through the model one after the other, as the reference, or as one batch of 2B:
 * {@link TemplateReplacement#forward}), the model in training mode, and {@code Σ_heads L_seg + w·L_cons}
 * ({@link FineTuneLosses}). No host reads; the random draws come from the step's generator.
 */
public final class SegmentationStep implements TrainStep<Batch> {

    /** Name of the segmentation loss part (summed over deep-supervision heads). */
    public static final String SEG = "loss_seg";
    /** Name of the consistency part (0 without pairing). */
    public static final String CONS = "loss_cons";

    private final TaskModel model;
    private final double[] headWeights;
    private final TemplateReplacement replacement;
    private final double consistencyWeight;

    /**
     * @param model the model (segmentation)
     * @param headWeights weight of each output head in training order (ms0, ms1, main); the reference's 1, 1, 1
     * @param replacement template replacement, or null for none (also when the model has no templates)
     * @param consistencyWeight weight of the paired consistency term; 0 for single replacement
     */
    public SegmentationStep(TaskModel model, double[] headWeights, TemplateReplacement replacement,
            double consistencyWeight) {
        if (replacement != null && !model.hasTemplates()) {
            throw new MedvpException("template replacement needs a model with templates (fine-tune from a BrainMVP "
                    + "checkpoint that holds them)");
        }
        this.model = model;
        this.headWeights = headWeights.clone();
        this.replacement = replacement;
        this.consistencyWeight = replacement == null ? 0 : consistencyWeight;
    }

    /** @return whether each step runs two replaced copies of the batch */
    public boolean isPaired() {
        return consistencyWeight > 0;
    }

    @Override
    public Losses forward(Batch batch, StepContext ctx) {
        NDManager m = ctx.manager();
        if (batch.labelShape() == null) {
            throw new MedvpException("study " + batch.studyIds().get(0) + " has no label map; segmentation "
                    + "fine-tuning needs one per training study");
        }
        NDArray x = HostArrays.copyOf(m, batch.imageBytes(), new Shape(batch.shape()), DataType.FLOAT32);
        NDArray y = HostArrays.copyOf(m, batch.labelBytes(), new Shape(batch.labelShape()), DataType.FLOAT32);
        return forward(x, y, replacement == null ? null : TemplateReplacement.placement(batch), ctx.random(), m);
    }

    /**
     * The losses of a batch already on the device.
     *
     * @param x (B, C, X, Y, Z) images
     * @param y (B, K, X, Y, Z) target channels
     * @param placement where the samples lie in the template grid (null without replacement)
     * @param rng the step's generator
     * @param m the step's manager
     * @return total, {@link #SEG} and {@link #CONS}
     */
    public Losses forward(NDArray x, NDArray y, TemplateReplacement.Placement placement, SplittableRandom rng,
            NDManager m) {
        int b = (int) x.getShape().get(0);
        if (replacement != null) {
            x = replacement.inputs(x, model.templates(), placement, isPaired(), rng, m);
            if (isPaired()) {
                y = y.concat(y, 0);
            }
        }
        ParameterStore ps = new ParameterStore(m, false);
        TaskModel.Outputs out = replacement == null ? model.forward(ps, x, true)
                : replacement.forward(model, ps, x, isPaired());
        if (out.logits().size() != headWeights.length) {
            throw new IllegalStateException(out.logits().size() + " heads but " + headWeights.length + " weights");
        }
        NDArray seg = FineTuneLosses.deepSupervision(out.logits(), y, model.spec().labels().exclusive(),
                headWeights);
        NDArray cons;
        NDArray total = seg;
        if (isPaired()) {
            NDArray f = out.features();
            cons = FineTuneLosses.consistency(f.get("0:{}", b), f.get("{}:", b));
            total = seg.add(Scalars.mul(cons, (float) consistencyWeight));
        } else {
            cons = m.zeros(new Shape(), seg.getDataType(), seg.getDevice());
        }
        Map<String, NDArray> parts = new LinkedHashMap<>();
        parts.put(SEG, seg);
        parts.put(CONS, cons);
        return new Losses(total, parts);
    }
}
