package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.fiji.MedvpCommands;
import io.github.medvp.pretrain.mg3d.Mg3dConfig;
import io.github.medvp.pretrain.mg3d.Mg3dPretraining;
import io.github.medvp.train.TrainLoop;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * MG-3D volume-report pre-training ({@link Mg3dPretraining}) from a CSV or JSON list into a run folder. Defaults are
 * the reference's (Swin-B, batch 4, lr 1e-5); {@code preset=tiny} with a small size is for trying things out.
 * Cancelling stops at the next step and leaves a run folder that {@code resume=true} continues.
 */
@Plugin(type = Command.class, name = "mg3d-pretrain", label = "MG-3D Pretrain",
        menuPath = "Plugins>MedVP>MG-3D>Pretrain",
        description = "MG-3D vision-language pre-training of a 3D Swin encoder on volume-report pairs")
public class Mg3dPretrainCommand extends ContextCommand {

    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Data", style = "open",
            description = "a CSV or JSON list of volume paths with findings and impression (CT-RATE columns accepted)")
    private File data;

    @Parameter(label = "Run folder", style = "directory",
            description = "where config, metrics.csv, curves.png, vocab.txt and checkpoints are written")
    private File output;

    @Parameter(label = "Resume", required = false, description = "continue the run in the run folder")
    private boolean resume = false;

    @Parameter(label = "Vocabulary", required = false, style = "both",
            description = "vocab.txt, tokenizer.json or a model folder; empty: built from the training reports")
    private File vocab;

    @Parameter(label = "Text model", required = false, style = "directory",
            description = "a Hugging Face BERT folder (e.g. RadBERT), frozen; empty: a small BERT trained from scratch")
    private File text_model;

    @Parameter(label = "Train text model", required = false, description = "also train the given text model")
    private boolean train_text = false;

    @Parameter(label = "Preset", choices = {"b", "l", "tiny"}, required = false,
            description = "vision encoder: b (Swin-B, the reference), l (Swin-L) or tiny (tests, demos)")
    private String preset = "b";

    @Parameter(label = "Epochs", min = "1", required = false, description = "training epochs")
    private int epochs = 60;

    @Parameter(label = "Batch size", min = "1", required = false, description = "volume-report pairs per step")
    private int batch = 4;

    @Parameter(label = "Learning rate", required = false, description = "base Adam learning rate")
    private double lr = 1e-5;

    @Parameter(label = "Head LR multiplier", required = false, description = "factor for heads and fusion layers")
    private double head_lr = 5;

    @Parameter(label = "Warm-up steps", min = "0", required = false,
            description = "linear warm-up (at most a tenth of the run), then linear decay to 0")
    private long warmup = 10_000;

    @Parameter(label = "Seed", required = false, description = "seed of order, masking and initialisation")
    private long seed = 0;

    @Parameter(label = "Modality", choices = {"ct", "mri"}, required = false,
            description = "ct: HU window; mri: 0.5-99.5 percentile scaling")
    private String modality = "ct";

    @Parameter(label = "Size", required = false, description = "volume grid X,Y,Z (multiples of 32)")
    private String size = "128,96,128";

    @Parameter(label = "Spacing", required = false, description = "target spacing X,Y,Z in mm")
    private String spacing = "0.75,0.75,1.5";

    @Parameter(label = "HU window", required = false, description = "lower,upper Hounsfield units mapped to 0..1")
    private String window = "-1000,1000";

    @Parameter(label = "MIM fusion", choices = {"paper", "code"}, required = false,
            description = "paper: MIM's own fusion with sentence-level text; code: the reference code's MLM fusion")
    private String mim_fusion = "paper";

    @Parameter(label = "CML", choices = {"global", "joint"}, required = false,
            description = "global: volume vs report (needed for zero-shot/retrieval); joint: the reference code's")
    private String cml = "global";

    @Parameter(label = "Double projection", required = false,
            description = "project image tokens twice in pass 3, as the reference code does")
    private boolean double_projection = false;

    @Parameter(label = "Loss weights", required = false, description = "MLM,SFR,MIM,CML,DFA,SSM")
    private String weights = "1,0.1,1,0.1,0.1,0.1";

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
        Mg3dPretraining training = Mg3dPretraining.builder().setData(data.toPath()).setRunFolder(output.toPath())
                .optResume(resume).optVocabulary(vocab == null ? null : vocab.toPath())
                .optTextModel(text_model == null ? null : text_model.toPath(), train_text).optPreset(preset)
                .optEpochs(epochs).optBatchSize(batch).optOptimiser(lr, head_lr, 1e-8, warmup).optSeed(seed)
                .optVolumes(modality, MedvpCommands.ints("size", size, 3), MedvpCommands.doubles("spacing", spacing, 3),
                        MedvpCommands.doubles("window", window, 2))
                .optVariant(Mg3dConfig.mimFusion(mim_fusion), Mg3dConfig.cml(cml), double_projection)
                .optWeights(MedvpCommands.doubles("weights", weights, 6)).optDevice(device).optLogEvery(log_every)
                .build();
        try (CommandProgress progress = new CommandProgress(status, log, this)) {
            TrainLoop.Result result = training.run(progress);
            runFolder = output.getPath();
            summary = training.summary(result);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
