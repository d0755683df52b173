package io.github.medvp.fiji;

import net.imagej.patcher.LegacyClassLoader;
import net.imagej.patcher.LegacyEnvironment;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Headless ImageJ 1 patched by ij1-patcher, as Fiji runs it, with MedVP as a plugin jar. */
final class MacroRunner {

    private MacroRunner() {
    }

    static LegacyEnvironment environment(Path scratch) throws Exception {
        LegacyEnvironment ij = new LegacyEnvironment(null, true);
        List<File> plugins = new ArrayList<>();
        plugins.add(pluginJar(scratch.resolve("medvp-plugins.jar")));
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.matches(".*/ij-1\\.[^/]*\\.jar") && !entry.contains("ij1-patcher")) {
                plugins.add(new File(entry));
            }
        }
        ij.addPluginClasspath(plugins.toArray(File[]::new));
        return ij;
    }

    /** ImageJ 1 reads plugins.config from jars only: the built one, packed on its own. */
    private static File pluginJar(Path jar) throws IOException {
        Path config = Path.of("target", "classes", "plugins.config");
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o)) {
            j.putNextEntry(new JarEntry("plugins.config"));
            j.write(Files.readAllBytes(config));
            j.closeEntry();
        }
        return jar.toFile();
    }
}
