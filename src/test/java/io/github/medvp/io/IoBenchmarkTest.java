package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoBenchmarkTest {

    @TempDir
    Path dir;

    @Test
    void reportsEveryStepOnASmallVolume() throws IOException {
        String report = IoBenchmark.run(dir, 1, 40, 36, 30);
        for (String step : new String[] { "read .nii ", "read .nii.gz", "reference gunzip+copy",
                "ratio .nii.gz/reference", "RAS reorientation", "resample trilinear" }) {
            assertTrue(report.contains(step), step + " missing in\n" + report);
        }
        Matcher m = Pattern.compile("ratio .nii.gz/reference\\s+([0-9.]+)").matcher(report);
        assertTrue(m.find(), report);
        assertTrue(Double.parseDouble(m.group(1)) > 0, report);
        // 1.2x0.9x1.5 mm -> 1 mm: round(47.8) x round(32.5) x round(44.5), halves to even
        assertTrue(report.contains((48 * 32 * 44) + " output voxels"), report);
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "scratch files removed");
        }
    }

    @Test
    void phantomIsLpsAndNotTrivial() {
        Volume v = IoBenchmark.phantom(20, 20, 10);
        assertEquals("LPS", v.geometry().axisCodes());
        double[] stats = VolumeInspector.statistics(v);
        assertTrue(stats[1] > stats[0], "varied values");
    }
}
