package io.github.medvp.pretrain.brainmvp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.MedvpException;
import io.github.medvp.data.Batch;
import io.github.medvp.engine.Scalars;
import io.github.medvp.train.BlockMask;
import io.github.medvp.train.Losses;
import io.github.medvp.train.StepContext;
import io.github.medvp.train.TrainStep;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One BrainMVP pre-training micro-step ({@code train_epoch} of the reference's {@code main.py} and
 * {@code RecModel.forward} of its {@code models/Uniformer.py}): draw the channel, build the two masked views, run the
 * encoder on both views as one batch (shared BatchNorm statistics), reconstruct, and combine
 * {@code w_MD·L_MD + w_CMR·L_CMR + w_CL·L_CL} (10, 1, 1 by default).
 * <ul>
 * <li>{@code L_MD = MSE(rec(view 1), y)}, {@code L_CMR = MSE(rec(view 2), y)}, means over all voxels;</li>
 * <li>view 2 uses the templates while {@code epoch ≤ templateWarmupEpochs} (300), another modality after;</li>
 * <li>{@code L_CL}, the symmetric InfoNCE on the flattened x4 (view 2 = student, view 1 = teacher), from
 * {@code epoch ≥ contrastiveStartEpoch} (1000); 0 before.</li>
 * </ul>
 * All randomness comes from {@link StepContext#random()}, a function of (seed, optimiser step, micro-step), so a
 * resumed run draws the same channel, masks and sources, on any device. The step allocates only inside the
 * caller's NDScope, never reads the device, and normalises the templates once. The loss is not divided by the
 * accumulation steps: {@link io.github.medvp.train.TrainLoop} does that.
 */
public final class BrainMvpStep implements TrainStep<Batch> {

    /** Name of L_MD, the template-view (modality distillation) reconstruction loss. */
    public static final String MD = "loss_md";
    /** Name of L_CMR, the cross-modal reconstruction loss (a second template view during the warm-up). */
    public static final String CMR = "loss_cmr";
    /** Name of L_CL, the contrastive loss (0 before its start epoch). */
    public static final String CL = "loss_cl";

    private final BrainMvpModel model;
    private final BlockMask mask;
    private final int templateWarmupEpochs;
    private final int contrastiveStartEpoch;
    private final double weightMd;
    private final double weightCmr;
    private final double weightCl;
    private final double temperature;
    private final boolean globalContrast;

    private BrainMvpStep(Builder b) {
        model = b.model;
        mask = b.mask;
        templateWarmupEpochs = b.templateWarmupEpochs;
        contrastiveStartEpoch = b.contrastiveStartEpoch;
        weightMd = b.weightMd;
        weightCmr = b.weightCmr;
        weightCl = b.weightCl;
        temperature = b.temperature;
        globalContrast = b.globalContrast;
    }

    /** @return a builder; the model is required, everything else defaults to the reference's pre-training run */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the model */
    public BrainMvpModel getModel() {
        return model;
    }

    /**
     * @param epoch 0-based epoch
     * @return whether view 2 takes another modality (false during the template warm-up)
     */
    public boolean isCrossModal(int epoch) {
        return epoch > templateWarmupEpochs;
    }

    /**
     * @param epoch 0-based epoch
     * @return whether the contrastive term is on
     */
    public boolean isContrastive(int epoch) {
        return epoch >= contrastiveStartEpoch;
    }

    /**
     * The losses of one micro-batch of the data pipeline, in training mode (the loop records gradients).
     *
     * @param batch images with per-sample modalities and {@code rep_start}
     * @param ctx the micro-step (epoch selects the phase; its generator the random draws)
     * @return total loss and {@link #MD}, {@link #CMR}, {@link #CL}
     * @throws MedvpException when the batch has no {@code rep_start} or a modality without template
     */
    @Override
    public Losses forward(Batch batch, StepContext ctx) {
        return forward(input(batch, ctx.manager()), ctx);
    }

    /**
     * The losses of one micro-batch already on the device.
     *
     * @param input the batch, images on the training device
     * @param ctx the micro-step
     * @return total loss and {@link #MD}, {@link #CMR}, {@link #CL}
     */
    public Losses forward(BrainMvpInput input, StepContext ctx) {
        return run(new ParameterStore(ctx.manager(), false), input, ctx.epoch(), ctx.random()).losses();
    }

    /**
     * Moves a batch to the device (one transfer; on the CPU the batch memory is shared, not copied).
     *
     * @param batch a batch of the BrainMVP pipeline
     * @param manager the step's manager
     * @return the step input
     * @throws MedvpException when a sample has no {@code rep_start}
     */
    public static BrainMvpInput input(Batch batch, NDManager manager) {
        int[][] repStart = batch.repStarts();
        for (int i = 0; i < repStart.length; i++) {
            if (repStart[i] == null) {
                throw new MedvpException("study " + batch.studyIds().get(i) + " has no rep_start: the BrainMVP "
                        + "pipeline must end with TemplateOffset.repStart after the random crop");
            }
        }
        NDArray images = HostArrays.copyOf(manager, batch.imageBytes(), new Shape(batch.shape()), DataType.FLOAT32);
        return new BrainMvpInput(images, batch.modalities(), repStart);
    }

    /** The views and losses of one step; the views are kept for tests and inspection. */
    record Outcome(TwoViews views, NDArray reconstruction, Losses losses) {
    }

    Outcome run(ParameterStore ps, BrainMvpInput input, int epoch, SplittableRandom rng) {
        NDArray x = input.images();
        int b = input.batchSize();
        int channel = rng.nextInt(input.channels());
        int[] rows = new int[b];
        for (int s = 0; s < b; s++) {
            rows[s] = model.getTemplates().row(input.modalities().get(s).get(channel));
        }
        NDManager manager = x.getManager();
        NDArray crops = model.getTemplates().normalisedCrops(ps, manager, x.getDevice(), rows, input.repStart(),
                input.spatial(), true).toType(x.getDataType(), false);
        TwoViews views = TwoViews.make(input, channel, crops, isCrossModal(epoch), mask, rng);

        NDList out = model.forward(ps, new NDList(views.views()), true);
        NDArray x4 = out.get(out.size() - 2);
        NDArray reconstruction = out.get(out.size() - 1);
        NDArray y = views.target();
        NDArray md = BrainMvpLosses.mse(reconstruction.get("0:{}", b), y);
        NDArray cmr = BrainMvpLosses.mse(reconstruction.get("{}:", b), y);
        NDArray total = Scalars.mul(md, (float) weightMd).add(Scalars.mul(cmr, (float) weightCmr));
        NDArray cl;
        if (isContrastive(epoch)) {
            NDArray z = x4.reshape(2L * b, -1);
            cl = BrainMvpLosses.infoNce(z.get("{}:", b), z.get("0:{}", b), temperature, globalContrast);
            total = total.add(Scalars.mul(cl, (float) weightCl));
        } else {
            cl = manager.zeros(md.getShape(), md.getDataType(), md.getDevice());
        }
        Map<String, NDArray> components = new LinkedHashMap<>();
        components.put(MD, md);
        components.put(CMR, cmr);
        components.put(CL, cl);
        return new Outcome(views, reconstruction, new Losses(total, components));
    }

    /** Builder for {@link BrainMvpStep}. */
    public static final class Builder {
        private BrainMvpModel model;
        private BlockMask mask = BlockMask.builder().build();
        private int templateWarmupEpochs = 300;
        private int contrastiveStartEpoch = 1000;
        private double weightMd = 10;
        private double weightCmr = 1;
        private double weightCl = 1;
        private double temperature = 1;
        private boolean globalContrast;

        private Builder() {
        }

        /** @param model the initialised model (required) @return this */
        public Builder setModel(BrainMvpModel model) {
            this.model = model;
            return this;
        }

        /** @param mask block size and ratio, default 8 and 0.8 @return this */
        public Builder optMask(BlockMask mask) {
            this.mask = mask;
            return this;
        }

        /**
         * @param epochs view 2 is template-masked while {@code epoch ≤ epochs} (0-based), default 300 as the
         *     reference; -1 makes it cross-modal from the start
         * @return this
         */
        public Builder optTemplateWarmupEpochs(int epochs) {
            templateWarmupEpochs = epochs;
            return this;
        }

        /** @param epoch first (0-based) epoch with the contrastive term, default 1000 @return this */
        public Builder optContrastiveStartEpoch(int epoch) {
            contrastiveStartEpoch = epoch;
            return this;
        }

        /**
         * @param md weight of L_MD, default 10
         * @param cmr weight of L_CMR, default 1
         * @param cl weight of L_CL, default 1
         * @return this
         */
        public Builder optWeights(double md, double cmr, double cl) {
            weightMd = md;
            weightCmr = cmr;
            weightCl = cl;
            return this;
        }

        /**
         * @param global on several devices, InfoNCE over the global batch ({@link ContrastiveScope#GLOBAL}) instead
         *     of each replica's (default, the reference's)
         * @return this
         */
        public Builder optGlobalContrast(boolean global) {
            this.globalContrast = global;
            return this;
        }

        /** @param temperature τ of the contrastive loss, default 1 @return this */
        public Builder optTemperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** @return the step */
        public BrainMvpStep build() {
            if (model == null) {
                throw new IllegalArgumentException("BrainMvpStep: setModel is required");
            }
            if (!(temperature > 0)) {
                throw new IllegalArgumentException("BrainMvpStep: the temperature must be > 0");
            }
            return new BrainMvpStep(this);
        }
    }
}
