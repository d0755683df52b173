package io.github.medvp.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import io.github.medvp.MedvpException;
import org.scijava.Context;
import org.scijava.app.event.StatusEvent;
import org.scijava.command.CommandInfo;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.module.event.ModuleErroredEvent;
import org.scijava.util.Types;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Makes every MedVP command an ImageJ 1 command, so macros call it with the option strings macro recording writes:
 * <pre>
 *   run("BrainMVP Pretrain (macro)", "data=[/data/brats] output=/runs/a preset=tiny epochs=5");
 * </pre>
 * The jar's {@code plugins.config} (written at build time by {@link PluginsConfig} from the SciJava plugin index)
 * has one line per command: label {@code "<command title> (macro)"}, argument the command's short name. The suffix
 * keeps the label distinct from the entry Fiji's legacy layer creates for the SciJava command itself.
 * <p>
 * Options are parsed by {@link MacroOptions} (ImageJ 1's rules); keys are the setting names of
 * {@code ./medvp help <name>}; absent settings keep the command's defaults (absent checkboxes are false, as in any
 * recorded ImageJ 1 dialog). Without options (chosen from the menu) a dialog asks for the settings and macro
 * recording records them. Commands taking an {@code ImagePlus} get the current image. The command runs on
 * SciJava's thread pool while this thread waits; Esc cancels it at its next step. Outputs go to the Log window and
 * stay readable from a macro with {@code call("io.github.medvp.fiji.MacroBridge.output", "<name>")}.
 * <p>
 * In Fiji the running SciJava context is reused; in plain ImageJ 1 one context is created on first use.
 */
public class MacroBridge implements PlugIn {

    /** Suffix of every bridge label in ImageJ 1's command table. */
    public static final String LABEL_SUFFIX = " (macro)";

    private static Context own;
    // Strong references: SciJava's event service holds subscribers weakly.
    private static StatusToImageJ statusForwarder;
    private static final Map<String, String> LAST_OUTPUTS = new LinkedHashMap<>();

    /** @param arg the command's short name, from {@code plugins.config} */
    @Override
    public void run(String arg) {
        String options = Macro.getOptions();
        try {
            Context context = context();
            MedvpCommands commands = new MedvpCommands(context);
            CommandInfo info = commands.find(arg);
            if (info == null) {
                throw new MedvpException("no MedVP command '" + arg + "' (plugins.config does not match this jar)");
            }
            Map<String, Object> inputs;
            if (options == null && !MedvpCommands.userInputs(info).isEmpty()) {
                inputs = ask(context, info);
                if (inputs == null) {
                    return;
                }
            } else {
                inputs = MacroOptions.inputs(info, options);
            }
            commands.checkInputs(info, inputs);
            addCurrentImage(info, inputs);
            execute(context, info, inputs);
        } catch (MedvpException e) {
            fail(arg, e.getMessage(), options != null);
        }
    }

