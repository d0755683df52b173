package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.tasks.classification.ClassificationFineTuning;
import io.github.medvp.train.Settings;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Classification fine-tuning ({@link ClassificationFineTuning}): encoder + global average pooling + linear head
 * (MedVP's choice; the reference released none), classes from a CSV ({@code case,class}) or the manifest. The inputs
 * it shares with segmentation are those of {@link FineTuneCommand}.
 */
@Plugin(type = Command.class, name = "finetune-cls", label = "Fine-tune Classification",
        menuPath = "Plugins>MedVP>Fine-tune>Classification",
        description = "fine-tune an encoder + pooled linear head for study classification")
public class FineTuneClassificationCommand extends FineTuneCommand {

    @Parameter(label = "Class labels CSV", style = "open", required = false,
            description = "lines case,class (name or index); empty to use the manifest's class fields")
    private File labels;

    @Parameter(label = "Classes", required = false,
            description = "class names in index order, e.g. LGG,HGG; empty: sorted names or the indices found")
    private String classes = "";

    @Parameter(label = "Class weights", required = false,
            description = "cross-entropy weight per class, e.g. 1,2.5; empty for equal weights")
    private String class_weights = "";

    @Parameter(type = ItemIO.OUTPUT, label = "Best balanced accuracy")
    private double bestBalancedAccuracy;

    /**
     * 100 epochs and batch 4 (the reference released no classification recipe; with fewer studies per batch the
     * pooled head barely learns: {@link ClassificationFineTuning#MIN_NORMALISED_BATCH}).
     */
    public FineTuneClassificationCommand() {
        super(100, ClassificationFineTuning.MIN_NORMALISED_BATCH);
    }

    @Override
    public void run() {
        List<String> names = classes == null || classes.isBlank() ? List.of()
                : Arrays.stream(classes.split(",")).map(String::trim).toList();
        try (CommandProgress progress = progress()) {
            ClassificationFineTuning.Result r = ClassificationFineTuning.run(settings()
                    .classes(names, labels == null || labels.getPath().isEmpty() ? null : labels.toPath(),
                            Settings.doubles("class_weights", class_weights)).build(), progress);
            runFolder = r.runFolder().toString();
            bestBalancedAccuracy = r.bestBalancedAccuracy();
            summary = r.summary();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
