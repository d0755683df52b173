package io.github.medvp.fiji.commands;

import io.github.medvp.MedvpException;
import io.github.medvp.SettingsException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.demo.Demo;
import io.github.medvp.demo.DemoSettings;
import io.github.medvp.nn.UniFormerPreset;
import io.github.medvp.train.Settings;
import io.github.medvp.tasks.EncoderInit;
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
 * The one-command demo ({@link Demo}): generated data, BrainMVP pre-training, fine-tuning from the pre-trained
 * encoder and from scratch, held-out segmentation (one run with a modality filled from templates) and a Dice table.
 */
@Plugin(type = Command.class, name = "demo", label = "MedVP Demo", menuPath = "Plugins>MedVP>Demo",
        description = "generate data, pre-train, fine-tune with and without pre-training, segment, compare")
public class DemoCommand extends ContextCommand {

    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Output folder", style = "directory", required = false,
            description = "receives data/, runs/ and report/")
    private File output = new File("medvp-demo");

    @Parameter(label = "Preset", choices = {"tiny", "small"}, required = false,
            description = "tiny: a few minutes on 2 CPU cores; small: the paper's UniFormer-S, for a GPU")
    private String preset = "tiny";

    @Parameter(label = "Device", required = false, description = "auto, cpu, gpu or gpu:N")
    private String device = "auto";

    @Parameter(label = "Seed", required = false, description = "seed of data, sampling and initialisation")
    private long seed = 7;

    @Parameter(label = "Studies", min = "0", required = false,
            description = "generated studies for pre-training and fine-tuning; 0 for the preset's")
    private int studies = 0;

    @Parameter(label = "Held-out test studies", min = "0", required = false,
            description = "generated studies kept for the final comparison; 0 for the preset's")
    private int test_studies = 0;

    @Parameter(label = "Pre-training epochs", min = "0", required = false, description = "0 for the preset's")
    private int pretrain_epochs = 0;

    @Parameter(label = "Fine-tuning epochs", min = "0", required = false, description = "0 for the preset's")
    private int finetune_epochs = 0;

    @Parameter(label = "Pre-training learning rate", min = "0", required = false, description = "0 for the preset's")
    private double pretrain_lr = 0;

    @Parameter(label = "Fine-tuning learning rate", min = "0", required = false,
            description = "of both models; 0 for the preset's")
    private double finetune_lr = 0;

    @Parameter(label = "Encoder learning-rate factor", min = "0", max = "1", required = false,
            description = "the pre-trained encoder's share of the fine-tuning learning rate")
    private double encoder_lr = 1;

    @Parameter(label = "Freeze encoder", required = false,
            description = "both arms train only the decoder: pre-trained features against random ones")
    private boolean freeze_encoder = false;

    @Parameter(label = "First convolution", choices = {"inflate", "reinit"}, required = false,
            description = "both arms: re-initialise the 1-channel checkpoint's first convolution or inflate it")
    private String first_conv = DemoSettings.FIRST_CONV.name().toLowerCase(java.util.Locale.ROOT);

    @Parameter(label = "Label-centred crops", min = "0", max = "1", required = false,
            description = "share of fine-tuning crops centred on a labelled voxel, in both arms")
    private double label_centred = DemoSettings.LABEL_CENTRED;

    @Parameter(label = "Skull-stripped", required = false,
            description = "generate the MRI studies as BraTS distributes them: 0 outside the brain")
    private boolean skull_stripped = DemoSettings.SKULL_STRIPPED;

    @Parameter(label = "Tumour mimics", required = false, description = "generate the MRI studies with healthy "
            + "look-alikes of tumour (white-matter hyperintensities, enhancing choroid plexus)")
    private boolean mimics = false;

    @Parameter(label = "Repeats", min = "1", required = false,
            description = "fine-tuning comparisons with seeds seed, seed+1, ...; the verdict averages them")
    private int repeats = 1;

    @Parameter(label = "Label fraction", required = false,
            description = "share of the labelled training studies used for fine-tuning")
    private double fraction = 0.4;

    @Parameter(label = "Template replacement", min = "0", max = "1", required = false,
            description = "chance that the pre-trained arm's fine-tuning replaces a modality by its template; "
                    + "0 compares the initialisations alone")
    private double replace_probability = 0;

    @Parameter(label = "Missing modality", required = false,
            description = "modality removed from the held-out studies and filled from the templates")
    private String missing = "t2";

    @Parameter(label = "MG-3D", required = false, description = "also run MG-3D pre-training and retrieval")
    private boolean mg3d = false;

    @Parameter(label = "Earlier pre-training run", style = "directory", required = false,
            description = "runs/pretrain of an earlier demo with the same seed and settings: repeat only fine-tuning")
    private File pretrained_run;

    @Parameter(label = "Data workers", min = "0", required = false, description = "0 for the default")
    private int workers = 0;

    @Parameter(type = ItemIO.OUTPUT, label = "Summary")
    private String summary;

    /** @return the named modality @throws SettingsException for a name no modality has */
    private static Modality modality(String name) {
        try {
            return ModalityNames.defaults().require(name, "setting 'missing'");
        } catch (SettingsException e) {
            throw e;
        } catch (MedvpException e) {
            throw new SettingsException(e.getMessage());
        }
    }

    @Override
    public void run() {
        DemoSettings s = DemoSettings.builder().preset(Settings.choice("preset", UniFormerPreset.class, preset))
                .output(output.toPath()).device(device).seed(seed)
                .fraction(fraction).repeats(repeats).replaceProbability(replace_probability)
                .missing(modality(missing)).mg3d(mg3d)
                .workers(workers).studies(studies).testStudies(test_studies).epochs(pretrain_epochs, finetune_epochs)
                .learningRates(pretrain_lr, finetune_lr).encoderLr(encoder_lr).freezeEncoder(freeze_encoder)
                .firstConv(Settings.choice("first_conv", EncoderInit.FirstConv.class, first_conv))
                .labelCentred(label_centred)
                .skullStripped(skull_stripped).mimics(mimics)
                .pretrainedRun(pretrained_run == null || pretrained_run.getPath().isEmpty() ? null
                        : pretrained_run.toPath()).build();
        try (CommandProgress progress = new CommandProgress(status, log, this)) {
            summary = Demo.of(s).run(progress).table();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
