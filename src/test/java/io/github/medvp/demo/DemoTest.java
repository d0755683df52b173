package io.github.medvp.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Volume;
import io.github.medvp.tasks.metrics.PairedDifference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole demo with minimal settings (8 studies of 32×32×32 mm, one epoch each): every stage and the report. */
class DemoTest {

    @TempDir
    static Path dir;
    private static Demo.Result result;

    @BeforeAll
    static void runDemo() throws IOException {
        DemoSettings.Builder s = DemoSettings.builder().output(dir).studies(6).testStudies(2).size(32, 32, 32)
                .epochs(1, 1).device("cpu")
                .workers(1);
        result = Demo.of(s.build()).run(Progress.NONE);
    }

    @Test
    void theReportHoldsTheTableImagesAndPredictions() throws IOException {
        Path report = result.report();
        for (String f : List.of("summary.txt", "results.csv", "templates.png", "pretraining.png", "segmentation.png")) {
            assertTrue(Files.exists(report.resolve(f)), f);
        }
        assertEquals(result.table(), Files.readString(report.resolve("summary.txt")));
        StudyManifest m = StudyManifest.readJson(dir.resolve("data").resolve("manifest.json"), null,
                ModalityNames.defaults());
        assertEquals(2, m.test().size());
        for (String folder : List.of("heldout-pretrained", "heldout-scratch", "heldout-pretrained-without-t2-templates",
                "heldout-pretrained-without-t2-mean", "heldout-pretrained-without-t2-zeros",
                "heldout-scratch-without-t2-mean", "heldout-scratch-without-t2-zeros")) {
            for (Study s : m.test()) {
                Volume pred = NiftiReader.read(report.resolve(folder).resolve("predictions")
                        .resolve(s.id() + "_seg.nii.gz"));
                Volume truth = NiftiReader.read(s.label());
                assertArrayEquals(truth.dimensions(), pred.dimensions(), "predictions are on the study's own grid");
                assertEquals(truth.geometry().axisCodes(), pred.geometry().axisCodes());
            }
        }
    }

    @Test
    void thePrintedDiceIsTheMeasuredOne() throws IOException {
        Map<String, Double> dice = result.dice();
        assertEquals(List.of(Demo.PRETRAINED, Demo.SCRATCH, "pre-trained, t2 templates", "pre-trained, t2 mean",
                "pre-trained, t2 zeros", "from scratch, t2 mean", "from scratch, t2 zeros"),
                List.copyOf(dice.keySet()));
        List<Map<String, String>> rows = DemoCsv.read(result.report().resolve("results.csv"));
        for (Map.Entry<String, Double> e : dice.entrySet()) {
            assertTrue(e.getValue() >= 0 && e.getValue() <= 1, e.toString());
            Map<String, String> mean = rows.stream().filter(r -> r.get("model").equals(e.getKey())
                    && r.get("region").equals("mean")).findFirst().orElseThrow();
            assertEquals(e.getValue(), Double.parseDouble(mean.get("dice_mean")), 1e-6);
            assertTrue(result.table().contains(String.format(Locale.ROOT, "%6.3f", e.getValue())), result.table());
        }
        assertTrue(result.table().contains("pre-trained minus scratch"), result.table());
        // The missing-modality block: every fill's Dice as printed, and both paired comparisons with a verdict.
        assertTrue(result.table().contains(String.format(Locale.ROOT, "filled with templates %.3f, training mean "
                + "%.3f, zeros %.3f", dice.get("pre-trained, t2 templates"), dice.get("pre-trained, t2 mean"),
                dice.get("pre-trained, t2 zeros"))), result.table());
        for (String other : List.of("training mean", "zeros")) {
            assertTrue(result.table().matches("(?s).*templates minus " + other + ", per held-out study: [^\n]+\n=> "
                    + "[^\n]+\n.*"), result.table());
        }
        assertTrue(result.table().contains(DemoReport.SINGLE_SEED_CAVEAT), result.table());
        assertEquals(dice.get(Demo.PRETRAINED) < DemoReport.LEARNT_TASK && dice.get(Demo.SCRATCH)
                < DemoReport.LEARNT_TASK, result.table().contains(DemoReport.NEITHER_LEARNT), result.table());
        // The baseline starts from the weights pre-training started from.
        Path initial = dir.resolve("runs").resolve("pretrain").resolve("checkpoints").resolve("initial.safetensors");
        assertTrue(Files.isRegularFile(initial));
        String scratchConfig = Files.readString(dir.resolve("runs").resolve("finetune-scratch").resolve("config.json"));
        assertTrue(scratchConfig.contains("initial.safetensors"), scratchConfig);
        assertTrue(result.seconds().keySet().containsAll(List.of("generate data", "pre-train", "segment held-out")));
    }

    @Test
    void twoModelsThatLearntNothingGetNoVerdict() {
        PairedDifference consistent = PairedDifference.of(new double[] {0.11, 0.12, 0.10, 0.13},
                new double[] {0.10, 0.11, 0.095, 0.12});
        assertEquals(1, consistent.verdict(), "the difference alone would read as ahead");
        assertEquals(DemoReport.NEITHER_LEARNT, DemoReport.verdict(consistent, null, 0.115, 0.106));
        assertTrue(DemoReport.verdict(consistent, null, 0.45, 0.106).contains("ahead"), "one model learnt: it counts");
        assertTrue(DemoReport.verdict(PairedDifference.of(new double[] {0.5, 0.6}, new double[] {0.5, 0.6}), null,
                0.55, 0.55).startsWith("no clear difference"));
    }

