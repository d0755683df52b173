package io.github.medvp.fiji;

import io.github.medvp.MedvpException;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/** A command that exists only in tests, to drive the launcher through every outcome. */
@Plugin(type = Command.class, name = "test-echo", label = "MedVP Test Echo")
public class EchoTestCommand extends ContextCommand {

    @Parameter
    private String text = "hello";

    @Parameter
    private int times = 1;

    @Parameter(choices = {"ok", "fail", "cancel", "bug", "denied"})
    private String outcome = "ok";

    /** A stage "train" of this many steps: ticks, and an update worth a line every log_every steps and at the end. */
    @Parameter
    private int steps = 0;

    @Parameter
    private int log_every = 1;

    /** A stage "Checking studies" of this many checks on four threads, each reporting its count when done. */
    @Parameter
    private int checks = 0;

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
            case "denied":
                // What a command gets from the file system for a folder it may not write: a bare path.
                throw new java.io.UncheckedIOException(new java.nio.file.AccessDeniedException("/protected/out.csv"));
            default:
                try (CommandProgress progress = new CommandProgress(null, null, this)) {
                    progress.checkCancelled();
                    for (int s = 1; s <= steps; s++) {
                        if (s % log_every == 0 || s == steps) {
                            progress.update("train", s, steps, "step " + s + "/" + steps);
                        } else {
                            progress.tick("train", s, steps, "step " + s + "/" + steps);
                        }
                    }
                    AtomicInteger done = new AtomicInteger();
                    IntStream.range(0, checks).parallel().forEach(i -> progress.update("Checking studies",
                            done.incrementAndGet(), checks, null));
                }
                echoed = String.join(" ", java.util.Collections.nCopies(times, text));
        }
    }

}
