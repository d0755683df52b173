package io.github.medvp.fiji.site;

import io.github.medvp.MedvpException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Build-time tool: writes a ready-to-upload ImageJ update site ({@code mvn -Pupdate-site package} runs it).
 * <p>
 * What the site holds is defined in the repository's {@code update-site/site.properties} ({@link SiteDefinition}):
 * {@code jars/medvp.jar}, the runtime jars listed there (those Fiji does not ship), and the example macros under
 * {@code macros/MedVP/}. Every other runtime dependency must be managed by pom-scijava (so Fiji ships it) or be
 * listed as not uploaded (libtorch), else the build fails. Each file is stored as the updater stores uploads,
 * {@code <path>-<yyyyMMddHHmmss>}, and described in {@code db.xml.gz} with the updater's DTD, checksums
 * ({@link UpdaterChecksum}), sizes, and medvp.jar's dependencies on the other jars.
 */
public final class UpdateSite {

    /** Updater timestamps: local time, as the updater derives them from file modification times. */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    /** A runtime dependency as Maven resolved it. */
    record Artifact(String group, String artifact, String classifier, Path file) {
        String ga() {
            return group + ":" + artifact;
        }
    }

    /** One file on the site: where it goes, where it comes from. */
    record SiteFile(String path, Path source, long timestamp, String checksum, long size) {
    }

    private final SiteDefinition site;
    private final Set<String> shippedByFiji;
    private final String timestampOverride;

    /**
     * @param site what the site holds
     * @param shippedByFiji group:artifact pairs Fiji ships (pom-scijava's managed dependencies)
     * @param timestamp the timestamp of every file, or null for each file's modification time
     */
    UpdateSite(SiteDefinition site, Set<String> shippedByFiji, String timestamp) {
        this.site = site;
        this.shippedByFiji = shippedByFiji;
        this.timestampOverride = timestamp;
    }

    /** True when the jar is uploaded to the site. */
    boolean ships(Artifact a) {
        return site.uploads(a.ga());
    }

    /**
     * Checks the definition against the resolved runtime dependencies: a listed jar Fiji ships or the build does not
     * use is stale, and a dependency that is neither listed, in Fiji nor left out on purpose would be missing in Fiji.
     *
     * @throws MedvpException naming every such jar
     */
    void check(List<Artifact> runtime) {
        List<String> problems = new ArrayList<>();
        Set<String> resolved = new HashSet<>();
        for (Artifact a : runtime) {
            resolved.add(a.ga());
            if (site.uploads(a.ga()) && shippedByFiji.contains(a.ga())) {
                problems.add(a.ga() + " is listed under jars, but Fiji ships it (pom-scijava manages it)");
            } else if (!site.uploads(a.ga()) && !shippedByFiji.contains(a.ga()) && !site.leavesOut(a.ga())) {
                problems.add(a.ga() + " is a runtime dependency Fiji does not ship: list it under jars or "
                        + "not-uploaded");
            }
        }
        for (String ga : site.jars()) {
            if (!resolved.contains(ga)) {
                problems.add(ga + " is listed under jars, but is not a runtime dependency");
            }
        }
        if (!problems.isEmpty()) {
            throw new MedvpException("update site definition: " + String.join("; ", problems));
        }
    }

    /**
     * Writes the site into {@code out}.
     *
     * @return the files written, medvp.jar first
     */
    List<SiteFile> write(Path pluginJar, List<Artifact> runtime, Path out) throws IOException {
        check(runtime);
        Files.createDirectories(out.resolve("jars"));
        List<SiteFile> files = new ArrayList<>();
        files.add(add(out, "jars/medvp.jar", pluginJar));
        for (Artifact a : runtime) {
            if (ships(a)) {
                files.add(add(out, "jars/" + a.file().getFileName(), a.file()));
            }
        }
        if (Files.isDirectory(site.macros())) {
            try (Stream<Path> list = Files.list(site.macros())) {
                for (Path m : (Iterable<Path>) list.filter(p -> p.toString().endsWith(".ijm")).sorted()::iterator) {
                    files.add(add(out, "macros/MedVP/" + m.getFileName(), m));
                }
            }
        }
        try (OutputStream o = Files.newOutputStream(out.resolve("db.xml.gz"));
             Writer w = new OutputStreamWriter(new GZIPOutputStream(o), StandardCharsets.UTF_8)) {
            w.write(xml(files, site.description()));
        }
        return files;
    }