    @Test
    void withRepeatsADifferenceMustAlsoHoldOverTheSeeds() {
        PairedDifference studies = PairedDifference.of(new double[] {0.61, 0.72, 0.50, 0.83},
                new double[] {0.60, 0.71, 0.495, 0.82});
        assertEquals(1, studies.verdict(), "clear over the studies");
        // Seeds +0.05, -0.02, +0.03: mean 0.02, SE 0.021, far within 4.30 SE of zero.
        PairedDifference disagree = PairedDifference.of(new double[] {0.05, -0.02, 0.03}, new double[3]);
        String v = DemoReport.verdict(studies, disagree, 0.66, 0.65);
        assertTrue(v.startsWith("no clear difference: ahead over the held-out studies, but not consistently over the "
                + "3 fine-tuning seeds (within 4.30"), v);
        // Seeds +0.010, +0.012, +0.011: SE 0.00058, 19 SE: clear both ways.
        PairedDifference agree = PairedDifference.of(new double[] {0.010, 0.012, 0.011}, new double[3]);
        assertEquals("the pre-trained encoder is ahead (by more than 2.0 standard errors over the studies and 4.30 "
                + "over the seeds)", DemoReport.verdict(studies, agree, 0.66, 0.65));
        // Behind over the studies but ahead over the seeds is no verdict either.
        PairedDifference behind = PairedDifference.of(new double[] {0.60, 0.71, 0.495, 0.82},
                new double[] {0.61, 0.72, 0.50, 0.83});
        assertTrue(DemoReport.verdict(behind, agree, 0.65, 0.66).startsWith("no clear difference: behind"));
    }

    @Test
    void repeatsAverageTheComparisonsOverSeeds(@TempDir Path tmp) throws IOException {
        DemoSettings.Builder s = DemoSettings.builder().output(tmp).studies(6).testStudies(2).size(32, 32, 32)
                .epochs(1, 1)
                .device("cpu").workers(1).repeats(2).pretrainedRun(dir.resolve("runs").resolve("pretrain"));
        Demo.Result r = Demo.of(s.build()).run(Progress.NONE);
        assertTrue(r.table().contains("repeats: 2 fine-tuning comparisons, seeds 7-8"), r.table());
        java.util.regex.Matcher seeds = java.util.regex.Pattern.compile("per fine-tuning seed: ([-+]\\d\\.\\d{3}) "
                + "\\(seed 7\\) ([-+]\\d\\.\\d{3}) \\(seed 8\\); ([-+]\\d\\.\\d{3}) ± \\d\\.\\d{3} \\(standard "
                + "error over 2 seeds").matcher(r.table());
        assertTrue(seeds.find(), r.table());
        assertEquals((Double.parseDouble(seeds.group(1)) + Double.parseDouble(seeds.group(2))) / 2,
                Double.parseDouble(seeds.group(3)), 0.0011, "the seeds' mean is their average");
        assertFalse(r.table().contains(DemoReport.SINGLE_SEED_CAVEAT), r.table());
        assertTrue(Files.isDirectory(r.report().resolve("heldout-scratch-seed8").resolve("predictions")));
        assertTrue(Files.readString(tmp.resolve("runs").resolve("finetune-pretrained-seed8").resolve("config.json"))
                .contains("\"seed\": 8"));
        List<Map<String, String>> rows = DemoCsv.read(r.report().resolve("results.csv"));
        for (Map.Entry<String, Double> e : r.dice().entrySet()) {
            List<Double> perSeed = rows.stream().filter(row -> row.get("model").equals(e.getKey())
                    && row.get("region").equals("mean") && !row.get("seed").equals("mean"))
                    .map(row -> Double.parseDouble(row.get("dice_mean"))).toList();
            assertEquals(2, perSeed.size(), e.getKey());
            assertEquals((perSeed.get(0) + perSeed.get(1)) / 2, e.getValue(), 1e-6, e.getKey());
            assertTrue(r.table().contains(String.format(Locale.ROOT, "%6.3f", e.getValue())), r.table());
        }
        assertTrue(assertThrows(MedvpException.class, () -> DemoSettings.builder().output(tmp).repeats(0).build())
                .getMessage().startsWith("setting 'repeats'"));
    }

    @Test
    void badSettingsAreRefusedBeforeAnyWork(@TempDir Path tmp) {
        MedvpException e = assertThrows(MedvpException.class, () -> DemoSettings.builder().output(tmp).studies(4)
                .build());
        assertTrue(e.getMessage().startsWith("setting 'studies'"), e.getMessage());
        e = assertThrows(MedvpException.class, () -> DemoSettings.builder().output(tmp).size(100, 64, 56).build());
        assertTrue(e.getMessage().startsWith("setting 'size'"), e.getMessage());
        e = assertThrows(MedvpException.class, () -> DemoSettings.builder().output(tmp).pretrainedRun(tmp).build());
        assertTrue(e.getMessage().startsWith("pretrained_run"), e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("data")));
    }
}
