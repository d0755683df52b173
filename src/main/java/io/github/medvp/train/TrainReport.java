package io.github.medvp.train;

import ai.djl.ndarray.NDManager;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link TrainLoop} reports: the window of losses since the last log line ({@link LossWindow}), read to the
 * host once per log line, the {@code metrics.csv} row, the progress line, the non-finite stop and {@code curves.png}.
 * Split from the loop so the loop keeps the steps, the checkpoints and the cancel handling.
 */
final class TrainReport implements AutoCloseable {

    private final RunFolder run;
    private final Progress progress;
    private final List<String> lossNames;
    private final long stepsPerEpoch;
    private final int epochs;
    private final int accumulation;
    private final int maxNonFinite;
    private final LossWindow window;
    private final MetricsLog log;
    private long nonFiniteTotal;
    private String lastLossText = "";
    private long lastPlotNanos;
    private Map<String, Double> lastLosses = Map.of();

    /**
     * @param run the run folder, or null for no files
     * @param progress where lines go
     * @param lossNames {@code loss} and the parts, in column order
     * @param step the step the run starts from (a resumed run's metrics are cut there)
     * @param nonFiniteTotal skipped steps before {@code step} (from the checkpoint)
     * @param manager owner of the window's device sums
     */
    TrainReport(RunFolder run, Progress progress, List<String> lossNames, long stepsPerEpoch, int epochs,
            int accumulation, int maxNonFinite, long step, long nonFiniteTotal, NDManager manager) throws IOException {
        this.run = run;
        this.progress = progress;
        this.lossNames = List.copyOf(lossNames);
        this.stepsPerEpoch = stepsPerEpoch;
        this.epochs = epochs;
        this.accumulation = accumulation;
        this.maxNonFinite = maxNonFinite;
        this.nonFiniteTotal = nonFiniteTotal;
        this.window = new LossWindow(manager, lossNames);
        if (run != null) {
            List<String> columns = new ArrayList<>(List.of("step", "epoch", "lr"));
            columns.addAll(lossNames);
            columns.addAll(List.of("nonfinite", "sec_per_step"));
            this.log = MetricsLog.open(run.metricsCsv(), columns, run.resuming() ? step : -1);
        } else {
            this.log = null;
        }
    }

    /** @return the device sums of the losses since the last log line */
    LossWindow window() {
        return window;
    }

    /** @return skipped optimiser steps over the whole run, as of the last log line */
    long nonFiniteTotal() {
        return nonFiniteTotal;
    }

    /** @return the losses of the last log line */
    Map<String, Double> lastLosses() {
        return lastLosses;
    }

    /** A step without a log line: the progress ticks with the last line's (old) losses. */
    void tick(long step) {
        progress.tick("train", step, epochs * stepsPerEpoch, position(step) + lastLossText);
    }

    /**
     * The one host read of the loop: the steps since the last log line.
     *
     * @return when the next window starts
     * @throws MedvpException after {@code maxNonFinite} non-finite steps in a row
     */
    long logWindow(long step, double lr, long windowStart, long t0, long start) {
        long total = epochs * stepsPerEpoch;
        long now = System.nanoTime();
        double secPerStep = (now - windowStart) / 1e9 / window.steps();
        double elapsed = (now - t0) / 1e9;
        LossWindow.Reading reading = window.read(accumulation);
        Map<String, Double> means = reading.means();
        long nonFinite = reading.nonFinite();
        long badStreak = reading.streak();
        nonFiniteTotal += nonFinite;
        double epoch = (double) step / stepsPerEpoch;
        if (log != null) {
            double[] row = new double[lossNames.size() + 5];
            row[0] = step;
            row[1] = epoch;
            row[2] = lr;
            int i = 3;
            for (double v : means.values()) {
                row[i++] = v;
            }
            row[i++] = nonFinite;
            row[i] = secPerStep;
            log.append(row);
        }
        lastLosses = means;
        double eta = (step - start) > 0 ? elapsed / (step - start) * (total - step) : Double.NaN;
        StringBuilder losses = new StringBuilder();
        means.forEach((k, v) -> losses.append(String.format(Locale.ROOT, " %s %.4g", k, v)));
        lastLossText = losses.toString();
        StringBuilder msg = new StringBuilder(position(step)).append(lastLossText);
        msg.append(String.format(Locale.ROOT, " lr %.3g ETA %s", lr, duration(eta)));
        if (nonFinite > 0) {
            msg.append(" (").append(nonFinite).append(" non-finite steps skipped)");
        }
        progress.update("train", step, total, msg.toString());
        if (badStreak >= maxNonFinite) {
            throw new MedvpException("training stopped at step " + step + ": the loss (or, with clipping, its "
                    + "gradient) was NaN or infinite for " + badStreak + " optimiser steps in a row (those updates "
                    + "were skipped). Likely causes: a learning rate too high for this model or batch size (lower "
                    + "it or add warm-up), or bad input (volumes with NaN/Inf voxels or unnormalised intensities). "
                    + lastGood());
        }
        plot(false);
        return now;
    }

    /** The end of the non-finite message: a new run that never saved a checkpoint is removed on failure. */
    private String lastGood() {
        if (run == null) {
            return "";
        }
        return Files.isRegularFile(run.last()) ? "The last good checkpoint is kept in " + run.last()
                : "No checkpoint was written before, so the run folder is removed";
    }

    /** Where the run stands after {@code step} optimiser steps, e.g. {@code epoch 1.25/3 step 5/12}. */
    private String position(long step) {
        return String.format(Locale.ROOT, "epoch %.2f/%d step %d/%d", (double) step / stepsPerEpoch, epochs, step,
                epochs * stepsPerEpoch);
    }

    /** Redraws curves.png at most every 30 s during the run (it re-reads the CSV), and always at the end. */
    void plot(boolean force) {
        if (run == null || log == null) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastPlotNanos < 30_000_000_000L) {
            return;
        }
        lastPlotNanos = now;
        try {
            List<String> columns = new ArrayList<>(lossNames);
            columns.add("lr");
            CurvesPlot.write(run.metricsCsv(), "step", columns, run.dir().getFileName() + "", run.curvesPng());
        } catch (IOException | RuntimeException e) {
            // A plot is a convenience: never stop training for it.
            progress.log("could not draw " + run.curvesPng() + ": " + e.getMessage());
        }
    }

    private static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    @Override
    public void close() throws IOException {
        try {
            if (log != null) {
                log.close();
            }
        } finally {
            window.close();
        }
    }
}
