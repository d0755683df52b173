package io.github.medvp.fiji;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LauncherTest {

    @Test
    void shortNameAndFijiFormRunTheSameCommand() {
        assertEquals("hi hi hi\n", Launched.run("test-echo", "text=hi", "times=3").expect(0).out());
        assertEquals("hi hi hi\n", Launched.run("--headless", "--run", "MedVP Test Echo", "text='hi',times=3")
                .expect(0).out());
        assertEquals("hi hi hi\n", Launched.run("--run", "MedVP_Test_Echo", "text='hi',times=3").expect(0).out(),
                "Fiji lets underscores stand for spaces in titles");
    }

    @Test
    void bareWordsFillInputsInOrder() {
        assertEquals("yo yo\n", Launched.run("test-echo", "yo", "2").expect(0).out());
    }

    @Test
    void whatALauncherRunGivesDoesNotBecomeADefaultElsewhere() throws Exception {
        Launched.run("test-echo", "text=remembered", "times=1").expect(0);
        // A dialog-style run (SciJava's own processing, which loads remembered values) still sees the default.
        try (org.scijava.Context context = new org.scijava.Context(org.scijava.command.CommandService.class)) {
            Object echoed = context.service(org.scijava.command.CommandService.class)
                    .run(EchoTestCommand.class, true, "times", 1).get().getOutput("echoed");
            assertEquals("hello", echoed);
        }
    }

    @Test
    void defaultsApplyWhenSettingsAreOmitted() {
        assertEquals("hello\n", Launched.run("test-echo").expect(0).out());
        assertEquals("hello\n", Launched.run("--run", "MedVP Test Echo").expect(0).out());
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertEquals("medvp: no command 'no-such-command'; run ./medvp help to list them\n",
                Launched.run("no-such-command").expect(Launcher.USAGE).err());
        String err = Launched.run("test-echo", "colour=red").expect(Launcher.USAGE).err();
        assertTrue(err.startsWith("medvp: 'test-echo' has no setting 'colour'; its settings are: text, times, "
                + "outcome"), err);
        assertEquals("medvp: setting 'times' of 'test-echo': 'many' is not a whole number\n",
                Launched.run("test-echo", "times=many").expect(Launcher.USAGE).err());
        Launched.run("test-echo", "times=2.5").expect(Launcher.USAGE);
        err = Launched.run("test-echo", "outcome=maybe").expect(Launcher.USAGE).err();
        assertTrue(err.contains("must be one of [ok, fail, cancel, bug, denied]"), err);
        Launched.run("test-echo", "text=a", "text=b").expect(Launcher.USAGE);
        err = Launched.run("--run", "MedVP Test Echo", "times=3),(").expect(Launcher.USAGE).err();
        assertTrue(err.startsWith("medvp: cannot parse the argument string"), err);
    }

    @Test
    void failuresExitOneWithTheReason() {
        Launched failed = Launched.run("test-echo", "outcome=fail").expect(Launcher.FAILED);
        assertEquals("medvp: test-echo: file '/nowhere.nii' does not exist\n", failed.err());
        assertEquals("", failed.out());
        assertEquals("medvp: test-echo: cannot access /protected/out.csv: permission denied\n",
                Launched.run("test-echo", "outcome=denied").expect(Launcher.FAILED).err());
        String err = Launched.run("test-echo", "outcome=bug").expect(Launcher.FAILED).err();
        assertTrue(err.startsWith("medvp: test-echo failed with a bug"), err);
    }

    @Test
    void cancelExitsThree() {
        assertEquals("medvp: test-echo cancelled: stopped at step 2\n",
                Launched.run("test-echo", "outcome=cancel").expect(Launcher.CANCELLED).err());
    }

    @Test
    void helpListsCommandsAndSettings() {
        String out = Launched.run("help").expect(0).out();
        assertTrue(out.matches("(?s).*\n  system-info +MedVP System Info.*"), out);
        assertTrue(out.matches("(?s).*\n  brainmvp-pretrain +BrainMVP Pretrain: .*"), out);
        assertTrue(out.contains("test-echo"), out);
        out = Launched.run("help", "test-echo").expect(0).out();
        assertTrue(out.contains("times (int, optional)") || out.contains("times (int)"), out);
        assertTrue(out.contains("one of [ok, fail, cancel, bug, denied]"), out);
        out = Launched.run("help", "brainmvp-pretrain").expect(0).out();
        assertTrue(out.contains("  epochs (int, default 1500, optional)"), out);
        assertTrue(out.contains("  grid (String, default 240,240,155, optional)"), out);
        assertTrue(out.contains("  data (File)"), out);
    }

    @Test
    void systemInfoRunsHeadless() {
        String out = Launched.run("system-info").expect(0).out();
        assertTrue(out.contains("PyTorch") && out.contains("2.7.1"), out);
        assertFalse(out.contains("NOT LOADED"), out);
    }

    @Test
    void systemInfoExplainsOfflineInstallation() {
        String out = Launched.run("--run", "MedVP System Info", "").expect(0).out();
        assertTrue(out.contains("Plugins > MedVP > Install Engine")
                && out.contains("PYTORCH_LIBRARY_PATH to its lib/"),
                out);
    }

    @Test
    void installEngineBothFormsAndAChoiceCheckedBeforeRunning() {
        String out = Launched.run("install-engine", "flavour=cpu").expect(0).out();
        assertTrue(out.startsWith("PyTorch 2.7.1 is ready"), out);
        Launched.run("--run", "MedVP Install Engine", "flavour='auto'").expect(0);
        String err = Launched.run("install-engine", "flavour=rocm").expect(Launcher.USAGE).err();
        assertTrue(err.contains("must be one of [auto, cpu, cuda]"), err);
    }

    @Test
    void everyHelpTextEndsWithOneNewline() {
        String overview = Launched.run("help").expect(0).out();
        assertTrue(overview.endsWith(".\n") && !overview.contains("\r"), overview);
        List<String> names = overview.lines().filter(l -> l.startsWith("  ")).map(l -> l.trim().split(" ")[0])
                .toList();
        assertTrue(names.contains("features") && names.size() > 15, names::toString);
        for (String name : names) {
            String out = Launched.run("help", name).expect(0).out();
            assertTrue(out.startsWith(name + " (\"") && out.endsWith("\n") && !out.endsWith("\n\n")
                    && !out.contains("\r"), name + ": " + out);
        }
    }

    @Test
    void progressInAFileIsOneLinePerLogLineNeverRepeatedAndCountsAgree() {
        String err = Launched.run("test-echo", "steps=300", "log_every=10").expect(0).err();
        StringBuilder expected = new StringBuilder();
        for (int s = 10; s <= 300; s += 10) {
            expected.append("[").append(s).append("/300] train: step ").append(s).append("/300\n");
        }
        assertEquals(expected.toString(), withoutEta(err));
        err = Launched.run("test-echo", "steps=12", "log_every=5").expect(0).err();
        assertEquals("[5/12] train: step 5/12\n[10/12] train: step 10/12\n[12/12] train: step 12/12\n",
                withoutEta(err), "the end of the stage is a line too");
    }

    @Test
    void parallelReportsNeverPrintACountOutOfOrder() {
        for (int i = 0; i < 5; i++) {
            String err = Launched.run("test-echo", "checks=200").expect(0).err();
            long previous = 0;
            for (String line : withoutEta(err).lines().toList()) {
                assertTrue(line.matches("\\[\\d+/200] Checking studies"), line);
                long count = Long.parseLong(line.substring(1, line.indexOf('/')));
                assertTrue(count > previous, () -> "out of order:\n" + err);
                previous = count;
            }
            assertEquals(200, previous, err);
        }
    }

    @Test
    void onATerminalOneLineUpdatesInPlaceAndTheOutcomeFollowsIt() {
        // Its own launcher, kept for a second run: a terminal's progress line must leave the next outcome clean.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Supplier<String> shownErr = () -> err.toString(StandardCharsets.UTF_8);
        Launcher terminal = new Launcher(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), 30);
        assertEquals(0, terminal.run("test-echo", "steps=12", "log_every=5"), shownErr);
        String shown = shownErr.get();
        assertTrue(shown.startsWith("\r[1/12] train: step 1/12"), shown);
        assertTrue(shown.endsWith("\r[12/12] train: step 12/12\n"), shown);
        assertEquals(1, shown.chars().filter(c -> c == '\n').count(), shown);
        for (String line : shown.split("[\r\n]")) {
            assertTrue(line.length() < 30, "wider than the terminal: " + line);
        }
        err.reset();
        assertEquals(Launcher.FAILED, terminal.run("test-echo", "outcome=fail"), shownErr);
        assertEquals("medvp: test-echo: file '/nowhere.nii' does not exist\n", shownErr.get());
    }

    /** Drops CommandProgress's ETA, which depends on the machine's speed. */
    private static String withoutEta(String s) {
        return s.replaceAll(" \\(ETA [^)]*\\)", "");
    }
}
