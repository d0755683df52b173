package io.github.medvp.fiji;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the launcher does on SIGTERM or Ctrl-C: the JVM runs its shutdown hooks and then exits, and without this hook
 * it exited under a training step still running in libtorch, whose static destructors then crashed it (SIGSEGV, an
 * {@code hs_err} file) and the step's work since the last checkpoint was lost. The hook instead asks the running
 * command to stop, as Fiji's cancel button does (it stops at its next step and a training run saves {@code last}),
 * and holds the exit until the command has ended, for at most {@link #GRACE_SECONDS}.
 */
final class Termination {

    /**
     * Longest wait for the command to stop: the next step boundary can be a fine-tuning step or a validation window
     * away (seconds to a minute on a CPU). A scheduler kills the job anyway when its own grace ends (SLURM's
     * {@code KillWait}, 30 s by default: raise it or send the signal earlier with {@code --signal}).
     */
    static final long GRACE_SECONDS = 120;

    private final CountDownLatch ended = new CountDownLatch(1);
    private final PrintStream err;
    private volatile boolean requested;
    private Thread hook;

    private Termination(PrintStream err) {
        this.err = err;
    }

    /** Registers the hook for the run of one command. */
    static Termination install(PrintStream err) {
        Termination t = new Termination(err);
        t.hook = new Thread(t::onTerminate, "medvp-termination");
        Runtime.getRuntime().addShutdownHook(t.hook);
        return t;
    }

    /** @return whether the process was asked to terminate (polled by {@link CommandRunner#run}) */
    boolean requested() {
        return requested;
    }

    /** The command has ended: the process may exit, and a later exit no longer waits. */
    void commandEnded() {
        ended.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running and returns now that the command has ended.
        }
    }

    private void onTerminate() {
        if (ended.getCount() == 0) {
            return;
        }
        err.println("medvp: terminating: stopping the command at its next step (a training run saves its last "
                + "checkpoint; resume=true continues it)");
        requested = true;
        try {
            if (!ended.await(GRACE_SECONDS, TimeUnit.SECONDS)) {
                err.println("medvp: the command did not stop within " + GRACE_SECONDS + " s; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
