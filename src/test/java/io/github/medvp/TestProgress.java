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
        return new Logged(lines);
    }

    /** Keeps the log lines; never cancelled. */
    public static final class Logged implements Progress {
        /** The lines logged so far. */
        public final java.util.List<String> lines;

        /** Into a list of its own. */
        public Logged() {
            this(new java.util.ArrayList<>());
        }

        /** @param lines where the lines go */
        public Logged(java.util.List<String> lines) {
            this.lines = lines;
        }

        @Override
        public void update(String stage, long done, long total, String message) {
        }

        @Override
        public void log(String line) {
            lines.add(line);
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
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
