package io.github.medvp.tasks.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.github.medvp.Progress;
import io.github.medvp.engine.Engines;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.nn.EncoderPreset;

/** The segmentation benchmark runs the whole inference path and the fine-tuning step, and its loss is right. */
class SegmentationBenchmarkTest {

    @TempDir
    Path dir;

    @Test
    void reportsInferenceAndStepOnASmallStudy() throws Exception {
        String report = SegmentationBenchmark.run(EncoderPreset.UNIFORMER_TINY, 2, 1, 1, List.of(Device.cpu()), false,
                dir, Progress.NONE, new int[] {40, 32, 20}, 32);
        String[] lines = report.split("\n");
        assertEquals(3, lines.length, report);
        // 40 → 2 windows along X, 32 → 1, 20 (padded to 32) → 1.
        assertTrue(lines[0].matches("segment uniformer-tiny 4x40x32x20 full grid on cpu\\(\\)?: \\d+\\.\\d s per study "
                + ".*2 windows of 32³ by 2 .*peak heap \\d+\\.\\d MiB; heap .*"), lines[0]);
        assertTrue(lines[1].matches("finetune step uniformer-tiny B=1 32³ 4->3 with deep supervision .*: "
                + "\\d+\\.\\d+ s .*"), lines[1]);
        assertTrue(lines[2].matches("finetune step uniformer-tiny B=1 32³ 4->3 with deep supervision, encoder frozen "
                + "on cpu.*: \\d+\\.\\d+ s .*"), lines[2]);
        // The label map went back to the input's grid and affine (LPS, 40×32×20).
        assertEquals("LPS", NiftiReader.read(dir.resolve("labels.nii.gz")).geometry().axisCodes());
    }

    @Test
    void aSwinRunsWithItsSwinUnetrDecoder() throws Exception {
        String report = SegmentationBenchmark.run(EncoderPreset.SWIN_TINY, 1, 1, 1, List.of(Device.cpu()), false,
                dir, Progress.NONE, new int[] {32, 32, 20}, 32);
        String[] lines = report.split("\n");
        assertEquals(3, lines.length, report);
        assertTrue(lines[0].startsWith("segment swin-tiny 4x32x32x20 full grid on cpu"), lines[0]);
        // No deep supervision in SwinUNETR.
        assertTrue(lines[1].matches("finetune step swin-tiny B=1 32³ 4->3 on cpu.*: \\d+\\.\\d+ s .*"), lines[1]);
    }

    @Test
    void stepsOnTwoReplicasReportPerDeviceAndTotalThroughput() throws Exception {
        String report = SegmentationBenchmark.run(EncoderPreset.UNIFORMER_TINY, 2, 1, 1,
                List.of(Device.cpu(), Device.cpu()), false, dir, Progress.NONE, new int[] {32, 32, 20}, 32);
        String[] lines = report.split("\n");
        assertEquals(3, lines.length, report);
        for (int i = 1; i < 3; i++) {
            assertTrue(lines[i].matches("finetune step uniformer-tiny B=1 32³ .* on \\[cpu\\(\\), cpu\\(\\)\\]: "
                    + ".*crops/s, \\d+\\.\\d+ crops/s total = \\d+\\.\\d+ per device x 2 devices .*"), lines[i]);
        }
    }

    @Test
    void lossMatchesTheReferenceFormulaByHand() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // One head, one channel, two voxels: logits 0 and ln 3 (p = 1/2, 3/4), targets 1 and 0.
            float l3 = (float) Math.log(3);
            var x = m.create(new float[] { 0, l3 }, new ai.djl.ndarray.types.Shape(1, 1, 2, 1, 1));
            var y = m.create(new float[] { 1, 0 }, new ai.djl.ndarray.types.Shape(1, 1, 2, 1, 1));
            // Dice (2·0.5 + 1) / (0.25 + 0.5625 + 1 + 1) = 2 / 2.8125; BCE mean(ln 2, ln 4).
            double dice = 2 / 2.8125;
            double bce = (Math.log(2) + Math.log(4)) / 2;
            double expected = 0.7 * (1 - dice) + 0.3 * bce;
            assertEquals(2 * expected, SegmentationBenchmark.loss(new NDList(x, x), y).getFloat(), 1e-6);
        }
    }
}
