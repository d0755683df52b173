package io.github.medvp.fiji.commands;

import io.github.medvp.engine.DeviceList;
import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.train.TrainingSettings;
import java.io.File;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;

/**
 * The inputs every training command shares, declared once (SciJava reads {@code @Parameter} fields of superclasses
 * too) and mapped into {@link TrainingSettings} by {@link #training()}; a subclass sets its default seed.
 */
abstract class TrainCommand extends ContextCommand {

    // Optional so a minimal Context (tests, scripts) can run the command; progress then goes nowhere.
    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Data", style = "both", description = "the training data: a manifest .json or a folder of "
            + "studies (BrainMVP, fine-tuning), a CSV or JSON list of volume-report pairs (MG-3D)")
    private File data;

    @Parameter(label = "Run folder", style = "directory",
            description = "where config.json, metrics.csv, curves.png and checkpoints are written")
    private File output;

    @Parameter(label = "Resume", required = false, description = "continue the run in the run folder")
    private boolean resume = false;

    @Parameter(label = "Seed", required = false, description = "seed of splits, sampling, augmentation and "
            + "initialisation")
    private long seed;

    @Parameter(label = "Device", required = false, description = "auto, cpu, gpu, gpu:N; several for one replica "
            + "each: gpu:0,1,2,3, gpu:all (cpu,cpu checks the machinery)")
    private String device = "auto";

    @Parameter(label = "Data workers", required = false, description = "threads preparing samples; 0 for "
            + "min(4, cores - 1)")
    private int workers = 0;

    @Parameter(label = "Log every", required = false, description = "optimiser steps between log lines")
    private int log_every = 10;

    @Parameter(type = ItemIO.OUTPUT, label = "Run folder")
    String runFolder;

    @Parameter(type = ItemIO.OUTPUT, label = "Summary")
    String summary;

    /** @param defaultSeed the workflow's default seed (the reference's) */
    TrainCommand(long defaultSeed) {
        this.seed = defaultSeed;
    }

    /** @return the shared settings as given */
    TrainingSettings training() {
        return new TrainingSettings(data == null || data.getPath().isEmpty() ? null : data.toPath(),
                output == null || output.getPath().isEmpty() ? null : output.toPath(), resume, seed,
                DeviceList.parse(device), workers, log_every);
    }

    /** @return progress and cancel for the pipeline */
    CommandProgress progress() {
        return new CommandProgress(status, log, this);
    }
}
