package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.engine.EngineInstall;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Fetches libtorch for this machine now ({@link EngineInstall}), instead of on the first real command. */
@Plugin(type = Command.class, name = "install-engine", label = "MedVP Install Engine",
        menuPath = "Plugins>MedVP>Install Engine",
        description = "download libtorch " + EngineInstall.LIBTORCH_VERSION + " (CPU or CUDA build) ahead of time; "
                + "explains offline installation when there is no network")
public class InstallEngineCommand extends ContextCommand {

    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Build", choices = {"auto", "cpu", "cuda"}, required = false,
            description = "auto: CUDA when an NVIDIA GPU is visible, else CPU; cpu: the CPU build (~200 MB); cuda: "
                    + "the CUDA build matching the driver (~2.5 GB)")
    private String flavour = "auto";

    @Parameter(type = ItemIO.OUTPUT, label = "Engine")
    private String report;

    @Override
    public void run() {
        try (CommandProgress progress = new CommandProgress(status, log, this)) {
            report = EngineInstall.install(flavour, progress);
        }
    }
}
