package io.github.medvp.fiji.site;

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
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The update site: the updater's checksums, DTD-valid db.xml.gz, timestamped paths, no jar Fiji already ships. */
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
    void siteHasTimestampedFilesAndAValidIndexWithoutFijisJars() throws Exception {
        Path plugin = jar("medvp.jar", entries("plugins.config", "Plugins>MedVP, \"A (macro)\", x.Y(\"a\")\n"));
        Path djl = jar("api-0.35.1.jar", entries("ai/djl/Engine.class", "cafebabe"));
        Path gson = jar("gson-2.10.1.jar", entries("com/google/gson/Gson.class", "x"));
        Path natives = jar("pytorch-native-cpu-2.7.1-linux-x86_64.jar", entries("native/lib/libtorch.so", "x"));
        Path macros = Files.createDirectories(dir.resolve("macros"));
        Files.writeString(macros.resolve("segment-folder.ijm"), "run(\"MedVP Segment (macro)\");\n");
        Files.writeString(macros.resolve("README.txt"), "not a macro");
        List<String> listing = List.of("The following files have been resolved:",
                "   ai.djl:api:jar:0.35.1:compile:" + djl + " -- module ai.djl.api [auto]",
                "   com.google.code.gson:gson:jar:2.10.1:compile:" + gson + " -- module com.google.gson",
                "   ai.djl.pytorch:pytorch-native-cpu:jar:linux-x86_64:2.7.1:runtime:" + natives + " (optional)");
        List<UpdateSite.Artifact> runtime = UpdateSite.parseDependencyList(listing);
        assertEquals(3, runtime.size());
        assertEquals("linux-x86_64", runtime.get(2).classifier());
        Path bom = Files.writeString(dir.resolve("bom.pom"), "<project><dependencyManagement><dependencies>"
                + "<dependency><groupId>com.google.code.gson</groupId><artifactId>gson</artifactId></dependency>"
                + "</dependencies></dependencyManagement></project>");

        Path out = dir.resolve("site");
        new UpdateSite(UpdateSite.managedBy(bom), "20261123120000").write(plugin, runtime, macros, out);

        for (String path : List.of("jars/medvp.jar", "jars/api-0.35.1.jar", "macros/MedVP/segment-folder.ijm")) {
            assertTrue(Files.isRegularFile(out.resolve(path + "-20261123120000")), path);
        }
        assertArrayEquals(Files.readAllBytes(djl),
                Files.readAllBytes(out.resolve("jars/api-0.35.1.jar-20261123120000")));
        try (var files = Files.walk(out)) {
            List<String> all = files.filter(Files::isRegularFile).map(p -> out.relativize(p).toString()).sorted()
                    .toList();
            assertEquals(List.of("db.xml.gz", "jars/api-0.35.1.jar-20261123120000", "jars/medvp.jar-20261123120000",
                    "macros/MedVP/segment-folder.ijm-20261123120000"), all);
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
        assertEquals(List.of("jars/medvp.jar", "jars/api-0.35.1.jar", "macros/MedVP/segment-folder.ijm"), names);
        Element medvp = (Element) plugins.item(0);
        Element dep = (Element) medvp.getElementsByTagName("dependency").item(0);
        assertEquals("jars/api-0.35.1.jar", dep.getAttribute("filename"));
        assertEquals("20261123120000", dep.getAttribute("timestamp"));
        assertEquals(sha1("macros/MedVP/segment-folder.ijm", "run(\"MedVP Segment (macro)\");\n"),
                ((Element) ((Element) plugins.item(2)).getElementsByTagName("version").item(0))
                        .getAttribute("checksum"));
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
        UpdateSite site = new UpdateSite(fiji, null);
        for (String a : List.of("api", "pytorch-engine")) {
            assertTrue(site.ships(new UpdateSite.Artifact(a.equals("api") ? "ai.djl" : "ai.djl.pytorch", a, "",
                    Path.of(a + ".jar"))), a);
        }
        assertTrue(site.ships(new UpdateSite.Artifact("ai.djl.pytorch", "pytorch-jni", "", Path.of("j.jar"))));
        assertFalse(site.ships(new UpdateSite.Artifact("ai.djl.pytorch", "pytorch-native-cu128", "linux-x86_64",
                Path.of("n.jar"))));
        assertFalse(site.ships(new UpdateSite.Artifact("com.google.code.gson", "gson", "", Path.of("g.jar"))));
    }

    @Test
    void theDtdRejectsARecordWithoutAChecksum() throws Exception {
        String xml = UpdateSite.xml(List.of(new UpdateSite.SiteFile("jars/medvp.jar", dir, 1, "ab", 2)))
                .replace(" checksum=\"ab\"", "");
        Path gz = dir.resolve("bad.xml.gz");
        try (OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(xml.getBytes(StandardCharsets.UTF_8));
        }
        SAXParseException e = org.junit.jupiter.api.Assertions.assertThrows(SAXParseException.class,
                () -> parseValidating(gz));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
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
