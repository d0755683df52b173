package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsTest {
    @TempDir
    Path tmp;

    private static Map<String, HostTensor> sample() {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("w", HostTensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, -6.5f));
        m.put("idx", HostTensor.ofLongs(new long[] {3}, 7, -1, Long.MAX_VALUE));
        m.put("mask", HostTensor.ofBytes(DType.BOOL, new long[] {3}, (byte) 1, (byte) 0, (byte) 1));
        m.put("half", HostTensor.of(DType.F16, new long[] {1},
                ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 0x3c00)));
        m.put("scalar", HostTensor.ofDoubles(new long[0], Math.PI));
        m.put("empty", HostTensor.ofFloats(new long[] {0, 4}));
        return m;
    }

    @Test
    void roundTripKeepsTensorsAndMetadata() throws IOException {
        Path f = tmp.resolve("a.safetensors");
        Map<String, String> meta = Map.of("format", "pt", "note", "ünïcode");
        Safetensors.write(f, sample(), meta);
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals(sample(), c.tensors());
        assertEquals(meta, c.metadata());
        assertEquals(1.0f, c.tensors().get("half").toFloatArray()[0]);
        // Header length field plus header are a multiple of 8, as the format requires.
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
        try (var list = Files.list(tmp)) {
            assertEquals(List.of(f), list.toList(), "no temporary file may be left behind");
        }
    }

    @Test
    void writingIsDeterministicWhateverTheMapOrder() throws IOException {
        Map<String, HostTensor> reversed = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(sample().keySet());
        java.util.Collections.reverse(keys);
        keys.forEach(k -> reversed.put(k, sample().get(k)));
        Path a = tmp.resolve("a.safetensors");
        Path b = tmp.resolve("b.safetensors");
        Safetensors.write(a, sample(), Map.of());
        Safetensors.write(b, reversed, Map.of());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void writeReplacesAnExistingFile() throws IOException {
        Path f = tmp.resolve("a.safetensors");
        Files.writeString(f, "old");
        Safetensors.write(f, Map.of("x", HostTensor.ofFloats(new long[] {1}, 3)), Map.of());
        assertEquals(3f, Safetensors.read(f).tensors().get("x").toFloatArray()[0]);
    }

    @Test
    void largeFilesAreMappedAndReadCorrectly() throws IOException {
        int n = (int) (Safetensors.MAP_THRESHOLD_BYTES / 4) + 3;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * 0.5f;
        }
        Path f = tmp.resolve("big.safetensors");
        Safetensors.write(f, Map.of("v", HostTensor.ofFloats(new long[] {n}, v)), Map.of());
        HostTensor t = Safetensors.read(f).tensors().get("v");
        assertTrue(t.data().isDirect(), "expected a memory-mapped buffer");
        assertArrayEquals(v, t.toFloatArray());
    }

    /** Writes a file with the given header JSON and data bytes, the header length field computed from the JSON. */
    private Path raw(String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = tmp.resolve("bad.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static void assertRejected(Path f, String expectedProblem) {
        IOException e = assertThrows(IOException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expectedProblem), e.getMessage());
    }

    @Test
    void validHandMadeHeaderIsAccepted() throws IOException {
        Path f = raw("{\"a\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        assertEquals(2, Safetensors.read(f).tensors().get("a").numel());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}}|outside the data region",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}|does not match",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}|overlap",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}|not a non-negative integer",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}|outside the data region",
        "{\"a\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}|unsupported or missing dtype",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,8]}}"
                + "|does not match",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}|not an array of 2",
        "{\"__metadata__\":{\"k\":3}}|not a string",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}|not valid JSON",
        "[1,2]|not a JSON object",
        "{\"a\":[[[[1]]]]}|nested too deeply",
        "{\"a\":1} x|JSON",
    })
    void corruptHeadersAreRejectedNamingTheFile(String caseSpec) throws IOException {
        String[] parts = caseSpec.split("\\|");
        assertRejected(raw(parts[0], 8), parts[1]);
    }

    @Test
    void headerLengthPastTheEndIsRejected() throws IOException {
        Path f = tmp.resolve("bad.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).put("{}      ".getBytes());
        Files.write(f, b.array());
        assertRejected(f, "header length 1000");
    }

    @Test
    void truncatedFilesAreRejected() throws IOException {
        Path good = tmp.resolve("good.safetensors");
        Safetensors.write(good, sample(), Map.of());
        byte[] all = Files.readAllBytes(good);
        Path f = tmp.resolve("bad.safetensors");
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 1));
        assertRejected(f, "outside the data region");
        Files.write(f, java.util.Arrays.copyOf(all, 5));
        assertRejected(f, "too short");
    }

    @Test
    void parityInputsAndExpectedOutputsHaveTheShapesOfMetaJson() throws IOException {
        for (String model : ParityDirs.MODELS) {
            Path dir = ParityDirs.dir(model);
            JsonObject meta = ParityDirs.meta(model);
            HostTensor x = Safetensors.read(dir.resolve("input.safetensors")).tensors().get("x");
            assertArrayEquals(longs(meta.getAsJsonArray("input_shape")), x.shape(), model);
            assertEquals(DType.F32, x.dtype());
            Map<String, HostTensor> expected = Safetensors.read(dir.resolve("expected.safetensors")).tensors();
            JsonObject outputs = meta.getAsJsonObject("outputs");
            assertEquals(outputs.keySet(), expected.keySet(), model);
            for (String k : outputs.keySet()) {
                assertArrayEquals(longs(outputs.getAsJsonArray(k)), expected.get(k).shape(), model + " " + k);
            }
        }
    }

    private static long[] longs(JsonArray a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsLong();
        }
        return out;
    }
}
