package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.tasks.mg3d.ZeroShot;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Zero-shot classification of a labelled volume list with an MG-3D checkpoint ({@link ZeroShot}): accuracy and AUC
 * per label into {@code zeroshot_metrics.csv}, per-volume scores into {@code zeroshot_scores.csv}.
 */
@Plugin(type = Command.class, name = "zeroshot", label = "MG-3D Zero-shot Classify",
        menuPath = "Plugins>MedVP>MG-3D>Zero-shot Classify",
        description = "score volumes against '<label> is present.' / 'No <label>.' prompts with an MG-3D model")
public class ZeroShotCommand extends ContextCommand {

    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Model", style = "open", description = "an MG-3D checkpoint (mg3d-pretrain run)")
    private File model;

    @Parameter(label = "Data", style = "open", description = "a CSV or JSON volume list with label columns")
    private File data;

    @Parameter(label = "Labels", style = "open", required = false,
            description = "a CSV of labels by volume name (CT-RATE's labels file), when the list has none")
    private File labels;

    @Parameter(label = "Output folder", style = "directory", description = "where the CSV files are written")
    private File output;

    @Parameter(label = "Positive prompt", required = false,
            description = "template of the finding being there; {label} stands for the label name")
    private String positive = ZeroShot.Prompts.POSITIVE;

    @Parameter(label = "Negative prompt", required = false,
            description = "template of the finding not being there; {label} stands for the label name")
    private String negative = ZeroShot.Prompts.NEGATIVE;

    @Parameter(label = "Batch size", min = "1", required = false, description = "volumes per forward pass")
    private int batch = 2;

    @Parameter(label = "Device", required = false, description = "auto, cpu, gpu or gpu:N")
    private String device = "auto";

    @Parameter(type = ItemIO.OUTPUT, label = "Summary")
    private String summary;

    @Override
    public void run() {
        try (CommandProgress progress = new CommandProgress(status, log, this)) {
            ZeroShot.Result r = ZeroShot.run(model.toPath(), data.toPath(), labels == null ? null : labels.toPath(),
                    output.toPath(), device, batch, new ZeroShot.Prompts(positive, negative), progress);
            StringBuilder sb = new StringBuilder();
            for (ZeroShot.ClassResult c : r.classes()) {
                sb.append(String.format(Locale.ROOT, "%s: accuracy %.3f, AUC %.3f (n=%d, %d positive)%n", c.label(),
                        c.accuracy(), c.auc(), c.n(), c.positives()));
            }
            sb.append("tables: ").append(output.toPath().resolve("zeroshot_metrics.csv")).append('\n');
            summary = sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
