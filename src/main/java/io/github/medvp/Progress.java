package io.github.medvp;

/**
 * Where long-running work reports how far it got and learns whether to stop.
 * <p>
 * One interface for every pipeline, so the same code drives Fiji's status bar, a terminal and a test. Pipelines
 * call {@link #checkCancelled()} between steps; cancelling never interrupts a step half way, so whatever was
 * written (checkpoints, outputs) stays consistent.
 */
public interface Progress {

    /** A progress sink that reports nothing and is never cancelled. */
    Progress NONE = new Progress() {
        @Override
        public void update(String stage, long done, long total, String message) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };

    /**
     * Reports that {@code done} of {@code total} units of {@code stage} are complete.
     *
     * @param total the number of units, or a negative value when unknown
     * @param message a short line for the user (losses, ETA), or {@code null}
     */
    void update(String stage, long done, long total, String message);

    /**
     * Reports progress between the updates worth a line of their own: a training step between two log lines, one
     * study of a quick check. A status bar or a terminal's updating line shows it; a log written to a file shows it
     * only when it ends the stage ({@code done >= total}). By default the same as {@link #update}.
     */
    default void tick(String stage, long done, long total, String message) {
        update(stage, done, total, message);
    }

    /** Writes a line to the log without changing the progress state. */
    default void log(String line) {
    }

    /** True once the user asked to stop. */
    boolean isCancelled();

    /**
     * Throws {@link CancelledException} when the user asked to stop; called between steps.
     */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new CancelledException();
        }
    }

    /** Thrown at a step boundary after the user cancelled. */
    final class CancelledException extends MedvpException {
        private static final long serialVersionUID = 1L;

        public CancelledException() {
            super("cancelled by the user");
        }
    }
}
