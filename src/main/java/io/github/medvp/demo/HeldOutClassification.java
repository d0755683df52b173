package io.github.medvp.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import io.github.medvp.Progress;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.transform.LoadStudy;
import io.github.medvp.engine.DeviceList;
import io.github.medvp.io.AtomicFiles;
import io.github.medvp.tasks.classification.Classification;
import io.github.medvp.tasks.classification.ClassificationFineTuning;
import io.github.medvp.tasks.classification.ClassifySettings;
import io.github.medvp.tasks.metrics.Evaluation;

/**
 * Classifies held-out studies with a fine-tuned model ({@link Classification}: the model's own preparation, as
 * {@code classify} does) into {@code predictions.csv} ({@code case,true,predicted,p_<class>...}, the form
 * {@code evaluate} reads) and scores them ({@link Evaluation#classification}).
 */
final class HeldOutClassification {

    private HeldOutClassification() {
    }

    /**
     * What the model scored on the held-out studies.
     *
     * @param accuracy share classified correctly
     * @param balancedAccuracy mean per-class recall
     * @param auc ROC AUC of the positive class (two classes) or the mean one-vs-rest AUC
     * @param trueClass per study, in the given order, the probability the model gave its true class: a proper score
     *     to pair two models on
     */
    record Scores(double accuracy, double balancedAccuracy, double auc, double[] trueClass) {

        /** @return the number of studies */
        int cases() {
            return trueClass.length;
        }

        /** @return "0.875 / 0.833 / 0.917" (accuracy / balanced accuracy / AUC) */
        String cells() {
            return String.format(Locale.ROOT, "%.3f / %.3f / %.3f", accuracy, balancedAccuracy, auc);
        }
    }

    /**
     * @param model a fine-tuned classification checkpoint
     * @param studies the held-out studies, each with its class
     * @param device where to run
     * @param out receives {@code predictions.csv} and the metric CSV files of {@link Evaluation#classification}
     * @param progress per-study progress and cancel
     * @return the scores
     * @throws IOException when a file cannot be read or written
     */
    static Scores run(Path model, List<Study> studies, String device, Path out, Progress progress)
            throws IOException {
        Files.createDirectories(out);
        int[] truth = new int[studies.size()];
        double[][] p = new double[studies.size()][];
        StringBuilder csv = new StringBuilder();
        try (Classification classification = new Classification(new ClassifySettings(model,
                DeviceList.parse(device), null))) {
            List<String> classes = classification.model().spec().classes();
            csv.append("case,true,predicted");
            classes.forEach(c -> csv.append(",p_").append(c.replace(' ', '_')));
            csv.append('\n');
            for (int i = 0; i < studies.size(); i++) {
                progress.checkCancelled();
                Study s = studies.get(i);
                progress.update("Classifying held-out studies", i, studies.size(), s.id());
                Sample loaded = new LoadStudy(false).apply(Sample.of(s), new SplittableRandom(0));
                Classification.Prediction r = classification.predict(loaded);
                truth[i] = s.classLabel();
                p[i] = r.probabilities();
                csv.append(s.id()).append(',').append(truth[i]).append(',').append(r.predicted());
                for (double v : p[i]) {
                    csv.append(',').append(String.format(Locale.ROOT, "%.6f", v));
                }
                csv.append('\n');
            }
        }
        progress.update("Classifying held-out studies", studies.size(), studies.size(), null);
        Path predictions = out.resolve("predictions.csv");
        AtomicFiles.write(predictions, csv.toString().getBytes(StandardCharsets.UTF_8));
        Evaluation.classification(predictions, out);
        double[] m = ClassificationFineTuning.metrics(truth, p);
        double[] trueClass = new double[truth.length];
        for (int i = 0; i < truth.length; i++) {
            trueClass[i] = p[i][truth[i]];
        }
        return new Scores(m[0], m[1], m[2], trueClass);
    }
}
