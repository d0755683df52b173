package io.github.medvp.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.medvp.Progress;
import io.github.medvp.data.LoadStudy;
import io.github.medvp.data.Modality;
import io.github.medvp.data.Sample;
import io.github.medvp.data.Split;
import io.github.medvp.data.Study;
import io.github.medvp.data.StudyManifest;
import io.github.medvp.engine.Engines;
import io.github.medvp.tasks.Evaluation;
import io.github.medvp.tasks.InferenceGeometry;
import io.github.medvp.tasks.MetricsReport;
import io.github.medvp.tasks.MissingModalities;
import io.github.medvp.tasks.SlidingWindow;
import io.github.medvp.tasks.TaskModel;
import io.github.medvp.tasks.TemplateVolumes;

/**
 * Segments held-out studies with a fine-tuned model and scores them: each study prepared for the model
 * ({@link InferenceGeometry}), missing modalities filled from BrainMVP templates ({@link MissingModalities}),
 * sliding-window inference with the training crop as window, the label map restored to the study's own grid and
 * written as {@code <case>_seg.nii.gz}, then {@link Evaluation#segmentation} against the studies' label maps.
 */
final class HeldOutSegmentation {

    private HeldOutSegmentation() {
    }

    /**
     * @param model a fine-tuned segmentation checkpoint
     * @param studies the held-out studies (with label maps)
     * @param drop a modality to leave out of every study (filled from {@code templates}), or {@code null}
     * @param templates BrainMVP templates for missing modalities, or {@code null}
     * @param out receives the predictions ({@code predictions/}) and the metrics CSV files
     * @return the metrics (Dice and HD95 per region and case)
     */
    static MetricsReport run(Path model, List<Study> studies, Modality drop, TemplateVolumes templates, String device,
            Path out, Progress progress) throws IOException {
        Path predictions = out.resolve("predictions");
        Files.createDirectories(predictions);
        Engines.pytorch();
        try (NDManager manager = NDManager.newBaseManager(Engines.device(device))) {
            TaskModel m = TaskModel.load(model, manager);
            List<Modality> required = m.spec().modalities();
            SlidingWindow sw = SlidingWindow.builder().setPredictor(m.predictor(new ParameterStore(manager, false)))
                    .optWindow(m.spec().crop()).build();
            for (int i = 0; i < studies.size(); i++) {
                progress.checkCancelled();
                Study s = studies.get(i);
                progress.update("Segmenting held-out studies", i, studies.size(), s.id());
                Study input = drop == null ? s : without(s, drop);
                Sample loaded = new LoadStudy(false).apply(Sample.of(input), new SplittableRandom(0));
                InferenceGeometry g = InferenceGeometry.prepare(loaded);
                Sample ready = MissingModalities.complete(g.prepared(), required, templates).sample();
                float[][] logits = sw.run(manager, ready, Progress.NONE);
                g.writeLabels(m.spec().labels().labelMap(logits),
                        predictions.resolve(s.id() + "_seg.nii.gz"));
            }
            progress.update("Segmenting held-out studies", studies.size(), studies.size(), null);
            Path truth = out.resolve("truth.json");
            new StudyManifest(Map.of(Split.TEST, studies), "held-out studies").writeJson(truth);
            return Evaluation.segmentation(predictions, truth, m.spec().labels(), out, Progress.NONE);
        }
    }

    /** The study without one modality's image. */
    private static Study without(Study s, Modality drop) {
        List<Study.Channel> kept = new ArrayList<>();
        for (Study.Channel c : s.channels()) {
            if (c.modality() != drop) {
                kept.add(c);
            }
        }
        return s.withChannels(kept);
    }
}
