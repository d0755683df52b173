package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.nn.EncoderAxes;
import io.github.medvp.tasks.FeatureExtraction;
import io.github.medvp.tasks.FineTuneSettings;
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

/**
 * Multi-scale features of a pre-trained encoder (UniFormer or Swin) for one volume ({@link FeatureExtraction}). The
 * input is
 * used as is (prepared as for training: RAS, 1 mm, scaled intensities, sizes divisible by 32) unless
 * {@code prepare=true} does that preparation.
 */
@Plugin(type = Command.class, name = "features", label = "MedVP Extract Features",
        menuPath = "Plugins>MedVP>Extract Features",
        description = "encoder features (UniFormer x1..x4, Swin x0..x4) of a pre-trained encoder for one volume, as "
                + "safetensors or NIfTI")
public class FeatureExtractionCommand extends ContextCommand {

    // Optional so a minimal Context (tests, scripts) can run the command; progress then goes nowhere.
    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Model", style = "open",
            description = "a BrainMVP or MG-3D run or checkpoint, a fine-tuned model, or reference weights (.pt or "
            + ".safetensors: BrainMVP's UniFormer, MG-3D's or MONAI SwinUNETR's Swin)")
    private File model;

    @Parameter(label = "Input", style = "open",
            description = "NIfTI (X,Y,Z) or (X,Y,Z,C), or safetensors (N,C,X,Y,Z); prepared "
            + "as for training (RAS, 1 mm, scaled to [0,1]), every size divisible by 32")
    private File input;

    @Parameter(label = "Output", style = "save",
            description = ".safetensors (every stage or the chosen one) or .nii/.nii.gz (one stage, channels as 4th "
                    + "axis)")
    private File output;

    @Parameter(label = "Stage", min = "0", max = "4", required = false,
            description = "1..4 for one stage (x1..x4), 0 for all")
    private int stage = 0;

    @Parameter(label = "Prepare", required = false, description = "NIfTI input: the task intensity rule (MRI 5-95 "
            + "percentile scaling, CT the HU window), RAS, 1 mm and zero padding to multiples of 32 first (as data "
            + "preparation for fine-tuning evaluation); an MG-3D checkpoint applies its run's preprocessing")
    private boolean prepare = false;

    @Parameter(label = "Encoder axes", choices = {"auto", "xyz", "zyx"}, required = false,
            description = "axis order of the model's weights where the file does not record it (bare Swin keys, "
                    + "swinViT.): zyx for MG-3D weights saved without vision_encoder.; auto: the checkpoint's")
    private String encoder_axes = EncoderAxes.AUTO;

    @Parameter(label = "Modality", required = false,
            description = "with prepare: the input channels' modality (e.g. ct, or t1,t2 per channel); empty: a "
                    + "fine-tuned model's, else MRI")
    private String modality = "";

    @Parameter(label = "HU window", required = false,
            description = "with prepare: lower,upper Hounsfield units mapped to 0..1 for CT channels; empty: a "
                    + "fine-tuned model's, else -1000,1000")
    private String hu_window = "";

    @Parameter(label = "Device", required = false, description = "auto, cpu, gpu or gpu:N")
    private String device = "auto";

    @Parameter(type = ItemIO.OUTPUT, label = "Features")
    private String report;

    @Override
    public void run() {
        try (CommandProgress progress = new CommandProgress(status, log, this)) {
            double[] window = hu_window == null || hu_window.isBlank() ? null
                    : FineTuneSettings.checkedHuWindow(Settings.doubles("hu_window", hu_window));
            report = new FeatureExtraction(model.toPath(), input.toPath(), output.toPath(), stage, device, prepare,
                    FineTuneSettings.parseModalities(modality, ""), window)
                    .encoderAxes(EncoderAxes.setting(encoder_axes)).run(progress);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
