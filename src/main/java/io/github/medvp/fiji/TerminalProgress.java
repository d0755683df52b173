package io.github.medvp.fiji;

import org.scijava.event.EventHandler;
import org.scijava.module.event.ModuleErroredEvent;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The launcher's progress output on standard error: a {@link CommandProgress.Listener}, so reports arrive on the
 * reporting thread, in order with the log.
 * <p>
 * On a terminal one line updates in place (at most ten times a second, cut to the terminal's width so it never
 * wraps); it stays on screen when its stage ends, and is wiped before anything else is printed ({@link #guard()}).
 * Otherwise (a file, a pipe, a scheduler's log) a line is printed per update worth keeping: the first of a stage,
 * each later one whose count advanced and the stage's end; ticks ({@link io.github.medvp.Progress#tick}), e.g. the
 * training steps between two log lines, only when they end the stage. Within a run of a stage a count never goes
 * back (a late report of a parallel worker is dropped) and is never printed twice; a stage runs again when its count
 * is back where its last run began, after that run ended or another stage reported.
 */
final class TerminalProgress implements CommandProgress.Listener {

    private static final long REDRAW_NANOS = 100_000_000L;

    /** One run of a stage: its first and last count reported, and the last printed as a line of its own. */
    private static final class Run {
        final long first;
        long done;
        boolean ended;
        long printed = Long.MIN_VALUE;

        Run(long first) {
            this.first = first;
            this.done = first;
        }
    }

    private final PrintStream err;
    private final int columns;
    private final LongSupplier clock;
    private final Map<String, Run> runs = new HashMap<>();
    private String stage;
    /** Characters of the updating line on screen; 0 when none is. */
    private int shown;
    private long lastDraw;
    /** Other output ended without a newline: the updating line would overwrite it. */
    private boolean foreignMidLine;
    private boolean closed;

    /**
     * @param err standard error
     * @param columns the terminal's width, or 0 when standard error is not a terminal
     */
    TerminalProgress(PrintStream err, int columns, LongSupplier nanoClock) {
        this.err = err;
        this.columns = columns;
        this.clock = nanoClock;
    }

    @Override
    public void report(String stage, long done, long total, String text, boolean tick) {
        show(stage, done, total, text, tick);
    }

    /** The launcher reports failures itself, as one line for user errors; keep SciJava from logging them too. */
    @EventHandler
    public void onError(ModuleErroredEvent e) {
        e.consume();
    }

    synchronized void show(String stage, long done, long total, String text, boolean tick) {
        if (closed) {
            return;
        }
        Run run = runs.get(stage);
        if (run == null || (done <= run.first && (run.ended || !stage.equals(this.stage)))) {
            run = new Run(done);
            runs.put(stage, run);
        } else if (done < run.done) {
            return;
        }
        this.stage = stage;
        run.done = done;
        boolean end = total > 0 && done >= total;
        run.ended |= end;
        boolean advanced = run.printed == Long.MIN_VALUE || done > run.printed;
        String line = (total > 0 ? "[" + done + "/" + total + "] " : "") + text;
        if (columns > 0) {
            if ((end && !advanced) || foreignMidLine) {
                return;
            }
            long now = clock.getAsLong();
            if (!end && shown > 0 && now - lastDraw < REDRAW_NANOS) {
                return;
            }
            lastDraw = now;
            draw(line, end);
            if (end) {
                run.printed = done;
            }
        } else if (advanced && (!tick || end)) {
            run.printed = done;
            err.println(line);
        }
    }

    /** Redraws the updating line; at a stage's end the line is kept and the next one starts below it. */
    private void draw(String line, boolean end) {
        String fitted = line.length() < columns ? line : line.substring(0, Math.max(columns - 1, 1));
        StringBuilder sb = new StringBuilder("\r").append(fitted);
        sb.append(" ".repeat(Math.max(shown - fitted.length(), 0)));
        if (end) {
            sb.append('\n');
        }
        shown = end ? 0 : fitted.length();
        err.print(sb);
        err.flush();
    }

    private void wipe() {
        if (shown > 0) {
            err.print("\r" + " ".repeat(shown) + "\r");
            shown = 0;
        }
    }

    /** Starts a command: stages start afresh. */
    synchronized void start() {
        closed = false;
        runs.clear();
        stage = null;
    }

    /** Prints nothing more: a late event must not follow the command's outcome. The updating line is kept. */
    synchronized void finish() {
        if (shown > 0) {
            err.println();
            shown = 0;
        }
        closed = true;
        err.flush();
    }

    /**
     * A stream for everything else the launcher's process prints on standard error (the log, the launcher's own
     * messages): on a terminal it wipes the updating line first, which the next report draws again.
     */
    PrintStream guard() {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (len == 0) {
                    return;
                }
                synchronized (TerminalProgress.this) {
                    wipe();
                    err.write(b, off, len);
                    foreignMidLine = b[off + len - 1] != '\n';
                }
            }

            @Override
            public void flush() {
                err.flush();
            }
        }, true);
    }
}
