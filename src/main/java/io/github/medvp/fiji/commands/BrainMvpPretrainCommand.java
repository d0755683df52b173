package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.fiji.MedvpCommands;
import io.github.medvp.pretrain.brainmvp.BrainMvpPretraining;
import io.github.medvp.train.TrainLoop;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * BrainMVP pre-training ({@link BrainMvpPretraining}) from a manifest or a folder of studies into a run folder.
 * Defaults are the reference's (spec §3.1); {@code preset=tiny} with small crops and grid is for trying things out.
 * Cancelling stops at the next step and leaves a run folder that {@code resume=true} continues.
 */
@Plugin(type = Command.class, name = "brainmvp-pretrain", label = "BrainMVP Pretrain",
        menuPath = "Plugins>MedVP>BrainMVP>Pretrain",
        description = "BrainMVP self-supervised pre-training of a UniFormer encoder with modality templates")
public class BrainMvpPretrainCommand extends ContextCommand {

    // Optional so a minimal Context (tests, scripts) can run the command; progress then goes nowhere.
    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Data", style = "both",
            description = "a manifest .json file (MONAI datalist or reference list) or a folder of studies")
    private File data;

    @Parameter(label = "Modality aliases", required = false,
            description = "extra modality names, e.g. T1GD=t1c,FLAIR_reg=flair")
    private String aliases = "";

    @Parameter(label = "Skip bad studies", required = false,
            description = "drop studies with missing or inconsistent files (logged) instead of stopping")
    private boolean skip_bad = false;

    @Parameter(label = "Run folder", style = "directory",
            description = "where config, metrics.csv, curves.png, checkpoints and templates are written")
    private File output;

    @Parameter(label = "Resume", required = false,
            description = "continue the run in the run folder from its last checkpoint")
    private boolean resume = false;

    @Parameter(label = "Preset", choices = {"small", "tiny"}, required = false,
            description = "encoder size: small (UniFormer-S, the reference) or tiny (tests, demos)")
    private String preset = "small";

    @Parameter(label = "Epochs", min = "1", required = false, description = "training epochs (reference 1500)")
    private int epochs = 1500;

    @Parameter(label = "Batch size", min = "1", required = false, description = "studies per micro-batch")
    private int batch = 3;

    @Parameter(label = "Accumulation", min = "1", required = false,
            description = "micro-batches per optimiser step")
    private int accumulation = 2;

    @Parameter(label = "Learning rate", required = false, description = "peak AdamW learning rate (cosine to 0)")
    private double lr = 3e-4;

    @Parameter(label = "Weight decay", required = false, description = "AdamW weight decay")
    private double weight_decay = 1e-5;

    @Parameter(label = "Seed", required = false, description = "seed of sampling, augmentation and initialisation")
    private long seed = 46;

    @Parameter(label = "Crop", min = "16", required = false,
            description = "edge of the cubic training crops, a multiple of 16")
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

    @Parameter(label = "Data workers", min = "0", required = false,
            description = "threads preparing samples; 0 for min(4, cores - 1)")
    private int workers = 0;

    @Parameter(label = "Device", required = false, description = "auto, cpu, gpu or gpu:N")
    private String device = "auto";

    @Parameter(label = "Log every", min = "1", required = false, description = "optimiser steps between log lines")
    private int log_every = 10;

    @Parameter(type = ItemIO.OUTPUT, label = "Run folder")
    private String runFolder;

    @Parameter(type = ItemIO.OUTPUT, label = "Summary")
    private String summary;

    @Override
    public void run() {
        BrainMvpPretraining training = BrainMvpPretraining.builder()
                .setData(data.toPath(), aliases, skip_bad).setRunFolder(output.toPath()).optResume(resume)
                .optPreset(preset).optEpochs(epochs).optBatch(batch, accumulation).optOptimiser(lr, weight_decay)
                .optSeed(seed).optGeometry(crop, MedvpCommands.ints("grid", grid, 3))
                .optPhases(warmup_epochs, contrastive_epoch).optTemperature(temperature).optWorkers(workers)
                .optDevice(device).optLogEvery(log_every).build();
        try (CommandProgress progress = new CommandProgress(status, log, this)) {
            TrainLoop.Result result = training.run(progress);
            runFolder = output.getPath();
            summary = training.summary(result);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
