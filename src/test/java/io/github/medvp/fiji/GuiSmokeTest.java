package io.github.medvp.fiji;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * GUI smoke test: ImageJ 1 with MedVP on a virtual X server (Debian's xvfb, installed by .ci/run), the MedVP menu
 * opened, System Info run from it, a screenshot saved as {@code target/gui-smoke.png}. Skipped, saying why, where
 * no Xvfb is installed.
 */
class GuiSmokeTest {

    @TempDir
    Path dir;

    @Test
    void imageJShowsTheMedvpMenuAndRunsSystemInfo() throws Exception {
        String xvfb = which("Xvfb");
        assumeTrue(xvfb != null, "GUI smoke test skipped: no Xvfb on PATH (Debian: apt-get install xvfb)");
        // -displayfd: Xvfb picks a free display number and writes it to its standard output once ready.
        Process x = new ProcessBuilder(xvfb, "-displayfd", "1", "-screen", "0", "1024x800x24", "-nolisten", "tcp")
                .redirectError(dir.resolve("xvfb.log").toFile()).start();
        try {
            String display = readDisplay(x);
            assumeTrue(display != null && x.isAlive(),
                    "GUI smoke test skipped: Xvfb could not start: " + Files.readString(dir.resolve("xvfb.log")));
            Path imagej = Files.createDirectories(dir.resolve("ImageJ").resolve("plugins"));
            pluginJar(imagej.resolve("MedVP_.jar")); // plain ImageJ 1 installs only jars with "_" in the name
            Path png = Path.of("target", "gui-smoke.png").toAbsolutePath();
            Files.deleteIfExists(png);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Djava.awt.headless=false", "-Dai.djl.offline=true",
                    "-Djava.util.prefs.userRoot=" + dir.resolve("prefs"), "-Duser.home=" + dir,
                    "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    GuiSmoke.class.getName(), png.toString(), dir.resolve("ImageJ").toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile())
                    .redirectError(dir.resolve("err.txt").toFile());
            pb.environment().put("DISPLAY", ":" + display);
            Process p = pb.start();
            boolean ended = p.waitFor(180, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            String out = Files.readString(dir.resolve("out.txt"));
            String err = Files.readString(dir.resolve("err.txt"));
            assertTrue(ended, "ImageJ did not finish in 3 minutes: " + err);
            assertEquals(0, p.exitValue(), () -> out + err);
            assertTrue(out.contains("Plugins>MedVP>Macro>MedVP System Info (macro)\n"), out);
            assertTrue(out.contains("Plugins>MedVP>Macro>BrainMVP>BrainMVP Pretrain (macro)\n"), out);
            assertTrue(Files.size(png) > 10_000, "screenshot " + png);
            // Chosen from the menu with the recorder on, the bridge's dialog records the macro line macros use.
            Path brain = dir.resolve("ImageJ").resolve("brain.nii.gz");
            assertTrue(out.contains("recorded: run(\"MedVP Inspect Volume (macro)\", \"file=" + brain
                    + " format=text"), out);
        } finally {
            x.destroy();
            x.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The display number Xvfb reports, or null when it exits or says nothing within 20 s. */
    private static String readDisplay(Process x) throws Exception {
        java.util.concurrent.CompletableFuture<String> line = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new java.io.BufferedReader(new java.io.InputStreamReader(x.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String s = line.get(20, TimeUnit.SECONDS);
            return s == null || !s.trim().matches("\\d+") ? null : s.trim();
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    private static String which(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** ImageJ 1 reads plugins.config from jars in its plugins folder; the classes come from the class path. */
    private static void pluginJar(Path jar) throws IOException {
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o)) {
            j.putNextEntry(new JarEntry("plugins.config"));
            j.write(Files.readString(Path.of("target", "classes", "plugins.config")).getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
    }
}
