package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.Launched;
import io.github.medvp.fiji.Launcher;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;

import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.io.NiftiReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

/** {@code demo-data} through CommandService and the launcher. */
class GenerateDemoDataCommandTest {

    @TempDir
    Path dir;

    private static String generate(Object... inputs) throws Exception {
        try (Context context = new Context(CommandService.class)) {
            return (String) context.service(CommandService.class).run(GenerateDemoDataCommand.class, true, inputs)
                    .get().getOutput("summary");
        }
    }

    @Test
    void writesStudiesCtAndReportsWithTheGivenSettings() throws Exception {
        String summary = generate("output", dir.toFile(), "studies", 2, "size", "32,32,28", "isotropic", true,
                "modalities", "t1,t1ce", "ct", true, "ct_studies", 3, "seed", 4L);
        assertTrue(summary.startsWith("2 MRI studies"), summary);
        assertTrue(summary.contains("3 CT volumes"), summary);
        StudyManifest m = StudyManifest.load(dir.resolve("manifest.json"), ModalityNames.defaults());
        assertEquals(2, m.all().size());
        assertEquals(2, m.all().get(0).modalities().size());
        double[] spacing = NiftiReader.read(m.all().get(0).channels().get(0).path()).geometry().spacing();
        assertEquals(1, spacing[0], 1e-6); // sform rows are float32
        assertEquals(1, spacing[2], 1e-6);
        assertEquals(4, Files.readAllLines(dir.resolve("ct").resolve("reports.csv")).size());
    }

    @Test
    void mimicsChangeTheImagesNotTheLabels() throws Exception {
        // Every setting given: the other tests' values may be remembered as SciJava's defaults.
        Object[] settings = { "studies", 1, "size", "64,64,56", "isotropic", false, "modalities", "flair,t1",
            "ct", false, "seed", 7L, "skull_stripped", true };
        generate(with(settings, "output", dir.resolve("plain").toFile(), "mimics", false));
        generate(with(settings, "output", dir.resolve("mimics").toFile(), "mimics", true));
        Path plain = dir.resolve("plain/mri/demo_000"), mimics = dir.resolve("mimics/mri/demo_000");
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(plain.resolve("demo_000_seg.nii.gz")),
                Files.readAllBytes(mimics.resolve("demo_000_seg.nii.gz"))));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(plain.resolve("demo_000_flair.nii.gz")),
                Files.readAllBytes(mimics.resolve("demo_000_flair.nii.gz"))));
    }

    private static Object[] with(Object[] settings, Object... more) {
        Object[] all = java.util.Arrays.copyOf(settings, settings.length + more.length);
        System.arraycopy(more, 0, all, settings.length, more.length);
        return all;
    }

    @Test
    void aBadSizeIsOneLineNamingTheSetting() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> generate("output", dir.toFile(), "size", "64,64"));
        assertTrue(Launcher.userError(e).getMessage().contains("'size'"), Launcher.userError(e).getMessage());
    }

    @Test
    void theLauncherRunsItByShortName() {
        Launched.run("demo-data", "output=" + dir, "studies=1", "size=24,24,24").expect(0);
        assertTrue(Files.exists(dir.resolve("mri").resolve("demo_000").resolve("demo_000_seg.nii.gz")));
    }
}
