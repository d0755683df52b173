package io.github.medvp.fiji;

import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.io.FileError;
import org.scijava.module.process.LoadInputsPreprocessor;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.module.process.SaveInputsPreprocessor;
import org.scijava.plugin.PluginService;
import org.scijava.Cancelable;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Runs one MedVP command with given inputs the way every non-dialog caller needs it (launcher, macro bridge):
 * settings not given take the command's defaults, never values SciJava remembered from an earlier interactive run,
 * so a script means the same thing on every machine.
 */
public final class CommandRunner {

    private CommandRunner() {
    }

    /** How a run ended. */
    record Outcome(Module module, boolean cancelled, String reason) {
    }

    /**
     * Runs the command on SciJava's thread pool and waits for it.
     *
     * @param stop polled while waiting; when it turns true the command is cancelled (it stops at its next step)
     * @throws ExecutionException when the command failed; {@link #userError} finds the reason
     */
    static Outcome run(Context context, CommandInfo info, Map<String, Object> inputs, BooleanSupplier stop)
            throws ExecutionException, InterruptedException {
        ModuleService modules = context.service(ModuleService.class);
        Module module = modules.createModule(info);
        for (ModuleItem<?> item : MedvpCommands.userInputs(info)) {
            if (!inputs.containsKey(item.getName())) {
                module.resolveInput(item.getName());
            }
        }
        // An image input nobody gave stays empty: headless there is no active image to fill it with.
        for (ModuleItem<?> item : info.inputs()) {
            if (item.getType().getName().startsWith("ij.") && !inputs.containsKey(item.getName())) {
                module.resolveInput(item.getName());
            }
        }
        // Neither loading nor saving remembered values: what a script leaves out takes the command's default, and
        // what it gives does not become the default of a later run, in Fiji's dialogs or another script.
        PluginService plugins = context.service(PluginService.class);
        List<PreprocessorPlugin> pre = plugins.createInstancesOfType(PreprocessorPlugin.class).stream()
                .filter(p -> !(p instanceof LoadInputsPreprocessor) && !(p instanceof SaveInputsPreprocessor))
                .toList();
        List<PostprocessorPlugin> post = plugins.createInstancesOfType(PostprocessorPlugin.class);
        Future<Module> future = modules.run(module, pre, post, inputs);
        Module done = null;
        while (done == null) {
            try {
                done = future.get(200, TimeUnit.MILLISECONDS);
                if (done == null) {
                    break; // a preprocessor cancelled before the command ran
                }
            } catch (TimeoutException e) {
                if (stop.getAsBoolean()) {
                    cancel(module, "cancelled by the user");
                }
            } catch (InterruptedException e) {
                cancel(module, "interrupted");
                throw e;
            }
        }
        if (done == null) {
            return new Outcome(module, true, null);
        }
        Cancelable c = cancelable(done);
        return c != null && c.isCanceled() ? new Outcome(done, true, c.getCancelReason())
                : new Outcome(done, false, null);
    }

    /** Asks the running command to stop at its next step (pipelines then save what they have). */
    static void cancel(Module module, String reason) {
        Cancelable c = cancelable(module);
        if (c != null) {
            c.cancel(reason);
        }
    }

    private static Cancelable cancelable(Module module) {
        if (module instanceof CommandModule m && m.getCommand() instanceof Cancelable c) {
            return c;
        }
        return module instanceof Cancelable c ? c : null;
    }

    /** True when a failure is the command honouring a cancel rather than an error. */
    static boolean isCancel(Throwable failure) {
        return userError(failure) instanceof Progress.CancelledException;
    }

    /** The innermost MedVP or I/O error in a cause chain, or the chain's root when there is none. */
    public static Throwable userError(Throwable t) {
        Throwable root = t;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof MedvpException || c instanceof java.io.IOException) {
                return c;
            }
            root = c;
        }
        return root;
    }

    /**
     * The one line shown for a user error: its message, or for the file system's own exceptions, whose message is
     * a bare path, the file and what went wrong ({@code cannot access x: permission denied}).
     */
    public static String message(Throwable userError) {
        return FileError.describe(userError);
    }

    /** True when the error is one the user can fix (bad input, missing file), not a bug. */
    static boolean isUserError(Throwable t) {
        Throwable e = userError(t);
        return e instanceof MedvpException || e instanceof java.io.IOException;
    }
}
