package io.github.medvp.fiji;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.scijava.Cancelable;

/**
 * What happens on SIGTERM or Ctrl-C while a command runs: the JVM runs its shutdown hooks and then exits, and without
 * this hook it exited under a training step still running in libtorch, whose static destructors then crashed it
 * (SIGSEGV, an {@code hs_err} file) and the step's work since the last checkpoint was lost. The hook instead asks the
 * running command to stop, as Fiji's cancel button does (it stops at its next step and a training run saves
 * {@code last}), and holds the exit until the command has ended, for at most {@link #GRACE_SECONDS}.
 * <p>
 * Two owners: the {@code medvp} launcher installs one around each command it runs ({@link #install}); a command run
 * by Fiji itself ({@code --headless --run}, a macro, the menu, and Fiji quitting while it trains) gets one from its
 * {@link CommandProgress} ({@link #forCommand}), unless the launcher's is already there.
 */
final class Termination {

    /**
     * Longest wait for the command to stop: the next step boundary can be a fine-tuning step or a validation window
     * away (seconds to a minute on a CPU). A scheduler kills the job anyway when its own grace ends (SLURM's
     * {@code KillWait}, 30 s by default: raise it or send the signal earlier with {@code --signal}).
     */
    static final long GRACE_SECONDS = 120;

    /** Launcher hooks in place; a command's own hook would only repeat theirs. */
    private static final AtomicInteger LAUNCHER_HOOKS = new AtomicInteger();

    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicBoolean released = new AtomicBoolean();
    private final Consumer<String> say;
    private final Runnable stop;
    private final boolean launcher;
    private volatile boolean requested;
    private Thread hook;

    private Termination(Consumer<String> say, Runnable stop, boolean launcher) {
        this.say = say;
        this.stop = stop;
        this.launcher = launcher;
    }

    /** Registers the launcher's hook for the run of one command; the launcher polls {@link #requested()}. */
    static Termination install(PrintStream err) {
        LAUNCHER_HOOKS.incrementAndGet();
        return register(new Termination(line -> err.println("medvp: " + line), () -> { }, true));
    }

    /**
     * Registers a hook that cancels {@code command} itself, for a command Fiji runs.
     *
     * @param say where the two messages go (Fiji's log)
     * @return the hook, or {@code null} when the launcher already has one for this run
     */
    static Termination forCommand(Cancelable command, Consumer<String> say) {
        if (LAUNCHER_HOOKS.get() > 0) {
            return null;
        }
        try {
            return register(new Termination(say, () -> command.cancel("the process is shutting down"), false));
        } catch (IllegalStateException shuttingDown) {
            return null; // the JVM is already exiting: nothing left to hold it for
        }
    }

    private static Termination register(Termination t) {
        t.hook = new Thread(t::onTerminate, "medvp-termination");
        Runtime.getRuntime().addShutdownHook(t.hook);
        return t;
    }

    /** @return whether the process was asked to terminate (polled by {@link CommandRunner#run}) */
    boolean requested() {
        return requested;
    }

    /** The command has ended: the process may exit, and a later exit no longer waits. Idempotent. */
    void commandEnded() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        ended.countDown();
        if (launcher) {
            LAUNCHER_HOOKS.decrementAndGet();
        }
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
        say.accept("terminating: stopping the command at its next step (a training run saves its last "
                + "checkpoint; resume=true continues it)");
        requested = true;
        stop.run();
        try {
            if (!ended.await(GRACE_SECONDS, TimeUnit.SECONDS)) {
                say.accept("the command did not stop within " + GRACE_SECONDS + " s; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
