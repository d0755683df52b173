package io.github.medvp.fiji.commands;

import io.github.medvp.engine.SystemInfo;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Shows Java, DJL, PyTorch, devices and memory: the first thing to look at when the engine misbehaves. */
@Plugin(type = Command.class, name = "system-info", label = "MedVP System Info",
        menuPath = "Plugins>MedVP>System Info",
        description = "Java, DJL and PyTorch versions, visible devices and memory")
public class SystemInfoCommand implements Command {

    @Parameter(type = ItemIO.OUTPUT, label = "MedVP system information")
    private String report;

    @Override
    public void run() {
        report = SystemInfo.report() + "\nInstall or update libtorch: Plugins > MedVP > Install Engine.\n"
                + io.github.medvp.engine.EngineInstall.offlineAdvice() + "\n";
    }

    /** The report of the last run. */
    public String getReport() {
        return report;
    }
}
