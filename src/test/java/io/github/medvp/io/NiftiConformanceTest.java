package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every file of the shared data set read as nibabel reads it ({@code expected.json}), as stored and as RAS. */
class NiftiConformanceTest {

    static Path sharedNifti() {
        String shared = System.getProperty("medvp.shared", "../shared");
        Path dir = Paths.get(shared, "data", "nifti");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("expected.json")),
                "../shared not found: " + dir.toAbsolutePath() + " (conformance data); skipping");
        return dir;
    }

    @TestFactory
    Stream<DynamicTest> matchesNibabel() throws IOException {
        Path dir = sharedNifti();
        JsonObject expected;
        try (Reader r = Files.newBufferedReader(dir.resolve("expected.json"))) {
            expected = JsonParser.parseReader(r).getAsJsonObject();
        }
        assertTrue(expected.size() >= 9, "expected.json lists the shared files");
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : expected.entrySet()) {
            JsonObject file = e.getValue().getAsJsonObject();
            for (String section : new String[] { "as_stored", "ras" }) {
                tests.add(DynamicTest.dynamicTest(e.getKey() + " " + section,
                        () -> check(dir.resolve(e.getKey()), file, section)));
            }
        }
        return tests.stream();
    }

    private static void check(Path path, JsonObject file, String section) throws IOException {
        JsonObject exp = file.getAsJsonObject(section);
        Volume v = NiftiReader.read(path);
        NiftiHeader h = v.header();
        assertEquals(file.get("datatype").getAsInt(), h.datatype(), "datatype");
        assertEquals(file.get("sform_code").getAsInt(), h.sformCode(), "sform_code");
        assertEquals(file.get("qform_code").getAsInt(), h.qformCode(), "qform_code");
        assertEquals(file.get("format").getAsString().equals("Nifti2Image") ? 2 : 1, h.version(), "version");
        List<long[]> indices = new ArrayList<>();
        JsonArray samples = exp.getAsJsonArray("samples");
        for (JsonElement s : samples) {
            indices.add(longs(s.getAsJsonObject().getAsJsonArray("index")));
        }
        VolumeInspector.Report r = VolumeInspector.inspect(v, path.toString(), section.equals("ras"), indices);
        assertArrayEquals(longs(exp.getAsJsonArray("shape")), r.shape, "shape");
        assertEquals(exp.get("axcodes").getAsString(), r.axcodes, "axcodes");
        JsonArray aff = exp.getAsJsonArray("affine");
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(doubles(aff.get(i).getAsJsonArray()), r.affine[i], 1e-6, "affine row " + i);
        }
        assertArrayEquals(doubles(exp.getAsJsonArray("zooms")), r.zooms, 1e-6, "zooms");
        close(exp, "min", r.min);
        close(exp, "max", r.max);
        close(exp, "mean", r.mean);
        close(exp, "sum", r.sum);
        for (int i = 0; i < samples.size(); i++) {
            double want = number(samples.get(i).getAsJsonObject().get("value"));
            assertEquals(want, r.samples.get(i).value, 0.0, "sample " + samples.get(i));
        }
    }

    private static void close(JsonObject exp, String key, double actual) {
        double want = number(exp.get(key));
        if (Double.isNaN(want)) {
            assertTrue(Double.isNaN(actual), key + " should be NaN, was " + actual);
        } else {
            assertEquals(want, actual, Math.abs(want) * 1e-9, key);
        }
    }

    private static double number(JsonElement e) {
        return e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }

    private static long[] longs(JsonArray a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsLong();
        }
        return out;
    }

    private static double[] doubles(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(a.get(i));
        }
        return out;
    }
}
