package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.tasks.classification.Classification;
import io.github.medvp.tasks.classification.ClassifySettings;
import io.github.medvp.engine.DeviceList;
import io.github.medvp.tasks.FineTuneSettings;
import io.github.medvp.tasks.inference.ModalityFill;
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
import java.util.List;
import java.util.stream.Collectors;

/**
 * Classification with a fine-tuned model ({@link Classification}): a NIfTI file, a folder of studies or a manifest
 * → a CSV of {@code case,class,p_<class>...,filled,fill}; missing modalities filled as {@code fill} says.
 */
@Plugin(type = Command.class, name = "classify", label = "MedVP Classify", menuPath = "Plugins>MedVP>Classify",
        description = "classify studies with a fine-tuned model")
public class ClassifyCommand extends ContextCommand {

    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Model", style = "open", description = "a fine-tuned classification model (a run's best)")
    private File model;

    @Parameter(label = "Input", style = "both", description = "a NIfTI file, a folder of studies or a manifest .json")
    private File input;

    @Parameter(label = "Modalities", required = false,
            description = "modalities of a single file's channels, e.g. t1; empty to infer")
    private String modalities = "";

    @Parameter(label = "Modality aliases", required = false, description = "extra modality names, e.g. T1GD=t1c")
    private String aliases = "";

    @Parameter(label = "Output CSV", style = "save", description = "the CSV of classes and probabilities")
    private File output;

    @Parameter(label = "Fill for missing modalities", choices = {"auto", "templates", "mean", "zeros"},
            required = false, description = "what stands in for a modality a study lacks: templates (the model's "
                    + "BrainMVP templates), mean (its training mean inside the head), zeros; auto: templates where the "
                    + "model has them, else mean")
    private String fill = "auto";

    @Parameter(label = "Device", required = false, description = "auto, cpu, gpu or gpu:N")
    private String device = "auto";

    @Parameter(type = ItemIO.OUTPUT, label = "Summary")
    private String summary;

    @Override
    public void run() {
        try (CommandProgress progress = new CommandProgress(status, log, this);
                Classification cls = new Classification(new ClassifySettings(
                        model == null ? null : model.toPath(), DeviceList.parse(device), ModalityFill.parse(fill)),
                        progress)) {
            List<io.github.medvp.data.manifest.Modality> mods = FineTuneSettings.parseModalities(modalities, aliases);
            summary = cls.run(input.toPath(), mods, aliases, output.toPath(), progress)
                    .stream().map(p -> p.id() + ": " + p.className()).collect(Collectors.joining("\n", "", "\n"))
                    + "written " + output + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
