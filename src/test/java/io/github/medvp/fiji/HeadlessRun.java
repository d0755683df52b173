package io.github.medvp.fiji;

import java.util.LinkedHashMap;
import java.util.Map;

import org.scijava.Context;
import org.scijava.command.CommandService;

/**
 * What Fiji's {@code --headless --run "<command>" "key='value',..."} does, without Fiji: a full SciJava context runs
 * a command through the command service with string inputs, in a JVM that is not the {@code medvp} launcher's (so no
 * launcher hook). {@link TerminationTest} signals it.
 */
final class HeadlessRun {

    private HeadlessRun() {
    }

    /** @param args the command's class name, then {@code key=value} inputs */
    public static void main(String[] args) throws Exception {
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            inputs.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        try (Context context = new Context()) {
            context.service(CommandService.class).run(args[0], true, inputs).get();
        } catch (java.util.concurrent.ExecutionException e) {
            System.err.println("headless run: " + e.getCause());
        }
        System.exit(0);
    }
}
