package io.github.medvp.train;

import io.github.medvp.MedvpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsLogTest {

    @TempDir
    Path dir;

    @Test
    void resumeDropsRowsWrittenAfterTheCheckpoint() throws Exception {
        Path csv = dir.resolve("metrics.csv");
        try (MetricsLog log = MetricsLog.open(csv, List.of("step", "loss"), -1)) {
            for (int s = 1; s <= 5; s++) {
                log.append(s, 1.0 / s);
            }
        }
        Files.writeString(csv, "6,0.1", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        try (MetricsLog log = MetricsLog.open(csv, List.of("step", "loss"), 3)) {
            log.append(4, 0.2);
        }
        Map<String, double[]> m = MetricsLog.read(csv);
        assertArrayEquals(new double[] {1, 2, 3, 4}, m.get("step"));
        assertEquals(0.2, m.get("loss")[3], 0);
        assertEquals(0.5, m.get("loss")[1], 0);
    }

    @Test
    void resumeDropsARowCutShortInsideTheKeptSteps() throws Exception {
        Path csv = dir.resolve("metrics.csv");
        Files.writeString(csv, "step,loss,lr\n1,0.5,0.001\n2,0.4,0.001\n3,0.3\n");
        try (MetricsLog log = MetricsLog.open(csv, List.of("step", "loss", "lr"), 3)) {
            log.append(3, 0.3, 0.001);
        }
        assertEquals("step,loss,lr\n1,0.5,0.001\n2,0.4,0.001\n3,0.300000,0.00100000\n",
                Files.readString(csv).replace("\r\n", "\n"));
    }

    @Test
    void newRunStartsAFreshFile() throws Exception {
        Path csv = dir.resolve("metrics.csv");
        try (MetricsLog log = MetricsLog.open(csv, List.of("step", "loss"), -1)) {
            log.append(1, Double.NaN);
        }
        assertEquals("step,loss\n1,nan\n", Files.readString(csv).replace("\r\n", "\n"));
        try (MetricsLog log = MetricsLog.open(csv, List.of("step", "loss"), -1)) {
            log.append(1, 0.25);
        }
        assertEquals("step,loss\n1,0.250000\n", Files.readString(csv).replace("\r\n", "\n"));
    }

    @Test
    void refusesAnotherRunsColumns() throws Exception {
        Path csv = dir.resolve("metrics.csv");
        Files.writeString(csv, "epoch,dice\n1,0.5\n");
        MedvpException e = assertThrows(MedvpException.class,
                () -> MetricsLog.open(csv, List.of("step", "loss"), 10));
        assertTrue(e.getMessage().contains("metrics.csv has columns epoch,dice"), e.getMessage());
    }

    @Test
    void plotsCurvesToPng() throws Exception {
        Path csv = dir.resolve("metrics.csv");
        try (MetricsLog log = MetricsLog.open(csv, List.of("step", "loss_md", "loss_cmr"), -1)) {
            for (int s = 0; s < 50; s++) {
                log.append(s, Math.exp(-s / 10.0), 1.0 / (s + 1));
            }
        }
        Path png = dir.resolve("curves.png");
        CurvesPlot.write(csv, "step", List.of(), "BrainMVP pre-training", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(2 * 420, img.getWidth(), "two panels side by side");
        int blue = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < 420; x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                if (rgb == ((31 << 16) | (119 << 8) | 180)) {
                    blue++;
                }
            }
        }
        assertTrue(blue > 100, "the first curve is drawn: " + blue + " pixels");
        assertNotEquals(img.getRGB(10, 10), img.getRGB(100, 150));
    }
}
