package io.github.medvp.fiji;

import io.github.medvp.MedvpException;
import io.github.medvp.SettingsException;
import io.github.medvp.Progress;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.event.EventService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.object.ObjectService;
import org.scijava.parse.Items;
import org.scijava.parse.ParseService;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * The {@code ./medvp} entry point: runs any MedVP command headlessly.
 * <p>
 * Two argument forms run the same commands with the same inputs:
 * <pre>
 *   ./medvp inspect file=brain.nii.gz ras=true
 *   ./medvp --run "MedVP Inspect Volume" "file='brain.nii.gz',ras=true"
 * </pre>
 * The second is Fiji's own ({@code ImageJ-linux64 --headless --run ...}, parsed by SciJava's ParseService as Fiji
 * does), so a batch script moves between the two unchanged. Exit status: 0 on success, 1 on failure, 2 on a usage
 * error, 3 when the command was cancelled; the reason goes to stderr in one line. SIGTERM or Ctrl-C (a scheduler's
 * time limit or preemption) cancels the command like Fiji's cancel button: it stops at its next step and training
 * saves {@code last}, to resume with {@code resume=true} ({@link Termination}). Progress goes to stderr
 * ({@link TerminalProgress}): one updating line on a terminal, else a line per update worth keeping.
 */
public final class Launcher {

    /** Exit status of a run that failed. */
    public static final int FAILED = 1;
    /** Exit status of bad arguments. */
    public static final int USAGE = 2;
    /** Exit status of a cancelled run. */
    public static final int CANCELLED = 3;

    private final PrintStream out;
    private final PrintStream err;
    private final TerminalProgress progress;

    /** A launcher whose standard error is not a terminal. */
    public Launcher(PrintStream out, PrintStream err) {
        this(out, err, 0);
    }

    /**
     * @param columns the width of the terminal {@code err} is, or 0 when it is not one (a file, a pipe)
     */
    public Launcher(PrintStream out, PrintStream err, int columns) {
        this.out = out;
        this.progress = new TerminalProgress(err, columns, System::nanoTime);
        this.err = columns > 0 ? progress.guard() : err;
    }

    public static void main(String[] args) {
        int status;
        // Standard output carries only the command's results, so scripts can capture them; SciJava's log (INFO
        // goes to System.out by default) and anything else a library prints go to standard error, through the
        // launcher's stream so that on a terminal they do not run into the progress line.
        PrintStream results = System.out;
        Launcher launcher = new Launcher(results, System.err, columns());
        System.setOut(launcher.err);
        System.setErr(launcher.err);
        try {
            status = launcher.run(args);
        } catch (Throwable t) {
            // A bug, not a user error: keep the trace for the report.
            t.printStackTrace();
            status = FAILED;
        }
        results.flush();
        System.exit(status);
    }

