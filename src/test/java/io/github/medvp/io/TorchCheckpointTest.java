package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TorchCheckpointTest {
    @TempDir
    Path tmp;

    /** Copies a fixture written by {@code torch/make_fixtures.py} to a file. */
    private Path fixture(String name) throws IOException {
        Path f = tmp.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("torch/" + name)) {
            Files.copy(in, f);
        }
        return f;
    }

    /** The tensors make_fixtures.py writes, with their values as hand-computed from the storages and views. */
    private static void assertFixtureStateDict(Map<String, HostTensor> sd) {
        assertEquals(List.of("w", "t", "i", "h", "b", "p", "sub.u", "sub.m"), List.copyOf(sd.keySet()));
        assertEquals(HostTensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6), sd.get("w"));
        // Transposed view (size (3,2), stride (1,3)) materialised contiguously.
        assertEquals(HostTensor.ofFloats(new long[] {3, 2}, 1, 4, 2, 5, 3, 6), sd.get("t"));
        // Offset 1, stride 2 over [10,20,30,40,50].
        assertEquals(HostTensor.ofLongs(new long[] {2}, 20, 40), sd.get("i"));
        assertEquals(DType.F16, sd.get("h").dtype());
        assertArrayEquals(new float[] {1f, -2f, 0.333251953125f}, sd.get("h").toFloatArray());
        assertEquals(DType.BF16, sd.get("b").dtype());
        assertArrayEquals(new float[] {1f, -3f}, sd.get("b").toFloatArray());
        assertEquals(HostTensor.ofFloats(new long[0], 0.5f), sd.get("p"));
        assertEquals(HostTensor.ofBytes(DType.U8, new long[] {3}, (byte) 1, (byte) 2, (byte) 3), sd.get("sub.u"));
        assertEquals(HostTensor.ofBytes(DType.BOOL, new long[] {2}, (byte) 1, (byte) 0), sd.get("sub.m"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"proto2.pt", "proto4.pt", "proto5.pt", "bigendian.pt", "nested.pt"})
    void readsStateDictsOfAllProtocolsAndLayouts(String name) throws IOException {
        assertFixtureStateDict(TorchCheckpoint.readStateDict(fixture(name)));
    }

    @Test
    void readsPlainValuesAroundTheStateDict() throws IOException {
        Map<?, ?> root = (Map<?, ?>) TorchCheckpoint.read(fixture("nested.pt"));
        assertEquals(3L, root.get("epoch"));
        assertEquals(0.001, root.get("lr"));
        assertEquals(java.util.Arrays.asList("a", null, true), root.get("tags"));
        assertTrue(((Map<?, ?>) root.get("state_dict")).get("sub") instanceof Map);
    }

    @Test
    void tensorFilesChoosesTheReaderByContent() throws IOException {
        Path pt = fixture("proto2.pt");
        Path renamed = tmp.resolve("weights.safetensors"); // misleading name on purpose
        Files.copy(pt, renamed);
        assertFixtureStateDict(TensorFiles.readStateDict(renamed));
    }

    @Test
    void maliciousGlobalIsRefusedAndNothingRuns() throws IOException {
        Path marker = tmp.resolve("pwned");
        // os.system("touch <marker>") as protocol 2 would write it: GLOBAL, argument tuple, REDUCE.
        byte[] pkl = TorchZips.pickle("\u0080\u0002", "cos\nsystem\n", "X", le32(("touch " + marker).length()),
                "touch " + marker, "\u0085R.");
        Path f = TorchZips.write(tmp.resolve("evil.pt"), pkl, Map.of());
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.readStateDict(f));
        assertEquals(f + ": refuses to load global os.system (only tensors and plain containers are allowed)",
                e.getMessage());
        assertFalse(Files.exists(marker));
        assertThrows(IOException.class, () -> TensorFiles.readStateDict(f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"builtins\neval", "subprocess\nPopen", "torch\nload", "collections\ndefaultdict"})
    void everyGlobalOutsideTheAllowListIsRefused(String global) throws IOException {
        String[] mn = global.split("\n");
        // STACK_GLOBAL (protocol 4) inside a dict value, so refusal must not depend on the global being at the top.
        byte[] pkl = TorchZips.pickle("\u0080\u0004}", "\u008c\u0001k", "\u008c", String.valueOf((char) mn[0].length()),
                mn[0], "\u008c", String.valueOf((char) mn[1].length()), mn[1], "\u0093s.");
        Path f = TorchZips.write(tmp.resolve("evil.pt"), pkl, Map.of());
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(f));
        assertTrue(e.getMessage().contains("refuses to load global " + mn[0] + "." + mn[1]), e.getMessage());
    }

    @Test
    void legacyPickleFilesGetAClearMessage() throws IOException {
        Path f = tmp.resolve("old.pth");
        Files.write(f, TorchZips.pickle("\u0080\u0002\u008a\nl\u00fc\u009cF\u00f9 j\u00a8P\u0019."));
        IOException e = assertThrows(IOException.class, () -> TensorFiles.readStateDict(f));
        assertTrue(e.getMessage().contains("legacy (pre-1.6)") && e.getMessage().contains("re-save"), e.getMessage());
    }

    /** A one-tensor state dict {'x': tensor} over storage '0' of {@code numel} floats with the given geometry. */
    private Path oneTensor(int numel, int offset, String sizeTuple, String strideTuple, byte[] storage)
            throws IOException {
        byte[] pkl = TorchZips.pickle("\u0080\u0002}X", le32(1), "x", "ctorch._utils\n_rebuild_tensor_v2\n(",
                "(X", le32(7), "storage", "ctorch\nFloatStorage\n", "X", le32(1), "0", "X", le32(3), "cpu",
                "K", String.valueOf((char) numel), "tQK", String.valueOf((char) offset), sizeTuple, strideTuple,
                "\u0089N", "tRs.");
        return TorchZips.write(tmp.resolve("one.pt"), pkl, Map.of("0", storage));
    }

    @Test
    void viewPastTheEndOfItsStorageIsRejected() throws IOException {
        // size (2,2) stride (2,1) at offset 1 needs elements up to 1 + 2 + 1 = 4, but the storage has 4 (0..3).
        Path f = oneTensor(4, 1, "K\u0002K\u0002\u0086", "K\u0002K\u0001\u0086", new byte[16]);
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(f));
        assertTrue(e.getMessage().contains("reaches past its storage"), e.getMessage());
    }

    @Test
    void storageShorterThanDeclaredIsRejected() throws IOException {
        Path f = oneTensor(4, 0, "K\u0004\u0085", "K\u0001\u0085", new byte[12]);
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(f));
        assertTrue(e.getMessage().contains("fewer than the 16 bytes"), e.getMessage());
    }

    @Test
    void handWrittenStridedTensorIsMaterialised() throws IOException {
        // Storage [0,1,...,5]; view size (2,2) stride (1,3) at offset 1 -> [[1,4],[2,5]].
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            b.putFloat(i);
        }
        Path f = oneTensor(6, 1, "K\u0002K\u0002\u0086", "K\u0001K\u0003\u0086", b.array());
        assertEquals(HostTensor.ofFloats(new long[] {2, 2}, 1, 4, 2, 5), TorchCheckpoint.readStateDict(f).get("x"));
    }

    @Test
    void selfReferencesCannotHangTheReader() throws IOException {
        // d = {}; d['d'] = d; state dict search and flattening must terminate.
        byte[] pkl = TorchZips.pickle("\u0080\u0002}q\u0000X", le32(1), "dh\u0000s.");
        Path f = TorchZips.write(tmp.resolve("loop.pt"), pkl, Map.of());
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.readStateDict(f));
        assertTrue(e.getMessage().contains("holds no state dict"), e.getMessage());
        // A list used as a dict key is refused rather than hashed.
        byte[] listKey = TorchZips.pickle("\u0080\u0002}]q\u0000h\u0000aK\u0001s.");
        Path g = TorchZips.write(tmp.resolve("key.pt"), listKey, Map.of());
        assertTrue(assertThrows(IOException.class, () -> TorchCheckpoint.read(g)).getMessage()
                .contains("unsupported dictionary key"));
    }

    @Test
    void plainDictWithoutTensorsIsNotAStateDict() throws IOException {
        // {'epoch': 3, 'best': None}, the None through SETITEM.
        byte[] pkl = TorchZips.pickle("\u0080\u0002}X", le32(5), "epochK\u0003sX", le32(4), "bestNs.");
        Path f = TorchZips.write(tmp.resolve("meta.pt"), pkl, Map.of());
        Map<Object, Object> expected = new java.util.LinkedHashMap<>();
        expected.put("epoch", 3L);
        expected.put("best", null);
        assertEquals(expected, TorchCheckpoint.read(f));
        assertThrows(IOException.class, () -> TorchCheckpoint.readStateDict(f));
    }

    private static String le32(int v) {
        return new String(new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)},
                java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    // ---- reference parity files ----

    @Test
    void parityWeightsAreIdenticalInBothFormats() throws IOException {
        for (String model : ParityDirs.MODELS) {
            Path dir = ParityDirs.dir(model);
            Map<String, HostTensor> pt = TorchCheckpoint.readStateDict(dir.resolve("weights.pt"));
            Map<String, HostTensor> st = Safetensors.read(dir.resolve("weights.safetensors")).tensors();
            Set<String> floating = pt.entrySet().stream().filter(e -> e.getValue().dtype().isFloatingPoint())
                    .map(Map.Entry::getKey).collect(Collectors.toSet());
            assertEquals(st.keySet(), floating, model);
            assertFalse(st.isEmpty(), model);
            for (String k : st.keySet()) {
                HostTensor a = pt.get(k);
                HostTensor b = st.get(k);
                assertEquals(b.dtype(), a.dtype(), model + " " + k);
                assertArrayEquals(b.shape(), a.shape(), model + " " + k);
                assertEquals(b.data(), a.data(), model + " " + k + " bytes differ");
            }
            Set<String> others = new HashSet<>(pt.keySet());
            others.removeAll(floating);
            JsonObject meta = ParityDirs.meta(model);
            Set<String> declared = new HashSet<>();
            if (meta.has("non_float_buffers")) {
                for (JsonElement e : meta.getAsJsonArray("non_float_buffers")) {
                    declared.add(e.getAsString());
                }
            }
            // uniformer's BatchNorm num_batches_tracked counters are int64 too; every int tensor must be accounted for.
            for (String k : others) {
                assertTrue(declared.contains(k) || k.endsWith("num_batches_tracked"), model + " unexpected " + k);
            }
            assertTrue(others.containsAll(declared), model + " misses " + declared);
        }
    }

    @Test
    void swinRelativePositionIndicesIndexTheirTables() throws IOException {
        Path dir = ParityDirs.dir("swin-tiny");
        Map<String, HostTensor> pt = TorchCheckpoint.readStateDict(dir.resolve("weights.pt"));
        JsonObject meta = ParityDirs.meta("swin-tiny");
        long window = meta.get("window").getAsLong();
        for (JsonElement e : meta.getAsJsonArray("non_float_buffers")) {
            String key = e.getAsString();
            HostTensor index = pt.get(key);
            assertEquals(DType.I64, index.dtype(), key);
            long n = window * window * window;
            assertArrayEquals(new long[] {n, n}, index.shape(), key);
            HostTensor table = pt.get(key.replace("relative_position_index", "relative_position_bias_table"));
            long rows = table.shape()[0];
            long[] v = index.toLongArray();
            long max = -1;
            for (long x : v) {
                assertTrue(x >= 0 && x < rows, key + " value " + x + " outside [0, " + rows + ")");
                max = Math.max(max, x);
            }
            assertEquals(rows - 1, max, key + " should use the last table row");
        }
        assertNull(pt.get("nonexistent"));
    }
}
