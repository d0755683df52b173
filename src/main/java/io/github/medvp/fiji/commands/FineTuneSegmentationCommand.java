package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.tasks.segmentation.LabelSpec;
import io.github.medvp.tasks.segmentation.SegmentationFineTuning;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Segmentation fine-tuning ({@link SegmentationFineTuning}) from a manifest or a folder of labelled studies into a
 * run folder, the encoder (UniFormer with a UNETR decoder, or Swin with a SwinUNETR decoder) from a BrainMVP or MG-3D
 * (or reference, or fine-tuned) checkpoint or from scratch. Defaults are the
 * reference's (BrainMVP's {@code do_train.sh}). Cancelling saves the last checkpoint; {@code resume=true} continues.
 * The inputs it shares with classification are those of {@link FineTuneCommand}.
 */
@Plugin(type = Command.class, name = "finetune-seg", label = "Fine-tune Segmentation",
        menuPath = "Plugins>MedVP>Fine-tune>Segmentation",
        description = "fine-tune an encoder + UNETR (UniFormer) or SwinUNETR (Swin) decoder for segmentation (regions "
                + "or classes)")
public class FineTuneSegmentationCommand extends FineTuneCommand {

    @Parameter(label = "Labels", required = false,
            description = "brats, brats2023 (ET=3), binary, regions:TC=1,4;WT=1,2,4;ET=4 or classes:CSF=1;GM=2;WM=3")
    private String labels = "brats";

    @Parameter(label = "Label-centred crops", required = false, min = "0", max = "1", stepSize = "0.1",
            description = "share of training crops centred on a labelled voxel (0 as the reference; for crops much "
                    + "smaller than the brain around small lesions)")
    private double label_centred = 0;

    @Parameter(type = ItemIO.OUTPUT, label = "Best mean Dice")
    private double bestDice;

    /** The reference's 300 epochs and batch 2. */
    public FineTuneSegmentationCommand() {
        super(300, 2);
    }

    @Override
    public void run() {
        try (CommandProgress progress = progress()) {
            SegmentationFineTuning.Result r = SegmentationFineTuning.run(settings().labels(LabelSpec.parse(labels))
                    .labelCentred(label_centred).build(), progress);
            runFolder = r.runFolder().toString();
            bestDice = r.bestDice();
            summary = r.summary();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