    /**
     * The width of the terminal standard error is, 0 when it is not one: {@code ./medvp} passes it as
     * {@code medvp.columns} (Java cannot tell where standard error goes); without it, a console means a terminal.
     */
    static int columns() {
        String given = System.getProperty("medvp.columns");
        if (given == null) {
            return System.console() != null ? 80 : 0;
        }
        try {
            return Math.max(Integer.parseInt(given.trim()), 0);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Runs one command line and returns the exit status. */
    public int run(String... args) {
        List<String> rest = new ArrayList<>(List.of(args));
        rest.removeIf(a -> a.equals("--headless") || a.equals("-batch"));
        if (rest.isEmpty() || rest.get(0).equals("help") || rest.get(0).equals("--help")
                || rest.get(0).equals("-h")) {
            try (Context context = newContext()) {
                MedvpCommands commands = new MedvpCommands(context);
                String help = rest.size() > 1 ? commands.usage(find(commands, rest.get(1))) : commands.overview();
                out.print(help.endsWith("\n") ? help : help + "\n");
                out.flush();
                return 0;
            } catch (MedvpException e) {
                err.println("medvp: " + e.getMessage());
                return USAGE;
            }
        }
        try (Context context = newContext()) {
            MedvpCommands commands = new MedvpCommands(context);
            CommandInfo info;
            Map<String, Object> inputs;
            try {
                if (rest.get(0).equals("--run")) {
                    if (rest.size() < 2 || rest.size() > 3) {
                        throw new MedvpException("--run takes a command title and one argument string, e.g. "
                                + "--run \"MedVP System Info\" \"\"");
                    }
                    info = find(commands, rest.get(1));
                    inputs = parseRunString(context, info, rest.size() == 3 ? rest.get(2) : "");
                } else {
                    info = find(commands, rest.get(0));
                    inputs = parseKeyValues(info, rest.subList(1, rest.size()));
                }
                commands.checkInputs(info, inputs);
            } catch (MedvpException e) {
                err.println("medvp: " + e.getMessage());
                return USAGE;
            }
            return execute(context, info, inputs);
        }
    }

    private static Context newContext() {
        return new Context();
    }

    private static CommandInfo find(MedvpCommands commands, String nameOrTitle) {
        CommandInfo info = commands.find(nameOrTitle);
        if (info == null) {
            throw new MedvpException("no command '" + nameOrTitle + "'; run ./medvp help to list them");
        }
        return info;
    }

    /** Fiji's {@code --run} argument string: {@code key='text',n=3,flag=true}, parsed exactly as Fiji does. */
    static Map<String, Object> parseRunString(Context context, CommandInfo info, String arg) {
        if (arg.isBlank()) {
            return new LinkedHashMap<>();
        }
        Items items;
        try {
            items = context.service(ParseService.class).parse(arg);
        } catch (RuntimeException e) {
            throw new MedvpException("cannot parse the argument string \"" + arg + "\" for '" + info.getTitle()
                    + "': use key='text',number=3,flag=true");
        }
        if (!items.isMap()) {
            throw new MedvpException("the argument string for '" + info.getTitle()
                    + "' must be key=value pairs separated by commas, got \"" + arg + "\"");
        }
        return new LinkedHashMap<>(items.asMap());
    }

    /** The launcher's own form: {@code key=value} words; bare words fill the inputs in declaration order. */
    static Map<String, Object> parseKeyValues(CommandInfo info, List<String> words) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq > 0) {
                String key = w.substring(0, eq);
                if (inputs.put(key, w.substring(eq + 1)) != null) {
                    throw new MedvpException("setting '" + key + "' is given twice");
                }
            } else {
                positional.add(w);
            }
        }
        List<String> free = new ArrayList<>();
        for (ModuleItem<?> item : MedvpCommands.userInputs(info)) {
            if (!inputs.containsKey(item.getName())) {
                free.add(item.getName());
            }
        }
        if (positional.size() > free.size()) {
            throw new MedvpException("too many values without a name for '" + info.getName() + "': "
                    + String.join(" ", positional));
        }
        for (int i = 0; i < positional.size(); i++) {
            inputs.put(free.get(i), positional.get(i));
        }
        return inputs;
    }

    private int execute(Context context, CommandInfo info, Map<String, Object> inputs) {
        progress.start();
        context.service(ObjectService.class).addObject(progress);
        context.service(EventService.class).subscribe(progress);
        Termination termination = Termination.install(err);
        CommandRunner.Outcome outcome;
        try {
            outcome = CommandRunner.run(context, info, inputs, termination::requested);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            progress.finish();
            err.println("medvp: interrupted");
            return CANCELLED;
        } catch (ExecutionException e) {
            // Closed first, so that the failure stays the last line even if a worker thread still reports.
            progress.finish();
            Throwable cause = CommandRunner.userError(e);
            if (cause instanceof Progress.CancelledException) {
                err.println("medvp: " + info.getName() + " cancelled");
                return CANCELLED;
            }
            if (cause instanceof SettingsException) {
                err.println("medvp: " + info.getName() + ": " + cause.getMessage());
                return USAGE;
            }
            if (CommandRunner.isUserError(e)) {
                err.println("medvp: " + info.getName() + ": " + CommandRunner.message(cause));
            } else {
                err.println("medvp: " + info.getName() + " failed with a bug, please report it:");
                e.getCause().printStackTrace(err);
            }
            return FAILED;
        } finally {
            progress.finish();
            termination.commandEnded();
        }
        if (outcome.cancelled()) {
            err.println("medvp: " + info.getName() + " cancelled"
                    + (outcome.reason() == null ? "" : ": " + outcome.reason()));
            return CANCELLED;
        }
        Module module = outcome.module();
        for (ModuleItem<?> output : info.outputs()) {
            Object value = output.getValue(module);
            if (value instanceof String) {
                out.print(value);
                if (!((String) value).endsWith("\n")) {
                    out.println();
                }
            } else if (value != null) {
                out.println(output.getName() + " = " + value);
            }
        }
        out.flush();
        return 0;
    }

    /** The innermost MedVP or I/O error in a cause chain ({@link CommandRunner#userError}). */
    public static Throwable userError(Throwable t) {
        return CommandRunner.userError(t);
    }
}
