package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.tasks.mg3d.Retrieval;
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

/**
 * Report→volume and volume→report retrieval on a volume-report list with an MG-3D checkpoint ({@link Retrieval}):
 * Recall@1/5/10/50 and median rank into {@code retrieval_summary.csv}, ranks per pair into
 * {@code retrieval_ranks.csv}.
 */
@Plugin(type = Command.class, name = "retrieve", label = "MG-3D Retrieve",
        menuPath = "Plugins>MedVP>MG-3D>Retrieve",
        description = "cross-modal retrieval between volumes and reports with an MG-3D model")
public class RetrieveCommand extends ContextCommand {

    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Model", style = "open", description = "an MG-3D checkpoint (mg3d-pretrain run)")
    private File model;

    @Parameter(label = "Data", style = "open", description = "a CSV or JSON list of volume-report pairs")
    private File data;

    @Parameter(label = "Output folder", style = "directory", description = "where the CSV files are written")
    private File output;

    @Parameter(label = "Batch size", min = "1", required = false, description = "volumes per forward pass")
    private int batch = 2;

    @Parameter(label = "Device", required = false, description = "auto, cpu, gpu or gpu:N")
    private String device = "auto";

    @Parameter(type = ItemIO.OUTPUT, label = "Summary")
    private String summary;

    @Override
    public void run() {
        try (CommandProgress progress = new CommandProgress(status, log, this)) {
            Retrieval.Result r = Retrieval.run(model.toPath(), data.toPath(), output.toPath(), device, batch,
                    progress);
            summary = Retrieval.summary(r) + "tables: " + output.toPath().resolve("retrieval_summary.csv") + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
