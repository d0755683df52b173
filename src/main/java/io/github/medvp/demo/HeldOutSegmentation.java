package io.github.medvp.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.github.medvp.Progress;
import io.github.medvp.data.transform.LoadStudy;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Split;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.tasks.inference.Blending;
import io.github.medvp.tasks.metrics.Evaluation;
import io.github.medvp.tasks.metrics.MetricsReport;
import io.github.medvp.tasks.inference.ModalityFill;
import io.github.medvp.tasks.segmentation.SegmentSettings;
import io.github.medvp.tasks.segmentation.Segmentation;
import io.github.medvp.engine.DeviceList;

/**
 * Segments held-out studies with a fine-tuned model ({@link Segmentation}: the model's grid, a removed modality filled
 * as asked, the label map back on each study's own grid) into {@code predictions/<case>_seg.nii.gz},
 * then scores them against the studies' label maps ({@link Evaluation#segmentation}).
 */
final class HeldOutSegmentation {

    private HeldOutSegmentation() {
    }

    /**
     * @param model a fine-tuned segmentation checkpoint
     * @param studies the held-out studies (with label maps)
     * @param drop a modality to leave out of every study, or {@code null}
     * @param fill what stands in for {@code drop} (null for the model's default)
     * @param out receives {@code predictions/} and the metrics CSV files
     * @return the metrics (Dice and HD95 per region and case)
     */
    static MetricsReport run(Path model, List<Study> studies, Modality drop, ModalityFill fill, String device,
            Path out, Progress progress) throws IOException {
        Path predictions = out.resolve("predictions");
        Files.createDirectories(predictions);
        // Overlap 0.25 instead of the reference's 0.5 and 4 windows per pass: the held-out step dominated the demo's
        // time on the CPU (64 windows per tiny study at 0.5).
        try (Segmentation segmentation = new Segmentation(new SegmentSettings(model, DeviceList.parse(device),
                0.25, Blending.CONSTANT, 4, false, fill))) {
            for (int i = 0; i < studies.size(); i++) {
                progress.checkCancelled();
                Study s = studies.get(i);
                progress.update("Segmenting held-out studies", i, studies.size(), s.id());
                Study input = drop == null ? s : without(s, drop);
                Sample loaded = new LoadStudy(false).apply(Sample.of(input), new SplittableRandom(0));
                Segmentation.Prediction p = segmentation.predict(loaded,
                        NiftiReader.readHeader(input.channels().get(0).path()), Progress.NONE);
                NiftiWriter.write(p.labels(), predictions.resolve(s.id() + "_seg.nii.gz"));
            }
            progress.update("Segmenting held-out studies", studies.size(), studies.size(), null);
            Path truth = out.resolve("truth.json");
            new StudyManifest(Map.of(Split.TEST, studies), "held-out studies").writeJson(truth);
            return Evaluation.segmentation(predictions, truth, segmentation.model().spec().labels(), out,
                    Progress.NONE);
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
