package io.github.medvp.fiji.commands;

import io.github.medvp.data.transform.RandomFlip;
import io.github.medvp.tasks.EncoderInit;
import io.github.medvp.tasks.TemplateReplacement;
import io.github.medvp.nn.EncoderAxes;
import io.github.medvp.nn.EncoderPreset;
import io.github.medvp.tasks.FineTuneSettings;
import io.github.medvp.train.Adam;
import io.github.medvp.train.Settings;
import org.scijava.plugin.Parameter;

import java.io.File;

/**
 * The inputs segmentation and classification fine-tuning share, mapped into {@link FineTuneSettings} by
 * {@link #settings()}; the subclasses add their labels and outputs and run the pipeline.
 */
abstract class FineTuneCommand extends StudyTrainCommand {

    @Parameter(label = "Modalities", required = false,
            description = "input channels in order, e.g. t1,t1c,t2,flair; empty for those of the first study")
    private String modalities = "";

    @Parameter(label = "Initial checkpoint", style = "open", required = false,
            description = "the encoder's start: a BrainMVP or MG-3D run (or its checkpoint), a fine-tuned model, or "
                    + "reference weights (UniFormer .pt, MG-3D or MONAI SwinUNETR Swin); empty: from scratch")
    private File init;

    @Parameter(label = "Encoder", required = false, choices = {"auto", "uniformer-small", "uniformer-tiny",
        "swin-tiny", "swin-b", "swin-l", "uniformer", "swin"},
            description = "the encoder: auto takes init's, or uniformer-small from scratch; a family alone takes "
                    + "its reference size (or preset=); with init a different one is refused")
    private String encoder = EncoderPreset.AUTO;

    @Parameter(label = "Preset", choices = {"auto", "small", "tiny", "b", "l"}, required = false,
            description = "the encoder's size: small, tiny (UniFormer), b, l (Swin); auto: the encoder's")
    private String preset = EncoderPreset.AUTO;

    @Parameter(label = "Encoder axes", choices = {"auto", "xyz", "zyx"}, required = false,
            description = "axis order of init's weights where the file does not record it (bare Swin keys, "
                    + "swinViT.): zyx for MG-3D weights saved without vision_encoder.; auto: the checkpoint's")
    private String encoder_axes = EncoderAxes.AUTO;

    @Parameter(label = "Epochs", required = false, description = "training epochs")
    private int epochs;

    @Parameter(label = "Batch size", required = false,
            description = "studies per micro-batch (segmentation 2, as the reference; classification 4)")
    private int batch;

    @Parameter(label = "Accumulation", required = false, description = "micro-batches per step")
    private int accumulation = 1;

    @Parameter(label = "Learning rate", required = false, description = "peak learning rate (cosine to 0)")
    private double lr = 3e-4;

    @Parameter(label = "Weight decay", required = false, description = "weight decay")
    private double weight_decay = 1e-4;

    @Parameter(label = "Optimiser", choices = {"adam", "adamw"}, required = false,
            description = "adam (L2, the reference) or adamw (decoupled decay)")
    private String optimiser = "adam";

    @Parameter(label = "Crop", required = false,
            description = "training crop (and segmentation's inference window) edge, a multiple of 32")
    private int crop = 96;

    @Parameter(label = "Label fraction", required = false,
            description = "share of the labelled training studies used, e.g. 0.4 (seeded, recorded in the run)")
    private double fraction = 1;

    @Parameter(label = "Validation fraction", required = false,
            description = "share of training studies held out when the data has no validation split")
    private double validation_fraction = 0.2;

    @Parameter(label = "Validate every", required = false, description = "epochs between validations")
    private int validate_every = 5;

    @Parameter(label = "Template replacement", required = false,
            description = "replace modalities by the checkpoint's templates during training (when it has them)")
    private boolean templates = true;

    @Parameter(label = "Replacement probability", required = false, description = "chance per study, p")
    private double replace_probability = 1;

    @Parameter(label = "Replaced modalities", required = false,
            description = "modalities replaced, k: the most (uniform) or the exact number (fixed)")
    private int replace_count = 3;

    @Parameter(label = "Replacement draw", choices = {"uniform", "fixed"}, required = false,
            description = "uniform: 0 to k modalities, drawn per study (the reference); fixed: exactly k")
    private String replace_mode = "uniform";

    @Parameter(label = "Augment templates", required = false,
            description = "replaced modalities get the study's intensity shift and scale (the reference)")
    private boolean augment_templates = true;

    @Parameter(label = "Paired BatchNorm", choices = {"separate", "joint"}, required = false,
            description = "separate: each paired copy runs alone, with its own BatchNorm statistics (the reference); "
                    + "joint: both copies as one batch")
    private String paired_norm = "separate";

    @Parameter(label = "Flips", choices = {"all", "each"}, required = false,
            description = "all: one draw flips all three axes (the reference); each: one draw per axis")
    private String flips = "all";

    @Parameter(label = "Consistency weight", required = false,
            description = "weight of the paired consistency term; 0 for single replacement")
    private double consistency_weight = 0.1;

    @Parameter(label = "Encoder learning-rate factor", required = false,
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

    @Parameter(label = "Gradient clipping", required = false,
            description = "maximum global gradient norm, 0 for none (the reference); also skips non-finite updates")
    private double clip = 0;

    @Parameter(label = "HU window", required = false,
            description = "lower,upper Hounsfield units mapped to 0..1 (clipped) for CT channels, recorded in the "
                    + "model; MRI channels keep 5-95 percentile scaling")
    private String hu_window = "-1000,1000";

    /**
     * @param defaultEpochs the task's default number of epochs
     * @param defaultBatch the task's default batch size
     */
    FineTuneCommand(int defaultEpochs, int defaultBatch) {
        super(42);
        this.epochs = defaultEpochs;
        this.batch = defaultBatch;
    }

    /** @return the shared settings; the subclass adds its labels */
    FineTuneSettings.Builder settings() {
        return FineTuneSettings.builder().training(training()).studies(aliases, skip_bad)
                .modalities(FineTuneSettings.parseModalities(modalities, aliases))
                .init(init == null || init.getPath().isEmpty() ? null : init.toPath())
                .encoder(EncoderPreset.parse(encoder, preset)).encoderAxes(EncoderAxes.setting(encoder_axes))
                .epochs(epochs)
                .batch(batch, accumulation).optimiser(lr, weight_decay, Settings.choice("optimiser", Adam.Mode.class,
                        optimiser)).clip(clip)
                .encoder(encoder_lr, freeze_encoder, Settings.choice("first_conv", EncoderInit.FirstConv.class,
                        first_conv))
                .crop(crop).fraction(fraction).validation(validation_fraction, validate_every)
                .templates(templates, replace_probability, replace_count, consistency_weight)
                .replacement(Settings.choice("replace_mode", TemplateReplacement.Mode.class, replace_mode),
                        augment_templates, Settings.choice("paired_norm", TemplateReplacement.PairNorm.class,
                                paired_norm))
                .flips(Settings.choice("flips", RandomFlip.Mode.class, flips))
                .huWindow(Settings.doubles("hu_window", hu_window));
    }
}
