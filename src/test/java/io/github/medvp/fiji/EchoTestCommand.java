package io.github.medvp.fiji;

import io.github.medvp.MedvpException;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** A command that exists only in tests, to drive the launcher through every outcome. */
@Plugin(type = Command.class, name = "test-echo", label = "MedVP Test Echo")
public class EchoTestCommand extends ContextCommand {

    @Parameter
    private String text = "hello";

    @Parameter
    private int times = 1;

    @Parameter(choices = {"ok", "fail", "cancel", "bug"})
    private String outcome = "ok";

    @Parameter(type = ItemIO.OUTPUT)
    private String echoed;

    @Override
    public void run() {
        switch (outcome) {
            case "fail":
                throw new MedvpException("file '/nowhere.nii' does not exist");
            case "cancel":
                cancel("stopped at step 2");
                return;
            case "bug":
                throw new IllegalStateException("a bug");
            default:
                new CommandProgress(null, null, this).checkCancelled();
                echoed = String.join(" ", java.util.Collections.nCopies(times, text));
        }
    }

}
