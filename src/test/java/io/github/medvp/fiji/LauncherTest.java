package io.github.medvp.fiji;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LauncherTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return new Launcher(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shortNameAndFijiFormRunTheSameCommand() {
        assertEquals(0, run("test-echo", "text=hi", "times=3"), this::err);
        assertEquals("hi hi hi\n", out());
        assertEquals(0, run("--headless", "--run", "MedVP Test Echo", "text='hi',times=3"), this::err);
        assertEquals("hi hi hi\n", out());
        assertEquals(0, run("--run", "MedVP_Test_Echo", "text='hi',times=3"), this::err);
        assertEquals("hi hi hi\n", out(), "Fiji lets underscores stand for spaces in titles");
    }

    @Test
    void bareWordsFillInputsInOrder() {
        assertEquals(0, run("test-echo", "yo", "2"), this::err);
        assertEquals("yo yo\n", out());
    }

    @Test
    void whatALauncherRunGivesDoesNotBecomeADefaultElsewhere() throws Exception {
        assertEquals(0, run("test-echo", "text=remembered", "times=1"), this::err);
        // A dialog-style run (SciJava's own processing, which loads remembered values) still sees the default.
        try (org.scijava.Context context = new org.scijava.Context(org.scijava.command.CommandService.class)) {
            Object echoed = context.service(org.scijava.command.CommandService.class)
                    .run(EchoTestCommand.class, true, "times", 1).get().getOutput("echoed");
            assertEquals("hello", echoed);
        }
    }

    @Test
    void defaultsApplyWhenSettingsAreOmitted() {
        assertEquals(0, run("test-echo"), this::err);
        assertEquals("hello\n", out());
        assertEquals(0, run("--run", "MedVP Test Echo"), this::err);
        assertEquals("hello\n", out());
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertEquals(Launcher.USAGE, run("no-such-command"), this::err);
        assertEquals("medvp: no command 'no-such-command'; run ./medvp help to list them\n", err());
        assertEquals(Launcher.USAGE, run("test-echo", "colour=red"), this::err);
        assertTrue(err().startsWith("medvp: 'test-echo' has no setting 'colour'; its settings are: text, times, "
                + "outcome"), err());
        assertEquals(Launcher.USAGE, run("test-echo", "times=many"), this::err);
        assertEquals("medvp: setting 'times' of 'test-echo': 'many' is not a whole number\n", err());
        assertEquals(Launcher.USAGE, run("test-echo", "times=2.5"), this::err);
        assertEquals(Launcher.USAGE, run("test-echo", "outcome=maybe"), this::err);
        assertTrue(err().contains("must be one of [ok, fail, cancel, bug, denied]"), err());
        assertEquals(Launcher.USAGE, run("test-echo", "text=a", "text=b"), this::err);
        assertEquals(Launcher.USAGE, run("--run", "MedVP Test Echo", "times=3),("), this::err);
        assertTrue(err().startsWith("medvp: cannot parse the argument string"), err());
    }

    @Test
    void failuresExitOneWithTheReason() {
        assertEquals(Launcher.FAILED, run("test-echo", "outcome=fail"), this::err);
        assertEquals("medvp: test-echo: file '/nowhere.nii' does not exist\n", err());
        assertEquals("", out());
        assertEquals(Launcher.FAILED, run("test-echo", "outcome=denied"), this::err);
        assertEquals("medvp: test-echo: cannot access /protected/out.csv: permission denied\n", err());
        assertEquals(Launcher.FAILED, run("test-echo", "outcome=bug"), this::err);
        assertTrue(err().startsWith("medvp: test-echo failed with a bug"), err());
    }

    @Test
    void cancelExitsThree() {
        assertEquals(Launcher.CANCELLED, run("test-echo", "outcome=cancel"), this::err);
        assertEquals("medvp: test-echo cancelled: stopped at step 2\n", err());
    }

    @Test
    void helpListsCommandsAndSettings() {
        assertEquals(0, run("help"), this::err);
        assertTrue(out().matches("(?s).*\n  system-info +MedVP System Info.*"), out());
        assertTrue(out().matches("(?s).*\n  brainmvp-pretrain +BrainMVP Pretrain: .*"), out());
        assertTrue(out().contains("test-echo"), out());
        assertEquals(0, run("help", "test-echo"), this::err);
        assertTrue(out().contains("times (int, optional)") || out().contains("times (int)"), out());
        assertTrue(out().contains("one of [ok, fail, cancel, bug, denied]"), out());
        assertEquals(0, run("help", "brainmvp-pretrain"), this::err);
        assertTrue(out().contains("  epochs (int, default 1500, optional)"), out());
        assertTrue(out().contains("  grid (String, default 240,240,155, optional)"), out());
        assertTrue(out().contains("  data (File)"), out());
    }

    @Test
    void systemInfoRunsHeadless() {
        assertEquals(0, run("system-info"), this::err);
        assertTrue(out().contains("PyTorch") && out().contains("2.7.1"), out());
        assertFalse(out().contains("NOT LOADED"), out());
    }

    @Test
    void systemInfoExplainsOfflineInstallation() {
        assertEquals(0, run("--run", "MedVP System Info", ""), this::err);
        assertTrue(out().contains("Plugins > MedVP > Install Engine")
                && out().contains("PYTORCH_LIBRARY_PATH to its lib/"),
                out());
    }

    @Test
    void installEngineBothFormsAndAChoiceCheckedBeforeRunning() {
        assertEquals(0, run("install-engine", "flavour=cpu"), this::err);
        assertTrue(out().startsWith("PyTorch 2.7.1 is ready"), out());
        assertEquals(0, run("--run", "MedVP Install Engine", "flavour='auto'"), this::err);
        assertEquals(Launcher.USAGE, run("install-engine", "flavour=rocm"));
        assertTrue(err().contains("must be one of [auto, cpu, cuda]"), err());
    }

    @Test
    void everyHelpTextEndsWithOneNewline() {
        assertEquals(0, run("help"), this::err);
        String overview = out();
        assertTrue(overview.endsWith(".\n") && !overview.contains("\r"), overview);
        List<String> names = overview.lines().filter(l -> l.startsWith("  ")).map(l -> l.trim().split(" ")[0])
                .toList();
        assertTrue(names.contains("features") && names.size() > 15, names::toString);
        for (String name : names) {
            assertEquals(0, run("help", name), this::err);
            assertTrue(out().startsWith(name + " (\"") && out().endsWith("\n") && !out().endsWith("\n\n")
                    && !out().contains("\r"), name + ": " + out());
        }
    }

    @Test
    void progressInAFileIsOneLinePerLogLineNeverRepeatedAndCountsAgree() {
        assertEquals(0, run("test-echo", "steps=300", "log_every=10"), this::err);
        StringBuilder expected = new StringBuilder();
        for (int s = 10; s <= 300; s += 10) {
            expected.append("[").append(s).append("/300] train: step ").append(s).append("/300\n");
        }
        assertEquals(expected.toString(), withoutEta(err()));
        assertEquals(0, run("test-echo", "steps=12", "log_every=5"), this::err);
        assertEquals("[5/12] train: step 5/12\n[10/12] train: step 10/12\n[12/12] train: step 12/12\n",
                withoutEta(err()), "the end of the stage is a line too");
    }

    @Test
    void parallelReportsNeverPrintACountOutOfOrder() {
        for (int i = 0; i < 5; i++) {
            assertEquals(0, run("test-echo", "checks=200"), this::err);
            long previous = 0;
            for (String line : withoutEta(err()).lines().toList()) {
                assertTrue(line.matches("\\[\\d+/200] Checking studies"), line);
                long count = Long.parseLong(line.substring(1, line.indexOf('/')));
                assertTrue(count > previous, () -> "out of order:\n" + err());
                previous = count;
            }
            assertEquals(200, previous, this::err);
        }
    }

    @Test
    void onATerminalOneLineUpdatesInPlaceAndTheOutcomeFollowsIt() {
        out.reset();
        err.reset();
        Launcher terminal = new Launcher(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), 30);
        assertEquals(0, terminal.run("test-echo", "steps=12", "log_every=5"), this::err);
        String shown = err();
        assertTrue(shown.startsWith("\r[1/12] train: step 1/12"), shown);
        assertTrue(shown.endsWith("\r[12/12] train: step 12/12\n"), shown);
        assertEquals(1, shown.chars().filter(c -> c == '\n').count(), shown);
        for (String line : shown.split("[\r\n]")) {
            assertTrue(line.length() < 30, "wider than the terminal: " + line);
        }
        err.reset();
        assertEquals(Launcher.FAILED, terminal.run("test-echo", "outcome=fail"), this::err);
        assertEquals("medvp: test-echo: file '/nowhere.nii' does not exist\n", err());
    }

    /** Drops CommandProgress's ETA, which depends on the machine's speed. */
    private static String withoutEta(String s) {
        return s.replaceAll(" \\(ETA [^)]*\\)", "");
    }
}
