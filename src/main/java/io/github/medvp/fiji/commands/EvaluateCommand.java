package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
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

import io.github.medvp.MedvpException;
import io.github.medvp.tasks.metrics.Evaluation;
import io.github.medvp.tasks.segmentation.LabelSpec;

/**
 * Scores saved predictions against ground truth ({@link Evaluation}): segmentation (Dice and HD95 per case and
 * region, summary) or classification (accuracy, balanced accuracy, AUC per class, confusion matrix), as CSV files.
 */
@Plugin(type = Command.class, name = "evaluate", label = "MedVP Evaluate", menuPath = "Plugins>MedVP>Evaluate",
        description = "Dice and HD95 of segmentation predictions, or accuracy, balanced accuracy, AUC and confusion "
                + "matrix of classification predictions, written as CSV files")
public class EvaluateCommand extends ContextCommand {

    // Optional so a minimal Context (tests, scripts) can run the command; progress then goes nowhere.
    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Task", choices = { "segmentation", "classification" }, required = false,
            description = "segmentation: a folder of NIfTI predictions; classification: a CSV of predictions")
    private String task = "segmentation";

    @Parameter(label = "Predictions", style = "both", description = "segmentation: folder of <case>.nii.gz or "
            + "<case>_pred.nii.gz label maps (3D) or probability maps (4D); classification: CSV "
            + "case,true,predicted,<probability per class>")
    private File predictions;

    @Parameter(label = "Ground truth", style = "both", required = false, description = "segmentation: a manifest "
            + ".json or a folder of studies with <case>_seg.nii.gz label maps (not used for classification)")
    private File truth;

    @Parameter(label = "Labels", required = false, description = "segmentation: brats (TC/WT/ET, ET=4), brats2023 "
            + "(ET=3), binary, regions:TC=1,4;WT=1,2,4;ET=4 or classes:CSF=1;GM=2;WM=3")
    private String labels = "brats";

    @Parameter(label = "Output folder", style = "directory", description = "where the CSV files are written")
    private File output;

    @Parameter(type = ItemIO.OUTPUT, label = "Evaluation")
    private String report;

    @Override
    public void run() {
        try (CommandProgress progress = new CommandProgress(status, log, this)) {
            if ("classification".equals(task)) {
                report = Evaluation.classification(predictions.toPath(), output.toPath());
                return;
            }
            if (truth == null) {
                throw new MedvpException("truth: give the ground truth (manifest .json or folder with _seg files) "
                        + "for a segmentation evaluation");
            }
            report = Evaluation.segmentation(predictions.toPath(), truth.toPath(), LabelSpec.parse(labels),
                    output.toPath(), progress).table()
                    + "written: " + output.toPath().resolve(Evaluation.CASES_CSV) + ", "
                    + output.toPath().resolve(Evaluation.SUMMARY_CSV) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
