package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.demo.SliceImages;
import io.github.medvp.io.OutputFolder;
import io.github.medvp.pretrain.brainmvp.TemplateNifti;
import io.github.medvp.train.RunFolder;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes the modality templates of a BrainMVP checkpoint as NIfTI normalised to [0, 1] ({@link TemplateNifti}), for
 * fine-tuning with template mixing, and a preview ({@code templates.png}: each template's middle axial slice over its
 * whole grid in the fixed window [0, 1], so a user sees whether the templates have converged to anatomy).
 */
@Plugin(type = Command.class, name = "brainmvp-export-templates", label = "BrainMVP Export Templates",
        menuPath = "Plugins>MedVP>BrainMVP>Export Templates",
        description = "modality templates of a pre-training checkpoint as NIfTI in [0, 1]")
public class ExportTemplatesCommand implements Command {

    /** The preview image in the output folder. */
    static final String PREVIEW = "templates.png";

    @Parameter(label = "Checkpoint", style = "open",
            description = "a MedVP pre-training run folder (its last checkpoint), last.safetensors or "
            + "best.safetensors of a run, or a reference BrainMVP checkpoint (.pt) with rep_template")
    private File checkpoint;

    @Parameter(label = "Output folder", style = "directory",
            description = "receives template_<modality>.nii.gz, the 4D stack templates.nii.gz and templates.png (the "
                    + "middle axial slice of each over the whole grid, black 0 to white 1)")
    private File output;

    @Parameter
    private LogService log;

    @Parameter(type = ItemIO.OUTPUT, label = "Written files")
    private String files;

    @Override
    public void run() {
        Path file;
        try (CommandProgress progress = new CommandProgress(null, log, null)) {
            file = RunFolder.checkpointIn(checkpoint.toPath(), "checkpoint", false, progress);
        }
        // A folder this run creates is removed again if the checkpoint turns out unreadable or holds no templates.
        try (OutputFolder folder = OutputFolder.create(output.toPath())) {
            List<Path> written = new ArrayList<>(TemplateNifti.export(file, folder.dir()));
            Path png = folder.dir().resolve(PREVIEW);
            if (SliceImages.templates(folder.dir(), png)) {
                written.add(png);
            }
            folder.keep();
            files = written.stream().map(Path::toString).collect(Collectors.joining("\n", "", "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
