package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.nn.swin.SwinPreset;
import io.github.medvp.pretrain.mg3d.CmlMode;
import io.github.medvp.pretrain.mg3d.MimFusion;
import io.github.medvp.pretrain.mg3d.Mg3dPretraining;
import io.github.medvp.pretrain.mg3d.Mg3dSettings;
import io.github.medvp.train.Settings;
import java.nio.file.Path;
import io.github.medvp.train.TrainLoop;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.scijava.command.Command;
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
public class Mg3dPretrainCommand extends TrainCommand {

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

    @Parameter(label = "Epochs", required = false, description = "training epochs")
    private int epochs = 60;

    @Parameter(label = "Batch size", required = false, description = "volume-report pairs per step")
    private int batch = 4;

    @Parameter(label = "Learning rate", required = false, description = "base Adam learning rate")
    private double lr = 1e-5;

    @Parameter(label = "Head LR multiplier", required = false,
            description = "factor for the heads, the image/text projections and the multi-modal poolers")
    private double head_lr = 5;

    @Parameter(label = "Warm-up steps", required = false,
            description = "linear warm-up (at most a tenth of the run), then linear decay to 0")
    private long warmup = 10_000;

    @Parameter(label = "Modality", choices = {"ct", "mri"}, required = false,
            description = "ct: HU window; mri: 0.5-99.5 percentile scaling")
    private String modality = "ct";

    @Parameter(label = "Size", required = false, description = "volume grid X,Y,Z (multiples of 32)")
    private String size = "128,96,128";

    @Parameter(label = "Spacing", required = false, description = "target spacing X,Y,Z in mm")
    private String spacing = "0.75,0.75,1.5";

    @Parameter(label = "HU window", required = false, description = "lower,upper Hounsfield units mapped to 0..1")
    private String window = "-1000,1000";

    @Parameter(label = "MIM fusion", choices = {"code", "paper"}, required = false,
            description = "code: the reference code's MLM fusion with token-level text; paper: MIM's own fusion with "
                    + "sentence-level text (Fig. 4)")
    private String mim_fusion = "code";

    @Parameter(label = "CML", choices = {"joint", "volume_report"}, required = false,
            description = "joint: the reference code's fused-vs-separate contrast; volume_report: volume vs report "
                    + "(needed for zero-shot and retrieval)")
    private String cml = "joint";

    @Parameter(label = "Double projection", required = false,
            description = "project image tokens twice in pass 3, as the reference code does (preset b with a "
                    + "BERT-base text model only)")
    private boolean double_projection = false;

    @Parameter(label = "Loss weights", required = false, description = "MLM,SFR,MIM,CML,DFA,SSM")
    private String weights = "1,0.1,1,0.1,0.1,0.1";

    /** The reference's seed, 0. */
    public Mg3dPretrainCommand() {
        super(0);
    }

    @Override
    public void run() {
        Mg3dSettings settings = settings();
        Mg3dPretraining training = new Mg3dPretraining(settings);
        try (CommandProgress progress = progress()) {
            TrainLoop.Result result = training.run(progress);
            runFolder = settings.training().output().toString();
            summary = training.summary(result);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** @return the inputs as settings @throws io.github.medvp.SettingsException naming a setting out of range */
    Mg3dSettings settings() {
        return Mg3dSettings.builder().training(training())
                .text(path(vocab), path(text_model), train_text)
                .preset(Settings.choice("preset", SwinPreset.class, preset)).epochs(epochs).batch(batch)
                .optimiser(lr, head_lr, 1e-8, warmup)
                .volumes(Settings.choice("modality", Mg3dSettings.VolumeModality.class, modality),
                        Settings.ints("size", size, 3), Settings.doubles("spacing", spacing),
                        Settings.doubles("window", window))
                .variant(Settings.choice("mim_fusion", MimFusion.class, mim_fusion),
                        cml(cml), double_projection)
                .weights(Settings.doubles("weights", weights)).build();
    }

    /** The CML setting; its former value {@code global} fails with its new name. */
    static CmlMode cml(String value) {
        if (value != null && CmlMode.OLD_VOLUME_REPORT.equalsIgnoreCase(value.trim())) {
            throw io.github.medvp.SettingsException.of("cml", "'" + value + "'",
                    "volume_report (the new name of global) or joint");
        }
        return Settings.choice("cml", CmlMode.class, value);
    }

    private static Path path(File f) {
        return f == null || f.getPath().isEmpty() ? null : f.toPath();
    }
}
