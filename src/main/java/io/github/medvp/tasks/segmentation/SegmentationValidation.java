package io.github.medvp.tasks.segmentation;

import io.github.medvp.tasks.metrics.Metrics;
import io.github.medvp.tasks.inference.SlidingWindow;
import io.github.medvp.tasks.TaskModel;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.medvp.Progress;
import io.github.medvp.data.transform.Compose;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.train.CurvesPlot;
import io.github.medvp.train.MetricsLog;
import io.github.medvp.train.RunFolder;
import io.github.medvp.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Validation of a segmentation run after every N-th epoch (and the last): each validation study through the
 * deterministic pipeline, sliding-window inference with the training crop as window (overlap 0.5, constant blending,
 * as the reference), thresholded or arg-maxed, Dice per region and case (empty ground truth: 1 if the prediction is
 * empty, else 0; {@code EDiceLoss.metric} in BrainMVP's {@code Downstream/loss/dice.py}), averaged over cases then
 * regions. The score handed to {@link TrainLoop} is the negative mean Dice (lower is better), so {@code best} is the
 * checkpoint of the best mean Dice. Rows go to {@code validation.csv} (step, epoch, Dice per region, mean) and the
 * curves to {@code validation.png}.
 */
final class SegmentationValidation implements TrainLoop.Validator {

    private final TaskModel model;
    private final List<Study> studies;
    private final Compose pipeline;
    private final LabelSpec labels;
    private final int crop;
    private final int every;
    private final int epochs;
    private final long stepsPerEpoch;
    private final NDManager manager;
    private final MetricsLog log;
    private final Path dir;
    private final Progress progress;
    private double bestDice = Double.NaN;
    private int bestEpoch;
    private double lastDice = Double.NaN;

    SegmentationValidation(TaskModel model, List<Study> studies, Compose pipeline, LabelSpec labels, int crop,
            int every, int epochs, long stepsPerEpoch, NDManager manager, MetricsLog log, Path dir,
            Progress progress) throws IOException {
        this.model = model;
        this.studies = List.copyOf(studies);
        this.pipeline = pipeline;
        this.labels = labels;
        this.crop = crop;
        this.every = every;
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.manager = manager;
        this.log = log;
        this.dir = dir;
        this.progress = progress;
        // A resumed run continues from the best of its earlier validations.
        Path csv = dir.resolve(RunFolder.VALIDATION_CSV);
        if (Files.exists(csv)) {
            Map<String, double[]> cols = MetricsLog.read(csv);
            double[] mean = cols.getOrDefault("dice_mean", new double[0]);
            double[] ep = cols.getOrDefault("epoch", new double[0]);
            for (int i = 0; i < mean.length; i++) {
                record(mean[i], (int) ep[i]);
            }
        }
    }

    /** The columns of {@code validation.csv}. */
    static List<String> columns(LabelSpec labels) {
        List<String> c = new ArrayList<>(List.of("step", "epoch"));
        labels.names().forEach(n -> c.add("dice_" + n));
        c.add("dice_mean");
        return c;
    }

    private void record(double mean, int epoch) {
        lastDice = mean;
        if (Double.isFinite(mean) && !(mean <= bestDice)) {
            bestDice = mean;
            bestEpoch = epoch;
        }
    }

    @Override
    public double score(int epoch) {
        int done = epoch + 1;
        if (studies.isEmpty() || (done % every != 0 && done != epochs)) {
            return Double.NaN;
        }
        double[] dice = evaluate();
        double mean = 0;
        for (double d : dice) {
            mean += d;
        }
        mean /= dice.length;
        double[] row = new double[dice.length + 3];
        row[0] = done * stepsPerEpoch;
        row[1] = done;
        System.arraycopy(dice, 0, row, 2, dice.length);
        row[row.length - 1] = mean;
        log.append(row);
        record(mean, done);
        StringBuilder msg = new StringBuilder(String.format(Locale.ROOT, "validation after epoch %d: mean Dice %.4f",
                done, mean));
        for (int k = 0; k < dice.length; k++) {
            msg.append(String.format(Locale.ROOT, " %s %.4f", labels.names().get(k), dice[k]));
        }
        progress.log(msg.toString());
        try {
            List<String> cols = new ArrayList<>(columns(labels).subList(2, columns(labels).size()));
            CurvesPlot.write(dir.resolve(RunFolder.VALIDATION_CSV), "epoch", cols, "validation Dice",
                    dir.resolve(RunFolder.VALIDATION_PNG));
        } catch (IOException | RuntimeException e) {
            progress.log("could not draw " + RunFolder.VALIDATION_PNG + ": " + e.getMessage());
        }
        return -mean;
    }

    /** Mean Dice over the validation studies, per region (cases averaged first, NaN cases skipped). */
    double[] evaluate() {
        int k = labels.names().size();
        double[] sum = new double[k];
        int[] n = new int[k];
        SlidingWindow sw = SlidingWindow.builder().setPredictor(model.predictor(new ParameterStore(manager, false)))
                .optWindow(crop).build();
        for (int i = 0; i < studies.size(); i++) {
            progress.checkCancelled();
            progress.update("validation", i, studies.size(), studies.get(i).id());
            // Deterministic steps only: the generator is never drawn from.
            Sample sample = pipeline.apply(Sample.of(studies.get(i)), new SplittableRandom(0));
            float[][] logits = sw.run(manager, sample, Progress.NONE);
            boolean[][] pred = labels.masks(logits);
            boolean[][] truth = Postprocess.masks(sample.label());
            for (int r = 0; r < k; r++) {
                double d = Metrics.dice(pred[r], truth[r]);
                if (!Double.isNaN(d)) {
                    sum[r] += d;
                    n[r]++;
                }
            }
        }
        double[] out = new double[k];
        for (int r = 0; r < k; r++) {
            out[r] = n[r] == 0 ? Double.NaN : sum[r] / n[r];
        }
        return out;
    }

    double bestDice() {
        return bestDice;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    double lastDice() {
        return lastDice;
    }
}
