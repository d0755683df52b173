package io.github.medvp;

import java.util.function.BooleanSupplier;

/** Progress sinks for tests that cancel runs at a chosen point. */
public final class TestProgress {

    private TestProgress() {
    }

    /** Reports nothing; cancelled once an update reports {@code done >= step}. */
    public static Progress cancelAt(long step) {
        return new Progress() {
            private long done;

            @Override
            public void update(String stage, long d, long total, String message) {
                done = d;
            }

            @Override
            public boolean isCancelled() {
                return done >= step;
            }
        };
    }

    /** Keeps log lines in {@code lines}; never cancelled. */
    public static Progress logging(java.util.List<String> lines) {
        return new Progress() {
            @Override
            public void update(String stage, long d, long total, String message) {
            }

            @Override
            public void log(String line) {
                lines.add(line);
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
    }

    /** Reports nothing; cancelled whenever {@code condition} holds. */
    public static Progress cancelWhen(BooleanSupplier condition) {
        return new Progress() {
            @Override
            public void update(String stage, long d, long total, String message) {
            }

            @Override
            public boolean isCancelled() {
                return condition.getAsBoolean();
            }
        };
    }
}
