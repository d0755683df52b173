package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.CommandRunner;
import io.github.medvp.fiji.ImagePlusVolumes;
import io.github.medvp.fiji.Launched;
import io.github.medvp.fiji.Launcher;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InspectVolumeCommandTest {

    @TempDir
    Path dir;

    private Context context;
    private Path file;

    @BeforeEach
    void setUp() throws Exception {
        context = new Context(CommandService.class);
        // An LPS volume: x runs right-to-left, y front-to-back, so RAS flips the first two axes.
        short[] data = new short[2 * 3 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = (short) (i * 10);
        }
        Geometry lps = new Geometry(new double[][] {{-2, 0, 0, 10}, {0, -1.5, 0, 20}, {0, 0, 3, -5}, {0, 0, 0, 1}});
        file = dir.resolve("lps.nii.gz");
        NiftiWriter.write(new Volume(ArrayImgs.shorts(data, 2, 3, 4), lps, 0.5, 1, null), file);
    }

    @AfterEach
    void tearDown() {
        context.dispose();
    }

    private String run(Object... inputs) throws Exception {
        CommandModule m = context.service(CommandService.class).run(InspectVolumeCommand.class, true, inputs).get();
        return (String) m.getOutput("report");
    }

    @Test
    void reportsScaledStatisticsAndVoxels() throws Exception {
        String text = run("file", file.toFile(), "ras", false, "format", "text", "index", "1,2,3;0,0,0")
                .replaceAll(" +", " ");
        assertTrue(text.contains("axcodes: LPS"), text);
        // values are raw*0.5+1 for raw = 0, 10, ..., 230: sum = 0.5*2760 + 24
        assertTrue(text.contains("sum: 1404.0"), text);
        assertTrue(text.contains("value[1, 2, 3]: 116.0"), text);
        assertTrue(text.contains("value[0, 0, 0]: 1.0"), text);
    }

    @Test
    void rasReorientsBeforeReporting() throws Exception {
        String json = run("file", file.toFile(), "ras", true, "format", "json", "index", "0,0,3");
        assertTrue(json.contains("\"axcodes\": \"RAS\""), json);
        // RAS voxel (0,0,3) is stored voxel (1,2,3): raw 230 -> 116
        assertTrue(json.replace(" ", "").contains("\"value\":116.0"), json);
    }

    @Test
    void theOpenImageIsInspectedWhenNoFileIsGiven() throws Exception {
        // The image as Fiji would hold it: shown from the file, carrying the affine as a property.
        ij.ImagePlus imp = ImagePlusVolumes.toImagePlus(io.github.medvp.io.NiftiReader.read(file), "lps");
        String text = run("file", null, "image", imp, "ras", false, "format", "text", "index", "1,2,3")
                .replaceAll(" +", " ");
        assertTrue(text.contains("file: lps"), text);
        assertTrue(text.contains("axcodes: LPS"), text);
        assertTrue(text.contains("value[1, 2, 3]: 116.0"), text);
        assertTrue(text.contains("sum: 1404.0"), text);
        ExecutionException none = assertThrows(ExecutionException.class, () -> run("file", null, "image", null,
                "ras", false, "format", "text", "index", ""));
        assertEquals("file: give a volume file or open an image first", CommandRunner.userError(none).getMessage());
    }

    @Test
    void badIndexNamesTheSetting() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> run("file", file.toFile(),
                "index", "1,2"));
        String message = CommandRunner.userError(e).getMessage();
        assertTrue(message.startsWith("index:"), message);
    }

    @Test
    void launcherPrintsTheSameReport() throws Exception {
        Launched report = Launched.run("inspect", "file=" + file, "index=1,2,3").expect(0);
        assertEquals(run("file", file.toFile(), "ras", false, "format", "text", "index", "1,2,3"), report.out());
        assertEquals("", report.err(), "a successful inspect prints nothing on standard error");
        Launched missing = Launched.run("inspect", "file=" + dir.resolve("no.nii")).expect(Launcher.FAILED);
        assertEquals("medvp: inspect: " + dir.resolve("no.nii") + ": no such file\n", missing.err());
    }
}
