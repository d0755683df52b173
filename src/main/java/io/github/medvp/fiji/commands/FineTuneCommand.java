package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.tasks.EncoderInit;
import io.github.medvp.tasks.FineTuneSettings;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;

import java.io.File;

/**
 * The inputs segmentation and classification fine-tuning share (SciJava reads {@code @Parameter} fields of
 * superclasses too), turned into {@link FineTuneSettings} by {@link #settings()}; the subclasses add their labels and
 * outputs and run the pipeline.
 */
abstract class FineTuneCommand extends ContextCommand {

    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Data", style = "both", description = "a manifest .json file or a folder of studies "
            + "(segmentation: with label maps <case>_seg.nii.gz)")
    private File data;

    @Parameter(label = "Modality aliases", required = false, description = "extra modality names, e.g. T1GD=t1c")
    private String aliases = "";

    @Parameter(label = "Skip bad studies", required = false, description = "drop studies with problems (logged)")
    private boolean skip_bad = false;

    @Parameter(label = "Modalities", required = false,
            description = "input channels in order, e.g. t1,t1c,t2,flair; empty for those of the first study")
    private String modalities = "";

    @Parameter(label = "Run folder", style = "directory",
            description = "where config, metrics, curves, validation and checkpoints are written")
    private File output;

    @Parameter(label = "Resume", required = false, description = "continue the run in the run folder")
    private boolean resume = false;

    @Parameter(label = "Initial checkpoint", style = "open", required = false,
            description = "BrainMVP, reference .pt or fine-tuned checkpoint for the encoder; empty: from scratch")
    private File init;

    @Parameter(label = "Preset", choices = {"small", "tiny"}, required = false, description = "encoder size")
    private String preset = "small";

    @Parameter(label = "Epochs", min = "1", required = false, description = "training epochs")
    private int epochs;

    @Parameter(label = "Batch size", min = "1", required = false,
            description = "studies per micro-batch (segmentation 2, as the reference; classification 4)")
    private int batch;

    @Parameter(label = "Accumulation", min = "1", required = false, description = "micro-batches per step")
    private int accumulation = 1;

    @Parameter(label = "Learning rate", required = false, description = "peak learning rate (cosine to 0)")
    private double lr = 3e-4;

    @Parameter(label = "Weight decay", required = false, description = "weight decay")
    private double weight_decay = 1e-4;

    @Parameter(label = "Optimiser", choices = {"adam", "adamw"}, required = false,
            description = "adam (L2, the reference) or adamw (decoupled decay)")
    private String optimiser = "adam";

    @Parameter(label = "Seed", required = false, description = "seed of splits, sampling and augmentation")
    private long seed = 42;

    @Parameter(label = "Crop", min = "32", required = false,
            description = "training crop (and segmentation's inference window) edge, a multiple of 32")
    private int crop = 96;

    @Parameter(label = "Label fraction", required = false,
            description = "share of the labelled training studies used, e.g. 0.4 (seeded, recorded in the run)")
    private double fraction = 1;

    @Parameter(label = "Validation fraction", required = false,
            description = "share of training studies held out when the data has no validation split")
    private double validation_fraction = 0.2;

    @Parameter(label = "Validate every", min = "1", required = false, description = "epochs between validations")
    private int validate_every = 5;

    @Parameter(label = "Template replacement", required = false,
            description = "replace modalities by the checkpoint's templates during training (when it has them)")
    private boolean templates = true;

    @Parameter(label = "Replacement probability", required = false, description = "chance per study, p")
    private double replace_probability = 0.5;

    @Parameter(label = "Replaced modalities", min = "1", required = false, description = "modalities replaced, k")
    private int replace_count = 1;

    @Parameter(label = "Consistency weight", required = false,
            description = "weight of the paired consistency term; 0 for single replacement")
    private double consistency_weight = 0.1;

    @Parameter(label = "Encoder learning-rate factor", min = "0", max = "1", required = false,
            description = "pre-trained encoder's share of the learning rate (1: same as the new parts, the reference)")
    private double encoder_lr = 1;

    @Parameter(label = "Freeze encoder", required = false,
            description = "train only the decoder or head on a fixed encoder (linear probing): what its features "
                    + "are worth")
    private boolean freeze_encoder = false;

    @Parameter(label = "First convolution", choices = {"inflate", "reinit"}, required = false,
            description = "when init has other input channels (BrainMVP: 1): inflate (the pre-trained kernel spread "
                    + "over the channels) or reinit (the reference: not transferred)")
    private String first_conv = "inflate";

    @Parameter(label = "Gradient clipping", min = "0", required = false,
            description = "maximum global gradient norm, 0 for none (the reference); also skips non-finite updates")
    private double clip = 0;

    @Parameter(label = "Data workers", min = "0", required = false, description = "0 for min(4, cores - 1)")
    private int workers = 0;

    @Parameter(label = "Device", required = false, description = "auto, cpu, gpu or gpu:N")
    private String device = "auto";

    @Parameter(label = "Log every", min = "1", required = false, description = "optimiser steps between log lines")
    private int log_every = 10;

    @Parameter(type = ItemIO.OUTPUT, label = "Run folder")
    String runFolder;

    @Parameter(type = ItemIO.OUTPUT, label = "Summary")
    String summary;

    /**
     * @param defaultEpochs the task's default number of epochs
     * @param defaultBatch the task's default batch size
     */
    FineTuneCommand(int defaultEpochs, int defaultBatch) {
        this.epochs = defaultEpochs;
        this.batch = defaultBatch;
    }

    /** @return the shared settings; the subclass adds its labels */
    FineTuneSettings settings() {
        return new FineTuneSettings().data(data.toPath()).aliases(aliases).skipBad(skip_bad).modalities(modalities)
                .run(output.toPath()).resume(resume).init(init == null || init.getPath().isEmpty() ? null
                        : init.toPath()).preset(preset).epochs(epochs).batch(batch, accumulation)
                .optimiser(lr, weight_decay, "adamw".equals(optimiser)).clip(clip).encoderLr(encoder_lr)
                .freezeEncoder(freeze_encoder)
                .firstConv(EncoderInit.FirstConv.parse(first_conv))
                .seed(seed).crop(crop).fraction(fraction).validation(validation_fraction, validate_every)
                .templates(templates, replace_probability, replace_count, consistency_weight).workers(workers)
                .device(device).logEvery(log_every);
    }

    /** @return progress and cancel for the pipeline */
    CommandProgress progress() {
        return new CommandProgress(status, log, this);
    }
}
