package io.github.medvp.fiji;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

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
        assertTrue(err().contains("must be one of [ok, fail, cancel, bug]"), err());
        assertEquals(Launcher.USAGE, run("test-echo", "text=a", "text=b"), this::err);
        assertEquals(Launcher.USAGE, run("--run", "MedVP Test Echo", "times=3),("), this::err);
        assertTrue(err().startsWith("medvp: cannot parse the argument string"), err());
    }

    @Test
    void failuresExitOneWithTheReason() {
        assertEquals(Launcher.FAILED, run("test-echo", "outcome=fail"), this::err);
        assertEquals("medvp: test-echo: file '/nowhere.nii' does not exist\n", err());
        assertEquals("", out());
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
        assertTrue(out().contains("one of [ok, fail, cancel, bug]"), out());
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
    void progressPrintsStagesAndNothingAfterTheOutcome() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Launcher.TerminalStatus status = new Launcher.TerminalStatus(new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        status.onStatus(new org.scijava.app.event.StatusEvent(1, 3, "features: loading the model"));
        status.finish();
        // A late event, delivered after the failure line was printed, must not follow it.
        status.onStatus(new org.scijava.app.event.StatusEvent(2, 3, "segment: window 2"));
        assertEquals("[1/3] features: loading the model\n", bytes.toString(StandardCharsets.UTF_8));
    }
}