    private SiteFile add(Path out, String path, Path source) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new MedvpException("update site: " + source + " does not exist; build the project first");
        }
        long ts = Long.parseLong(timestampOverride != null ? timestampOverride
                : TIMESTAMP.format(Files.getLastModifiedTime(source).toInstant().atZone(ZoneId.systemDefault())));
        Path target = out.resolve(path + "-" + ts);
        Files.createDirectories(target.getParent());
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        return new SiteFile(path, target, ts, UpdaterChecksum.of(path, source), Files.size(source));
    }

    /** db.xml with the DTD inline, so a validating parser checks it as the updater does. */
    static String xml(List<SiteFile> files, String description) throws IOException {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE pluginRecords [\n");
        sb.append(dtd()).append("]>\n<pluginRecords>\n");
        for (SiteFile f : files) {
            sb.append("    <plugin filename=\"").append(escape(f.path())).append("\">\n");
            sb.append("        <version checksum=\"").append(f.checksum()).append("\" filesize=\"").append(f.size())
                    .append("\" timestamp=\"").append(f.timestamp()).append("\">\n");
            if (f.path().equals("jars/medvp.jar")) {
                sb.append("            <description>").append(escape(description)).append("</description>\n");
                for (SiteFile dep : files) {
                    if (dep != f && dep.path().startsWith("jars/")) {
                        sb.append("            <dependency filename=\"").append(escape(dep.path()))
                                .append("\" timestamp=\"").append(dep.timestamp()).append("\"/>\n");
                    }
                }
            }
            sb.append("        </version>\n    </plugin>\n");
        }
        return sb.append("</pluginRecords>\n").toString();
    }

    /** The updater's DTD (a resource beside this class). */
    static String dtd() throws IOException {
        try (InputStream in = UpdateSite.class.getResourceAsStream("update-site.dtd")) {
            if (in == null) {
                throw new IOException("update-site.dtd is missing from the MedVP jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** group:artifact of every dependency pom-scijava manages: the components Fiji ships. */
    static Set<String> managedBy(Path bomPom) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = f.newDocumentBuilder().parse(bomPom.toFile());
            Set<String> out = new HashSet<>();
            NodeList mgmt = doc.getElementsByTagName("dependencyManagement");
            for (int i = 0; i < mgmt.getLength(); i++) {
                NodeList deps = ((Element) mgmt.item(i)).getElementsByTagName("dependency");
                for (int j = 0; j < deps.getLength(); j++) {
                    Element d = (Element) deps.item(j);
                    out.add(text(d, "groupId") + ":" + text(d, "artifactId"));
                }
            }
            return out;
        } catch (ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException("cannot read the BOM " + bomPom + ": " + e.getMessage(), e);
        }
    }

    private static String text(Element e, String tag) {
        NodeList n = e.getElementsByTagName(tag);
        return n.getLength() == 0 ? "" : n.item(0).getTextContent().trim();
    }

    /**
     * Runtime artifacts from {@code mvn dependency:list -DoutputAbsoluteArtifactFilename=true} output: lines
     * {@code group:artifact:type[:classifier]:version:scope:/path/file.jar}.
     */
    static List<Artifact> parseDependencyList(List<String> lines) {
        List<Artifact> out = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.trim().replaceFirst("\\s+--\\s+module.*$", "").replace(" (optional)", "");
            String[] p = line.split(":");
            if (p.length < 6 || !line.contains("/")) {
                continue; // header lines
            }
            int path = line.indexOf(":/");
            String[] coords = line.substring(0, path).split(":");
            String classifier = coords.length == 6 ? coords[3] : "";
            out.add(new Artifact(coords[0], coords[1], classifier, Path.of(line.substring(path + 1))));
        }
        return out;
    }

    /**
     * {@code UpdateSite <site.properties> <medvp.jar> <dependency list> <pom-scijava.pom> <output folder>
     * [timestamp]}.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 5) {
            throw new IllegalArgumentException("usage: UpdateSite <site.properties> <medvp.jar> <dependency list> "
                    + "<pom-scijava.pom> <output> [yyyyMMddHHmmss]");
        }
        SiteDefinition definition = SiteDefinition.read(Path.of(args[0]));
        UpdateSite site = new UpdateSite(definition, managedBy(Path.of(args[3])), args.length > 5 ? args[5] : null);
        List<Artifact> runtime = parseDependencyList(Files.readAllLines(Path.of(args[2])));
        Path out = Path.of(args[4]);
        List<SiteFile> files = site.write(Path.of(args[1]), runtime, out);
        System.out.println("update site " + definition.name() + " (" + definition.url() + ") in " + out + " ("
                + Instant.now() + "): " + files.size() + " files");
        files.forEach(f -> System.out.println("  " + f.path() + "-" + f.timestamp() + "  " + f.checksum()));
    }
}
