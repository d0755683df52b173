package io.github.medvp.fiji.site;

import io.github.medvp.MedvpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The update site as update-site/site.properties defines it: the updater's checksums, DTD-valid db.xml.gz,
 * timestamped paths, no jar Fiji already ships, and a definition that must agree with the dependencies.
 */
class UpdateSiteTest {

    @TempDir
    Path dir;

    private static String sha1(String... parts) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-1");
        for (String p : parts) {
            d.update(p.getBytes(StandardCharsets.ISO_8859_1));
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private Path jar(String name, Map<String, String> entries) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream o = Files.newOutputStream(jar); ZipOutputStream z = new ZipOutputStream(o)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.ISO_8859_1));
                z.closeEntry();
            }
        }
        return jar;
    }

    private static Map<String, String> entries(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void jarChecksumHashesSortedEntriesWithoutPropertiesCommentsOrManifest() throws Exception {
        // Written out of order: the checksum sorts by name.
        Path jar = jar("x.jar", entries("b.txt", "hi", "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: X\n",
                "a/pom.properties", "#Mon Nov 23 2026\nversion=1\n", "META-INF/", ""));
        String expected = sha1("META-INF/", "", "META-INF/MANIFEST.MF", "", "a/pom.properties", "\nversion=1\n",
                "b.txt", "hi");
        assertEquals(expected, UpdaterChecksum.ofJar(jar));
        assertEquals(expected, UpdaterChecksum.of("jars/x.jar", jar));
        // A rebuild that only changes the date comment and the manifest keeps the checksum.
        Path rebuilt = jar("y.jar", entries("META-INF/", "", "META-INF/MANIFEST.MF", "Created-By: 99\n",
                "a/pom.properties", "#Tue Nov 24 2026\nversion=1\n", "b.txt", "hi"));
        assertEquals(expected, UpdaterChecksum.ofJar(rebuilt));
    }

    @Test
    void propertiesCommentsFollowTheUpdatersLineStartRule() {
        assertArrayEquals("\nk=v\n".getBytes(StandardCharsets.US_ASCII),
                UpdaterChecksum.withoutCommentLines("#c\nk=v\n".getBytes(StandardCharsets.US_ASCII)));
        // After an empty comment line the updater's reader does not see the next line start: "#x" stays.
        assertArrayEquals("\n#x\nk=v".getBytes(StandardCharsets.US_ASCII),
                UpdaterChecksum.withoutCommentLines("#\n#x\nk=v".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals("a#b\n".getBytes(StandardCharsets.US_ASCII),
                UpdaterChecksum.withoutCommentLines("a#b\n#end".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void plainFileChecksumCoversItsSitePathAndBytes() throws Exception {
        Path m = Files.writeString(dir.resolve("a.ijm"), "print(1);\n");
        assertEquals(sha1("macros/MedVP/a.ijm", "print(1);\n"), UpdaterChecksum.of("macros/MedVP/a.ijm", m));
    }

    @Test
    void theRepositoryDefinesTheSiteInItsUpdateSiteFolder() throws Exception {
        SiteDefinition site = repositorySite();
        assertEquals("MedVP", site.name());
        assertTrue(site.url().matches("https://\\S+/"), site.url());
        assertEquals(List.of("ai.djl:api", "ai.djl.pytorch:pytorch-engine", "ai.djl.pytorch:pytorch-jni"),
                site.jars());
        assertTrue(site.leavesOut("ai.djl.pytorch:pytorch-native-cu128") && site.leavesOut("org.slf4j:slf4j-simple"));
        assertFalse(site.leavesOut("ai.djl.pytorch:pytorch-engine"));
        assertEquals(Path.of("macros").toAbsolutePath(), site.macros());
        assertTrue(site.description().startsWith("MedVP: ") && site.description().contains("Install Engine"),
                site.description());
        // Where users are told to add the site and how to publish it agree with the definition.
        String guide = Files.readString(Path.of("update-site", "README.md"));
        assertTrue(guide.contains(site.url()) && guide.contains("mvn -B -Pupdate-site package"), guide);
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(site.url()) && readme.contains("(update-site/README.md)"), readme);
    }

    @Test
    void siteHasTimestampedFilesAndAValidIndexWithoutFijisJars() throws Exception {
        Path plugin = jar("medvp.jar", entries("plugins.config", "Plugins>MedVP, \"A (macro)\", x.Y(\"a\")\n"));
        Path djl = jar("api-0.35.1.jar", entries("ai/djl/Engine.class", "cafebabe"));
        Path engine = jar("pytorch-engine-0.35.1.jar", entries("ai/djl/pytorch/engine/PtEngine.class", "e"));
        Path jni = jar("pytorch-jni-2.7.1-0.35.1.jar", entries("ai/djl/pytorch/jni/PyTorchLibrary.class", "j"));
        Path gson = jar("gson-2.10.1.jar", entries("com/google/gson/Gson.class", "x"));
        Path natives = jar("pytorch-native-cpu-2.7.1-linux-x86_64.jar", entries("native/lib/libtorch.so", "x"));
        Path simple = jar("slf4j-simple-2.0.16.jar", entries("org/slf4j/simple/SimpleLogger.class", "s"));
        List<String> listing = List.of("The following files have been resolved:",
                "   ai.djl:api:jar:0.35.1:compile:" + djl + " -- module ai.djl.api [auto]",
                "   com.google.code.gson:gson:jar:2.10.1:compile:" + gson + " -- module com.google.gson",
                "   ai.djl.pytorch:pytorch-engine:jar:0.35.1:compile:" + engine,
                "   ai.djl.pytorch:pytorch-jni:jar:2.7.1-0.35.1:compile:" + jni,
                "   ai.djl.pytorch:pytorch-native-cpu:jar:linux-x86_64:2.7.1:runtime:" + natives + " (optional)",
                "   org.slf4j:slf4j-simple:jar:2.0.16:runtime:" + simple + " (optional)");
        List<UpdateSite.Artifact> runtime = UpdateSite.parseDependencyList(listing);
        assertEquals(6, runtime.size());
        assertEquals("linux-x86_64", runtime.get(4).classifier());
        Path bom = Files.writeString(dir.resolve("bom.pom"), "<project><dependencyManagement><dependencies>"
                + "<dependency><groupId>com.google.code.gson</groupId><artifactId>gson</artifactId></dependency>"
                + "</dependencies></dependencyManagement></project>");

        SiteDefinition site = repositorySite();
        List<String> macros;
        try (var list = Files.list(site.macros())) {
            macros = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ijm")).sorted().toList();
        }
        assertTrue(macros.contains("segment-folder.ijm"), macros::toString);
        Path out = dir.resolve("site");
        new UpdateSite(site, UpdateSite.managedBy(bom), "20261123120000").write(plugin, runtime, out);

        assertArrayEquals(Files.readAllBytes(djl),
                Files.readAllBytes(out.resolve("jars/api-0.35.1.jar-20261123120000")));
        List<String> uploads = new ArrayList<>(List.of("jars/medvp.jar", "jars/api-0.35.1.jar",
                "jars/pytorch-engine-0.35.1.jar", "jars/pytorch-jni-2.7.1-0.35.1.jar"));
        macros.forEach(m -> uploads.add("macros/MedVP/" + m));
        try (var files = Files.walk(out)) {
            List<String> all = files.filter(Files::isRegularFile).map(p -> out.relativize(p).toString()).sorted()
                    .toList();
            List<String> expected = new ArrayList<>(List.of("db.xml.gz"));
            uploads.forEach(u -> expected.add(u + "-20261123120000"));
            assertEquals(expected.stream().sorted().toList(), all);
        }

        Document db = parseValidating(out.resolve("db.xml.gz"));
        NodeList plugins = db.getElementsByTagName("plugin");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < plugins.getLength(); i++) {
            Element p = (Element) plugins.item(i);
            String name = p.getAttribute("filename");
            names.add(name);
            Element v = (Element) p.getElementsByTagName("version").item(0);
            Path stored = out.resolve(name + "-" + v.getAttribute("timestamp"));
            assertEquals(Long.toString(Files.size(stored)), v.getAttribute("filesize"), name);
            assertEquals(UpdaterChecksum.of(name, stored), v.getAttribute("checksum"), name);
        }
        assertEquals(uploads, names);
        Element medvp = (Element) plugins.item(0);
        assertEquals(site.description(), medvp.getElementsByTagName("description").item(0).getTextContent());
        NodeList deps = medvp.getElementsByTagName("dependency");
        assertEquals(3, deps.getLength());
        assertEquals("jars/api-0.35.1.jar", ((Element) deps.item(0)).getAttribute("filename"));
        assertEquals("20261123120000", ((Element) deps.item(0)).getAttribute("timestamp"));
        Path segment = site.macros().resolve("segment-folder.ijm");
        assertEquals(sha1("macros/MedVP/segment-folder.ijm", Files.readString(segment, StandardCharsets.ISO_8859_1)),
                ((Element) ((Element) plugins.item(names.indexOf("macros/MedVP/segment-folder.ijm")))
                        .getElementsByTagName("version").item(0)).getAttribute("checksum"));
    }

    @Test
    void aDefinitionThatDisagreesWithTheDependenciesFailsTheBuild() throws Exception {
        Files.createDirectories(dir.resolve("macros"));
        Files.writeString(dir.resolve("macros").resolve("a.ijm"), "print(1);\n");
        Files.writeString(dir.resolve("macros").resolve("README.txt"), "not a macro");
        Path props = Files.writeString(dir.resolve("site.properties"), "name = S\nurl = https://example.org/s/\n"
                + "description = d\njars = a:one, a:fiji, a:gone\nnot-uploaded = b:native-*\nmacros = macros\n");
        SiteDefinition site = SiteDefinition.read(props);
        assertEquals(dir.resolve("macros").toAbsolutePath(), site.macros());
        List<UpdateSite.Artifact> runtime = List.of(new UpdateSite.Artifact("a", "one", "", jar("one.jar",
                entries("o", "1"))), new UpdateSite.Artifact("a", "fiji", "", dir.resolve("fiji.jar")),
                new UpdateSite.Artifact("b", "native-cpu", "", dir.resolve("n.jar")),
                new UpdateSite.Artifact("c", "new", "", dir.resolve("new.jar")));
        UpdateSite writer = new UpdateSite(site, Set.of("a:fiji"), "20261123120000");
        MedvpException e = assertThrows(MedvpException.class, () -> writer.write(dir.resolve("one.jar"), runtime,
                dir.resolve("out")));
        assertTrue(e.getMessage().contains("a:fiji is listed under jars, but Fiji ships it"), e.getMessage());
        assertTrue(e.getMessage().contains("c:new is a runtime dependency Fiji does not ship"), e.getMessage());
        assertTrue(e.getMessage().contains("a:gone is listed under jars, but is not a runtime dependency"),
                e.getMessage());
        assertFalse(e.getMessage().contains("native"), e.getMessage());

        UpdateSite agreeing = new UpdateSite(new SiteDefinition("S", "u", "d", List.of("a:one"),
                List.of("b:native-*"), site.macros()), Set.of("a:fiji"), "20261123120000");
        List<UpdateSite.SiteFile> files = agreeing.write(dir.resolve("one.jar"), runtime.subList(0, 3),
                dir.resolve("out"));
        assertEquals(List.of("jars/medvp.jar", "jars/one.jar", "macros/MedVP/a.ijm"),
                files.stream().map(UpdateSite.SiteFile::path).toList(), "README.txt is not a macro");
    }

    @Test
    void fijisOwnComponentsAreRecognisedFromPomScijava() throws Exception {
        String bom = System.getProperty("medvp.bom");
        assumeTrue(bom != null && Files.isRegularFile(Path.of(bom)), "pom-scijava not in the local Maven repository");
        Set<String> fiji = UpdateSite.managedBy(Path.of(bom));
        for (String ga : List.of("net.imagej:ij", "org.scijava:scijava-common", "net.imglib2:imglib2",
                "com.google.code.gson:gson", "net.java.dev.jna:jna", "org.apache.commons:commons-compress",
                "org.slf4j:slf4j-api", "commons-io:commons-io", "commons-codec:commons-codec")) {
            assertTrue(fiji.contains(ga), ga);
        }
        // The repository's definition agrees with MedVP's runtime dependencies and the real pom-scijava.
        SiteDefinition site = repositorySite();
        for (String ga : site.jars()) {
            assertFalse(fiji.contains(ga), ga + " is in Fiji already");
        }
        List<UpdateSite.Artifact> runtime = new ArrayList<>();
        for (String ga : List.of("ai.djl:api", "ai.djl.pytorch:pytorch-engine", "ai.djl.pytorch:pytorch-jni",
                "ai.djl.pytorch:pytorch-native-cpu", "com.google.code.gson:gson", "net.java.dev.jna:jna",
                "org.apache.commons:commons-compress", "org.slf4j:slf4j-api", "org.slf4j:slf4j-simple")) {
            String[] p = ga.split(":");
            runtime.add(new UpdateSite.Artifact(p[0], p[1], "", Path.of(p[1] + ".jar")));
        }
        UpdateSite writer = new UpdateSite(site, fiji, null);
        writer.check(runtime);
        assertEquals(site.jars().size(), runtime.stream().filter(writer::ships).count());
        assertFalse(writer.ships(runtime.get(3)), "libtorch is never uploaded");
    }

    @Test
    void theDtdRejectsARecordWithoutAChecksum() throws Exception {
        String xml = UpdateSite.xml(List.of(new UpdateSite.SiteFile("jars/medvp.jar", dir, 1, "ab", 2)), "d")
                .replace(" checksum=\"ab\"", "");
        Path gz = dir.resolve("bad.xml.gz");
        try (OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(xml.getBytes(StandardCharsets.UTF_8));
        }
        SAXParseException e = assertThrows(SAXParseException.class,
                () -> parseValidating(gz));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    /** The definition in the repository's update-site/ folder (tests run in the repository root). */
    private static SiteDefinition repositorySite() throws IOException {
        return SiteDefinition.read(Path.of("update-site", "site.properties"));
    }

    /** Parses db.xml.gz with a validating parser: any DTD violation fails the test. */
    private static Document parseValidating(Path gz) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setValidating(true);
        DocumentBuilder b = f.newDocumentBuilder();
        b.setErrorHandler(new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) throws SAXException {
                throw e;
            }

            @Override
            public void error(SAXParseException e) throws SAXException {
                throw e;
            }

            @Override
            public void fatalError(SAXParseException e) throws SAXException {
                throw e;
            }
        });
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return b.parse(in);
        }
    }
}
