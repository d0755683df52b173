package io.github.medvp.fiji.commands;

import org.scijava.plugin.Parameter;

/** The inputs of training commands that read studies (BrainMVP pre-training, fine-tuning). */
abstract class StudyTrainCommand extends TrainCommand {

    @Parameter(label = "Modality aliases", required = false,
            description = "extra modality names, e.g. T1GD=t1c,FLAIR_reg=flair")
    String aliases = "";

    @Parameter(label = "Skip bad studies", required = false,
            description = "drop studies with missing or inconsistent files (logged) instead of stopping")
    boolean skip_bad = false;

    /** @param defaultSeed the workflow's default seed */
    StudyTrainCommand(long defaultSeed) {
        super(defaultSeed);
    }
}
