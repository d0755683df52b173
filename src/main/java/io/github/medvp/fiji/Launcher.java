package io.github.medvp.fiji;

import io.github.medvp.MedvpException;
import io.github.medvp.SettingsException;
import io.github.medvp.Progress;
import org.scijava.Context;
import org.scijava.app.event.StatusEvent;
import org.scijava.command.CommandInfo;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.event.ModuleErroredEvent;
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
 * saves {@code last}, to resume with {@code resume=true} ({@link Termination}).
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

    public Launcher(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int status;
        // Standard output carries only the command's results, so scripts can capture them; SciJava's log (INFO
        // goes to System.out by default) and anything else a library prints go to standard error.
        PrintStream results = System.out;
        System.setOut(System.err);
        try {
            status = new Launcher(results, System.err).run(args);
        } catch (Throwable t) {
            // A bug, not a user error: keep the trace for the report.
            t.printStackTrace();
            status = FAILED;
        }
        results.flush();
        System.exit(status);
    }

    /** Runs one command line and returns the exit status. */
    public int run(String... args) {
        List<String> rest = new ArrayList<>(List.of(args));
        rest.removeIf(a -> a.equals("--headless") || a.equals("-batch"));
        if (rest.isEmpty() || rest.get(0).equals("help") || rest.get(0).equals("--help")
                || rest.get(0).equals("-h")) {
            try (Context context = newContext()) {
                MedvpCommands commands = new MedvpCommands(context);
                out.print(rest.size() > 1 ? commands.usage(find(commands, rest.get(1))) : commands.overview());
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
        TerminalStatus status = new TerminalStatus(err);
        context.service(EventService.class).subscribe(status);
        Termination termination = Termination.install(err);
        CommandRunner.Outcome outcome;
        try {
            outcome = CommandRunner.run(context, info, inputs, termination::requested);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status.finish();
            err.println("medvp: interrupted");
            return CANCELLED;
        } catch (ExecutionException e) {
            // Status events arrive on SciJava's event thread, possibly after the failure: closed first, the
            // failure stays the last line.
            status.finish();
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
                err.println("medvp: " + info.getName() + ": " + cause.getMessage());
            } else {
                err.println("medvp: " + info.getName() + " failed with a bug, please report it:");
                e.getCause().printStackTrace(err);
            }
            return FAILED;
        } finally {
            status.finish();
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

    /** Prints status events as progress lines, at most once a second unless the stage changes. */
    static final class TerminalStatus {
        private final PrintStream err;
        private boolean closed;
        private long last;
        private String lastStage = "";

        TerminalStatus(PrintStream err) {
            this.err = err;
        }

        @EventHandler
        public void onStatus(StatusEvent e) {
            String msg = e.getStatusMessage();
            if (msg == null || msg.isEmpty() || e.getProgressMaximum() < 0) {
                return; // the framework's own messages ("Running command: ..."), not pipeline progress
            }
            long now = System.nanoTime();
            int colon = msg.indexOf(':');
            String stage = colon > 0 ? msg.substring(0, colon) : msg;
            boolean done = e.getProgressMaximum() > 0 && e.getProgressValue() >= e.getProgressMaximum();
            if (!stage.equals(lastStage) || done || now - last > 1_000_000_000L) {
                last = now;
                lastStage = stage;
                String count = e.getProgressMaximum() > 0
                        ? String.format("[%d/%d] ", e.getProgressValue(), e.getProgressMaximum()) : "";
                synchronized (err) {
                    if (!closed) {
                        err.println(count + msg);
                    }
                }
            }
        }

        /** The launcher reports failures itself, as one line for user errors; keep SciJava from logging them too. */
        @EventHandler
        public void onError(ModuleErroredEvent e) {
            e.consume();
        }

        /** Prints nothing more: a late event must not follow the command's outcome. */
        void finish() {
            synchronized (err) {
                closed = true;
                err.flush();
            }
        }
    }
}
