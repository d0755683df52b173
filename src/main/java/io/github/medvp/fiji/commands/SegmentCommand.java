package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.fiji.ImagePlusVolumes;
import ij.ImagePlus;
import io.github.medvp.MedvpException;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.tasks.inference.Blending;
import io.github.medvp.tasks.FineTuneSettings;
import io.github.medvp.tasks.inference.ModalityFill;
import io.github.medvp.tasks.segmentation.SegmentSettings;
import io.github.medvp.tasks.segmentation.Segmentation;
import io.github.medvp.engine.DeviceList;
import io.github.medvp.train.Settings;
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
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Segmentation with a fine-tuned model ({@link Segmentation}): a NIfTI file, a folder of studies or a manifest →
 * label maps (and probability maps) as NIfTI on each input's original grid; or, with no input file, the image open in
 * Fiji → a label image with the same calibration. Missing modalities are filled as {@code fill} says (the model's
 * templates, its training means or zeros) and reported.
 */
@Plugin(type = Command.class, name = "segment", label = "MedVP Segment", menuPath = "Plugins>MedVP>Segment",
        description = "segment studies or the open image with a fine-tuned model")
public class SegmentCommand extends ContextCommand {

    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    /** The active image in Fiji; used when no input file is given. */
    @Parameter(required = false)
    private ImagePlus image;

    @Parameter(label = "Model", style = "open", description = "a fine-tuned segmentation model (a run's best)")
    private File model;

    @Parameter(label = "Input", style = "both", required = false,
            description = "a NIfTI file, a folder of studies or a manifest .json; empty for the open image")
    private File input;

    @Parameter(label = "Modalities", required = false,
            description = "modalities of a single file's or image's channels, e.g. t1,flair; empty to infer")
    private String modalities = "";

    @Parameter(label = "Modality aliases", required = false, description = "extra modality names, e.g. T1GD=t1c")
    private String aliases = "";

    @Parameter(label = "Output folder", style = "directory", required = false,
            description = "where <case>_seg.nii.gz (and _prob) are written; optional for the open image")
    private File output;

    @Parameter(label = "Probability maps", required = false, description = "also write probability maps")
    private boolean probabilities = false;

    @Parameter(label = "Overlap", required = false, description = "sliding-window overlap from 0 to 0.95")
    private double overlap = 0.5;

    @Parameter(label = "Blending", choices = {"constant", "gaussian"}, required = false,
            description = "weights of overlapping windows")
    private String blending = "constant";

    @Parameter(label = "Windows per batch", required = false, description = "windows per forward pass")
    private int window_batch = 1;

    @Parameter(label = "Fill for missing modalities", choices = {"auto", "templates", "mean", "zeros"},
            required = false, description = "what stands in for a modality a study lacks: templates (the model's "
                    + "BrainMVP templates), mean (its training mean inside the head), zeros; auto: templates where the "
                    + "model has them, else mean")
    private String fill = "auto";

    @Parameter(label = "Device", required = false, description = "auto, cpu, gpu or gpu:N")
    private String device = "auto";

    @Parameter(type = ItemIO.OUTPUT, label = "Labels")
    private ImagePlus labels;

    @Parameter(type = ItemIO.OUTPUT, label = "Summary")
    private String summary;

    /** @return the inputs as settings @throws io.github.medvp.SettingsException naming a setting out of range */
    SegmentSettings settings() {
        return new SegmentSettings(model == null ? null : model.toPath(), DeviceList.parse(device), overlap,
                Settings.choice("blending", Blending.class, blending), window_batch, probabilities,
                ModalityFill.parse(fill));
    }

    @Override
    public void run() {
        try (CommandProgress progress = new CommandProgress(status, log, this);
                Segmentation seg = new Segmentation(settings(), progress)) {
            List<io.github.medvp.data.manifest.Modality> mods = FineTuneSettings.parseModalities(modalities, aliases);
            if (input != null && !input.getPath().isEmpty()) {
                if (output == null || output.getPath().isEmpty()) {
                    throw new MedvpException("set an output folder for the label maps of " + input);
                }
                summary = seg.run(input.toPath(), mods, aliases, output.toPath(), progress).stream()
                        .map(Segmentation.Prediction::summary).collect(Collectors.joining("\n", "", "\n"))
                        + "written to " + output + "\n";
                return;
            }
            if (image == null) {
                throw new MedvpException("no input: give an input file or folder, or open an image");
            }
            String title = image.getShortTitle();
            Segmentation.Prediction p = seg.predict(ImagePlusVolumes.toVolume(image), mods, title, progress);
            labels = ImagePlusVolumes.toImagePlus(p.labels(), title + "-labels");
            summary = p.summary() + "\n";
            if (output != null && !output.getPath().isEmpty()) {
                NiftiWriter.write(p.labels(), output.toPath().resolve(title + "_seg.nii.gz"));
                if (p.probabilities() != null) {
                    NiftiWriter.write(p.probabilities(), output.toPath().resolve(title + "_prob.nii.gz"));
                }
                summary += "written to " + output + "\n";
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
