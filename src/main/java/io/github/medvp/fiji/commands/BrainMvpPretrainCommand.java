package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.nn.UniFormerPreset;
import io.github.medvp.pretrain.brainmvp.BrainMvpPretraining;
import io.github.medvp.pretrain.brainmvp.BrainMvpSettings;
import io.github.medvp.pretrain.brainmvp.ContrastiveScope;
import io.github.medvp.train.Settings;
import io.github.medvp.train.TrainLoop;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * BrainMVP pre-training ({@link BrainMvpPretraining}) from a manifest or a folder of studies into a run folder.
 * Defaults are the reference's ({@link BrainMvpSettings}); {@code preset=tiny} with small crops and grid is for
 * trying things out.
 * Cancelling stops at the next step and leaves a run folder that {@code resume=true} continues.
 */
@Plugin(type = Command.class, name = "brainmvp-pretrain", label = "BrainMVP Pretrain",
        menuPath = "Plugins>MedVP>BrainMVP>Pretrain",
        description = "BrainMVP self-supervised pre-training of a UniFormer encoder with modality templates")
public class BrainMvpPretrainCommand extends StudyTrainCommand {

    @Parameter(label = "Preset", choices = {"small", "tiny"}, required = false,
            description = "encoder size: small (UniFormer-S, the reference) or tiny (tests, demos)")
    private String preset = "small";

    @Parameter(label = "Epochs", required = false, description = "training epochs (reference 1500)")
    private int epochs = 1500;

    @Parameter(label = "Batch size", required = false, description = "studies per micro-batch")
    private int batch = 3;

    @Parameter(label = "Accumulation", required = false, description = "micro-batches per optimiser step")
    private int accumulation = 2;

    @Parameter(label = "Learning rate", required = false, description = "peak AdamW learning rate (cosine to 0)")
    private double lr = 3e-4;

    @Parameter(label = "Weight decay", required = false, description = "AdamW weight decay")
    private double weight_decay = 1e-5;

    @Parameter(label = "Crop", required = false, description = "edge of the cubic training crops, a multiple of 16")
    private int crop = 96;

    @Parameter(label = "Template grid", required = false,
            description = "template size X,Y,Z in voxels (the SRI24 canvas of BraTS is 240,240,155)")
    private String grid = "240,240,155";

    @Parameter(label = "Template warm-up epochs", required = false,
            description = "last epoch that mixes two template views")
    private int warmup_epochs = 300;

    @Parameter(label = "Contrastive start epoch", required = false,
            description = "first epoch with the contrastive term")
    private int contrastive_epoch = 1000;

    @Parameter(label = "Contrastive temperature", required = false,
            description = "tau of the contrastive loss (the reference's 1 gives it a weak gradient)")
    private double temperature = 1;

    @Parameter(label = "Contrastive scope", choices = {"replica", "global"}, required = false,
            description = "several devices: InfoNCE over each device's batch (replica, the reference's DDP) or the "
                    + "whole batch of all devices (global: the losses of one device given the whole batch)")
    private String contrastive_scope = "replica";

    /** The reference's seed, 46. */
    public BrainMvpPretrainCommand() {
        super(46);
    }

    @Override
    public void run() {
        BrainMvpSettings settings = settings();
        BrainMvpPretraining training = new BrainMvpPretraining(settings);
        try (CommandProgress progress = progress()) {
            TrainLoop.Result result = training.run(progress);
            runFolder = settings.training().output().toString();
            summary = training.summary(result);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** @return the inputs as settings @throws io.github.medvp.SettingsException naming a setting out of range */
    BrainMvpSettings settings() {
        return BrainMvpSettings.builder().training(training()).studies(aliases, skip_bad)
                .preset(Settings.choice("preset", UniFormerPreset.class, preset)).epochs(epochs)
                .batch(batch, accumulation).optimiser(lr, weight_decay)
                .geometry(crop, Settings.ints("grid", grid, 3)).phases(warmup_epochs, contrastive_epoch)
                .temperature(temperature)
                .contrastiveScope(Settings.choice("contrastive_scope", ContrastiveScope.class, contrastive_scope))
                .build();
    }
}