    private static void execute(Context context, CommandInfo info, Map<String, Object> inputs) {
        CommandRunner.Outcome outcome;
        try {
            outcome = CommandRunner.run(context, info, inputs, IJ::escapePressed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MedvpException("interrupted");
        } catch (ExecutionException e) {
            if (CommandRunner.isCancel(e)) {
                IJ.log(info.getTitle() + ": cancelled");
                abortMacro();
                return;
            }
            if (CommandRunner.isUserError(e)) {
                throw new MedvpException(CommandRunner.message(CommandRunner.userError(e)));
            }
            IJ.handleException(e.getCause());
            abortMacro();
            return;
        }
        if (outcome.cancelled()) {
            IJ.log(info.getTitle() + ": cancelled" + (outcome.reason() == null ? "" : " (" + outcome.reason() + ")"));
            abortMacro();
            return;
        }
        Module module = outcome.module();
        synchronized (LAST_OUTPUTS) {
            LAST_OUTPUTS.clear();
            for (ModuleItem<?> item : info.outputs()) {
                Object value = item.getValue(module);
                if (value != null) {
                    LAST_OUTPUTS.put(item.getName(), String.valueOf(value));
                    IJ.log(String.valueOf(value).stripTrailing());
                }
            }
        }
        if (!GraphicsEnvironment.isHeadless()) {
            ResultViews.showOutputs(info, module);
        }
    }

    /**
     * An output of the last command a macro ran through the bridge, for {@code call(...)}; empty when there is none.
     */
    public static String output(String name) {
        synchronized (LAST_OUTPUTS) {
            return LAST_OUTPUTS.getOrDefault(name, "");
        }
    }

    /** The image open in ImageJ goes to a command's optional {@code ImagePlus} input. */
    private static void addCurrentImage(CommandInfo info, Map<String, Object> inputs) {
        for (ModuleItem<?> item : info.inputs()) {
            if (ImagePlus.class.isAssignableFrom(item.getType())) {
                ImagePlus current = WindowManager.getCurrentImage();
                if (current != null) {
                    inputs.put(item.getName(), current);
                } else if (item.isRequired()) {
                    throw new MedvpException("'" + info.getTitle() + "' needs an open image; open one first");
                }
            }
        }
    }

    /** A dialog with one field per setting, named as the option keys, so macro recording records them as such. */
    private static Map<String, Object> ask(Context context, CommandInfo info) {
        if (GraphicsEnvironment.isHeadless()) {
            throw new MedvpException("'" + info.getTitle() + "' needs its settings as macro options when headless, "
                    + "e.g. run(\"" + info.getTitle() + LABEL_SUFFIX + "\", \"key=value ...\")");
        }
        Module fresh = context.service(ModuleService.class).createModule(info);
        List<ModuleItem<?>> items = MedvpCommands.userInputs(info);
        GenericDialog gd = new GenericDialog(info.getTitle());
        if (info.getDescription() != null && !info.getDescription().isEmpty()) {
            gd.addMessage(info.getDescription());
        }
        for (ModuleItem<?> item : items) {
            Object value = item.getValue(fresh);
            String text = value == null ? "" : String.valueOf(value);
            Class<?> type = Types.box(item.getType());
            String style = item.getWidgetStyle() == null ? "" : item.getWidgetStyle();
            if (type == Boolean.class) {
                gd.addCheckbox(item.getName(), Boolean.TRUE.equals(value));
            } else if (item.getChoices() != null && !item.getChoices().isEmpty()) {
                List<?> choices = item.getChoices();
                gd.addChoice(item.getName(), choices.stream().map(String::valueOf).toArray(String[]::new), text);
            } else if (type == File.class && style.contains("directory")) {
                gd.addDirectoryField(item.getName(), text);
            } else if (type == File.class) {
                gd.addFileField(item.getName(), text);
            } else {
                gd.addStringField(item.getName(), text, 20);
            }
        }
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (ModuleItem<?> item : items) {
            Class<?> type = Types.box(item.getType());
            if (type == Boolean.class) {
                inputs.put(item.getName(), Boolean.toString(gd.getNextBoolean()));
            } else if (item.getChoices() != null && !item.getChoices().isEmpty()) {
                inputs.put(item.getName(), gd.getNextChoice());
            } else {
                String text = gd.getNextString();
                if (!text.isEmpty() || item.isRequired()) {
                    inputs.put(item.getName(), text);
                }
            }
        }
        return inputs;
    }

    private static void fail(String command, String message, boolean fromMacro) {
        String line = "MedVP " + command + ": " + message;
        if (fromMacro) {
            IJ.log(line);
            abortMacro();
        } else {
            IJ.error("MedVP", line);
        }
    }

    /** Stops the calling macro: the next lines must not run on a failed or cancelled step's missing results. */
    private static void abortMacro() {
        ij.macro.Interpreter.abort();
        Macro.abort();
    }

    /**
     * The SciJava context commands run in: Fiji's own (its legacy layer answers {@code IJ.runPlugIn} for
     * {@code org.scijava.Context} with it), else one created here on first use and kept.
     */
    static synchronized Context context() {
        if (legacyLayerPresent()) {
            Object fiji = IJ.runPlugIn("org.scijava.Context", "");
            if (fiji instanceof Context c) {
                return c;
            }
        }
        if (own == null) {
            own = new Context();
            // Plain ImageJ 1 has no bridge from SciJava's status events to its status bar; add ours.
            statusForwarder = new StatusToImageJ();
            own.service(EventService.class).subscribe(statusForwarder);
        }
        return own;
    }

    private static boolean legacyLayerPresent() {
        try {
            Class.forName("net.imagej.legacy.LegacyService", false, MacroBridge.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Keeps SciJava from logging a stack trace for a MedVP command's user error or cancel in the bridge's own
     * context: the bridge reports those in one line itself (in Fiji, {@link UserErrorService} does it).
     */
    static class UserErrors {
        @EventHandler
        public void onError(ModuleErroredEvent e) {
            Throwable t = e.getException();
            if (e.getModule().getInfo().getDelegateClassName().startsWith("io.github.medvp.") && t != null
                    && CommandRunner.isUserError(t)) {
                e.consume();
            }
        }
    }

    /** SciJava status events to ImageJ 1's status bar and progress bar (the message carries the ETA). */
    static final class StatusToImageJ extends UserErrors {
        @EventHandler
        public void onStatus(StatusEvent e) {
            String msg = e.getStatusMessage();
            if (msg == null || e.getProgressMaximum() < 0) {
                return;
            }
            IJ.showStatus(msg);
            if (e.getProgressMaximum() > 0) {
                IJ.showProgress(e.getProgressValue(), e.getProgressMaximum());
            }
        }
    }
}
