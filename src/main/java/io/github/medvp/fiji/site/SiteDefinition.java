package io.github.medvp.fiji.site;

import io.github.medvp.MedvpException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * What the repository's {@code update-site/site.properties} defines: the site's name and URL, the description of
 * {@code medvp.jar}, the runtime jars uploaded beside it, those never uploaded, and the folder of example macros.
 *
 * @param name the site's name in Fiji's <i>Manage update sites</i>
 * @param url where users fetch the site from
 * @param description the updater's description of {@code jars/medvp.jar}
 * @param jars {@code group:artifact} of the runtime dependencies uploaded
 * @param notUploaded {@code group:artifact} patterns of runtime dependencies left out (a trailing {@code *} matches
 *     any artifact name start)
 * @param macros the folder whose {@code *.ijm} files are uploaded under {@code macros/MedVP/}
 */
record SiteDefinition(String name, String url, String description, List<String> jars, List<String> notUploaded,
                      Path macros) {

    /** Reads {@code file}; relative paths in it are relative to its folder. */
    static SiteDefinition read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String macros = required(p, "macros", file);
        return new SiteDefinition(required(p, "name", file), required(p, "url", file),
                required(p, "description", file), list(p.getProperty("jars", "")),
                list(p.getProperty("not-uploaded", "")), file.toAbsolutePath().getParent().resolve(macros).normalize());
    }

    /** True when {@code ga} ({@code group:artifact}) is listed under {@code jars}. */
    boolean uploads(String ga) {
        return jars.contains(ga);
    }

    /** True when {@code ga} matches a pattern under {@code not-uploaded}. */
    boolean leavesOut(String ga) {
        return notUploaded.stream().anyMatch(pattern -> pattern.endsWith("*")
                ? ga.startsWith(pattern.substring(0, pattern.length() - 1)) : ga.equals(pattern));
    }

    private static String required(Properties p, String key, Path file) {
        String v = p.getProperty(key, "").trim();
        if (v.isEmpty()) {
            throw new MedvpException("update site: " + file + " has no " + key);
        }
        return v;
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
