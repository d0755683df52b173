package io.github.medvp.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the <a href="https://huggingface.co/docs/safetensors">safetensors</a> format: an 8-byte
 * little-endian header length, a JSON header mapping each tensor name to {@code dtype}, {@code shape} and
 * {@code data_offsets} (plus an optional {@code __metadata__} string map), then the raw little-endian data.
 * <p>
 * Reading checks every header field against the file before any tensor is created, so a damaged or hostile file
 * gives an {@link IOException} naming the file and the problem. Large files are memory-mapped.
 */
public final class Safetensors {
    /** The same limit as the reference implementation: larger headers are refused before being read. */
    static final long MAX_HEADER_BYTES = 100L << 20;
    /** Data regions from this size on are memory-mapped instead of read into the heap. */
    static final long MAP_THRESHOLD_BYTES = 4L << 20;
    private static final String METADATA_KEY = "__metadata__";
    /** Root object, tensor entry, shape array: deeper nesting is invalid and could exhaust gson's recursion. */
    private static final int MAX_JSON_DEPTH = 3;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private Safetensors() {
    }

    /** The tensors of a file in header order, and its {@code __metadata__} (empty when absent). */
    public record Contents(Map<String, HostTensor> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /** A validated header entry; offsets are relative to the start of the data region. */
    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    /**
     * Reads all tensors and the metadata of {@code file}.
     *
     * @throws IOException if the file cannot be read or is not valid safetensors; the message names the file
     */
    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw fail(file, "file too short for a safetensors header (" + size + " bytes)");
            }
            long headerLength = readFully(file, ch, 0, 8).getLong(0);
            if (headerLength < 2 || headerLength > size - 8 || headerLength > MAX_HEADER_BYTES) {
                throw fail(file, "header length " + Long.toUnsignedString(headerLength) + " does not fit the file size "
                        + size);
            }
            JsonObject header = parseHeader(file, readFully(file, ch, 8, (int) headerLength));
            long dataStart = 8 + headerLength;
            long dataLength = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals(METADATA_KEY)) {
                    metadata = parseMetadata(file, e.getValue());
                } else {
                    entries.add(parseEntry(file, e.getKey(), e.getValue(), dataLength));
                }
            }
            checkNoOverlap(file, entries);
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            ByteBuffer data = null;
            if (size <= Integer.MAX_VALUE) {
                data = dataLength >= MAP_THRESHOLD_BYTES
                        ? ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLength)
                        : readFully(file, ch, dataStart, (int) dataLength);
            }
            for (Entry en : entries) {
                long length = en.end - en.begin;
                ByteBuffer bytes;
                if (data != null) {
                    bytes = data.slice((int) en.begin, (int) length);
                } else if (length > Integer.MAX_VALUE) {
                    throw fail(file, "tensor " + en.name + " is larger than 2 GiB, which is not supported");
                } else {
                    // Files over 2 GiB cannot be mapped as one buffer, so each tensor gets its own mapping.
                    bytes = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + en.begin, length);
                }
                tensors.put(en.name, HostTensor.of(en.dtype, en.shape, bytes));
            }
            return new Contents(tensors, metadata);
        }
    }

    private static JsonObject parseHeader(Path file, ByteBuffer bytes) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw fail(file, "header is not valid UTF-8");
        }
        if (jsonDepth(text) > MAX_JSON_DEPTH) {
            throw fail(file, "header JSON is nested too deeply");
        }
        JsonElement root;
        boolean trailing;
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setLenient(false);
            root = GSON.getAdapter(JsonElement.class).read(reader);
            trailing = reader.peek() != JsonToken.END_DOCUMENT;
        } catch (JsonParseException | IllegalStateException | IOException e) {
            throw fail(file, "header is not valid JSON (" + e.getMessage() + ")");
        }
        if (trailing) {
            throw fail(file, "header has trailing characters after the JSON object");
        }
        if (root == null || !root.isJsonObject()) {
            throw fail(file, "header is not a JSON object");
        }
        return root.getAsJsonObject();
    }

    /** The maximum nesting of objects and arrays, ignoring brackets inside strings. */
    private static int jsonDepth(String s) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                max = Math.max(max, ++depth);
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return max;
    }

    private static Map<String, String> parseMetadata(Path file, JsonElement value) throws IOException {
        if (!value.isJsonObject()) {
            throw fail(file, METADATA_KEY + " is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : value.getAsJsonObject().entrySet()) {
            if (!(e.getValue() instanceof JsonPrimitive p) || !p.isString()) {
                throw fail(file, METADATA_KEY + " value for '" + e.getKey() + "' is not a string");
            }
            metadata.put(e.getKey(), p.getAsString());
        }
        return metadata;
    }

    private static Entry parseEntry(Path file, String name, JsonElement value, long dataLength) throws IOException {
        String what = "tensor '" + name + "'";
        if (!value.isJsonObject()) {
            throw fail(file, what + " is not described by a JSON object");
        }
        JsonObject o = value.getAsJsonObject();
        JsonElement dt = o.get("dtype");
        DType dtype = dt instanceof JsonPrimitive p && p.isString() ? DType.fromSafetensorsName(p.getAsString()) : null;
        if (dtype == null) {
            throw fail(file, what + " has an unsupported or missing dtype " + dt);
        }
        long[] shape = longArray(file, what + " shape", o.get("shape"), -1);
        long[] offsets = longArray(file, what + " data_offsets", o.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > dataLength) {
            throw fail(file, what + " data_offsets [" + begin + ", " + end + "] are outside the data region of "
                    + dataLength + " bytes");
        }
        long numel = HostTensor.numelOf(shape);
        if (numel < 0 || numel > Long.MAX_VALUE / dtype.itemSize() || numel * dtype.itemSize() != end - begin) {
            throw fail(file, what + " shape " + Arrays.toString(shape) + " of " + dtype + " does not match its "
                    + (end - begin) + " data bytes");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** A JSON array of non-negative integers; {@code length} -1 means any length. */
    private static long[] longArray(Path file, String what, JsonElement value, int length) throws IOException {
        if (value == null || !value.isJsonArray() || (length >= 0 && value.getAsJsonArray().size() != length)) {
            throw fail(file, what + " is missing or not an array" + (length >= 0 ? " of " + length : ""));
        }
        JsonArray a = value.getAsJsonArray();
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                if (!(a.get(i) instanceof JsonPrimitive p) || !p.isNumber()) {
                    throw new NumberFormatException();
                }
                out[i] = p.getAsBigDecimal().longValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                out[i] = -1;
            }
            if (out[i] < 0) {
                throw fail(file, what + " holds " + a.get(i) + ", not a non-negative integer");
            }
        }
        return out;
    }

    private static void checkNoOverlap(Path file, List<Entry> entries) throws IOException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < sorted.size(); i++) {
            Entry prev = sorted.get(i - 1);
            Entry cur = sorted.get(i);
            if (cur.begin < prev.end) {
                throw fail(file, "data of tensors '" + prev.name + "' and '" + cur.name + "' overlap");
            }
        }
    }

    /**
     * Atomically writes {@code tensors} and {@code metadata} to {@code file}. The layout is deterministic: tensors
     * ordered by element size (largest first, which keeps every tensor aligned to its element size) and then by
     * name, header padded with spaces to a multiple of 8 bytes.
     */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
            throws IOException {
        List<Map.Entry<String, HostTensor>> order = new ArrayList<>(tensors.entrySet());
        order.sort(Comparator.<Map.Entry<String, HostTensor>>comparingInt(e -> -e.getValue().dtype().itemSize())
                .thenComparing(Map.Entry::getKey));
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add(METADATA_KEY, meta);
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : order) {
            if (e.getKey() == null || e.getKey().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name " + e.getKey());
            }
            HostTensor t = e.getValue();
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", t.dtype().name());
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + t.byteSize());
            entry.add("data_offsets", offsets);
            header.add(e.getKey(), entry);
            offset += t.byteSize();
        }
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        AtomicFiles.write(file, ch -> {
            AtomicFiles.writeFully(ch, head);
            for (Map.Entry<String, HostTensor> e : order) {
                AtomicFiles.writeFully(ch, e.getValue().data());
            }
        });
    }

    private static ByteBuffer readFully(Path file, FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw fail(file, "unexpected end of file (was it truncated while being read?)");
            }
        }
        return b.flip();
    }

    private static IOException fail(Path file, String problem) {
        return new IOException(file + ": " + problem);
    }
}
