package io.github.medvp.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One {@code ./medvp} command line run in-process by a fresh {@link Launcher} (standard error not a terminal), with
 * what it printed on each stream: the tests' one way to run the launcher and read its output.
 *
 * @param status the exit status ({@code 0}, {@link Launcher#FAILED}, {@link Launcher#USAGE} or
 *               {@link Launcher#CANCELLED})
 * @param out    what it printed on standard output (the command's results)
 * @param err    what it printed on standard error (progress lines and the one-line reason of a failure)
 */
public record Launched(int status, String out, String err) {

    /** Runs one command line, as {@code ./medvp args...} would. */
    public static Launched run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Launcher(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Launched(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs one command line given as a list. */
    public static Launched run(List<String> args) {
        return run(args.toArray(String[]::new));
    }

    /** Standard output then standard error, for failure messages. */
    public String text() {
        return out + err;
    }

    /**
     * Asserts the exit status, showing standard error when it differs.
     *
     * @return this run, to go on checking its output
     */
    public Launched expect(int expected) {
        assertEquals(expected, status, this::err);
        return this;
    }
}
