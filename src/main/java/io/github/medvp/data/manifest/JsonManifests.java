package io.github.medvp.data.manifest;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import io.github.medvp.MedvpException;

/**
 * Reads the reference code's {@code jsons/dataset_*.json} lists and MONAI datalists; both are
 * {@code {"training": [records], "validation": [...], "test": [...]}} with any subset of the keys.
 * <p>
 * A record's {@code "image"} is a list of files (one modality each, named by the file's last token) or one file.
 * One file is a 4D multi-channel image when a channel-name hint is given, either in the record or at the top level:
 * {@code "modalities"} or {@code "channel_names"} (a list) or the Decathlon's {@code "modality"} (an object
 * {@code {"0": "FLAIR", ...}}); a hint as long as an image list names those files instead of their tokens.
 * {@code "label"} is a label-map file (string) or a class index (number); {@code "class"} is a class index;
 * {@code "report"} or {@code "text"} a report; {@code "id"} the study id (default: the case part of the first file
 * name). Relative paths resolve against the base directory.
 */
final class JsonManifests {

    private static final String[] HINT_KEYS = { "modalities", "channel_names", "modality" };

    private JsonManifests() {
    }

    static StudyManifest read(Path json, Path baseDir, ModalityNames names) throws IOException {
        JsonObject root;
        try (Reader r = Files.newBufferedReader(json)) {
            JsonElement e = JsonParser.parseReader(r);
            if (!e.isJsonObject()) {
                throw new MedvpException(json + ": expected a JSON object with \"training\", \"validation\" or "
                        + "\"test\" lists");
            }
            root = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IOException(json + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        List<String> topHint = hint(root, json, "top level");
        Map<Split, List<Study>> splits = new EnumMap<>(Split.class);
        Set<String> ids = new HashSet<>();
        for (Split split : Split.values()) {
            JsonElement list = root.get(split.key());
            if (list == null || list.isJsonNull()) {
                continue;
            }
            if (!list.isJsonArray()) {
                throw new MedvpException(json + ": \"" + split.key() + "\" must be a list of records");
            }
            List<Study> studies = new ArrayList<>();
            JsonArray a = list.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                String where = json.getFileName() + " " + split.key() + "[" + i + "]";
                JsonObject rec;
                if (a.get(i).isJsonObject()) {
                    rec = a.get(i).getAsJsonObject();
                } else if (a.get(i).isJsonPrimitive()) {
                    // The Decathlon lists test cases as bare file names.
                    rec = new JsonObject();
                    rec.add("image", a.get(i));
                } else {
                    throw new MedvpException(json + ": " + split.key() + "[" + i + "] is not a record");
                }
                Study s = record(rec, where, json, baseDir, names, topHint);
                studies.add(unique(s, ids));
            }
            splits.put(split, studies);
        }
        if (splits.isEmpty()) {
            throw new MedvpException(json + ": no \"training\", \"validation\" or \"test\" list found");
        }
        return new StudyManifest(splits, json.toString());
    }

    private static Study record(JsonObject rec, String where, Path json, Path base, ModalityNames names,
            List<String> topHint) {
        JsonElement image = rec.get("image");
        if (image == null || image.isJsonNull()) {
            throw new MedvpException(json + ": " + where + " has no \"image\"");
        }
        List<String> hint = hint(rec, json, where);
        if (hint == null) {
            hint = topHint;
        }
        List<Study.Channel> channels = new ArrayList<>();
        if (image.isJsonPrimitive()) {
            Path p = resolve(base, string(image, json, where));
            if (hint != null) {
                for (int v = 0; v < hint.size(); v++) {
                    channels.add(new Study.Channel(hint.get(v), names.resolve(hint.get(v)), p, v));
                }
            } else {
                channels.add(channel(p, ModalityNames.token(p), names));
            }
        } else if (image.isJsonArray()) {
            JsonArray files = image.getAsJsonArray();
            boolean named = hint != null && hint.size() == files.size();
            for (int i = 0; i < files.size(); i++) {
                Path p = resolve(base, string(files.get(i), json, where));
                channels.add(channel(p, named ? hint.get(i) : ModalityNames.token(p), names));
            }
        } else {
            throw new MedvpException(json + ": " + where + " \"image\" must be a file name or a list of them");
        }
        Path label = null;
        Integer cls = null;
        JsonElement l = rec.get("label");
        if (l != null && l.isJsonPrimitive()) {
            JsonPrimitive lp = l.getAsJsonPrimitive();
            if (lp.isNumber()) {
                cls = lp.getAsInt();
            } else {
                label = resolve(base, lp.getAsString());
            }
        }
        if (rec.has("class") && rec.get("class").isJsonPrimitive()) {
            cls = rec.get("class").getAsInt();
        }
        String report = optString(rec, "report");
        if (report == null) {
            report = optString(rec, "text");
        }
        String id = optString(rec, "id");
        if (id == null) {
            id = defaultId(channels.isEmpty() ? null : channels.get(0).path(), image.isJsonPrimitive());
        }
        return new Study(id, channels, label, cls, report, where);
    }

    /**
     * Writes {@code m} in the format {@link #read} reads back to the same studies: absolute paths, the study id, and
     * per-record {@code "modalities"} (the tokens, so unknown ones stay visible) with a 4D file's channels.
     */
    static void write(StudyManifest m, Path json) throws IOException {
        JsonObject root = new JsonObject();
        for (Split split : Split.values()) {
            if (m.get(split).isEmpty()) {
                continue;
            }
            JsonArray list = new JsonArray();
            for (Study s : m.get(split)) {
                list.add(record(s));
            }
            root.add(split.key(), list);
        }
        io.github.medvp.io.AtomicFiles.write(json, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
                .create().toJson(root).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static JsonObject record(Study s) {
        JsonObject r = new JsonObject();
        r.addProperty("id", s.id());
        JsonArray tokens = new JsonArray();
        // One 4D file when channel i is volume i of the same file; read() restores that from "modalities".
        boolean single = !s.channels().isEmpty();
        for (int i = 0; i < s.channels().size(); i++) {
            Study.Channel c = s.channels().get(i);
            tokens.add(c.token());
            single &= c.volume() == i && c.path().equals(s.channels().get(0).path());
        }
        if (single) {
            r.addProperty("image", s.channels().get(0).path().toAbsolutePath().toString());
        } else {
            JsonArray files = new JsonArray();
            for (Study.Channel c : s.channels()) {
                files.add(c.path().toAbsolutePath().toString());
            }
            r.add("image", files);
        }
        r.add("modalities", tokens);
        if (s.label() != null) {
            r.addProperty("label", s.label().toAbsolutePath().toString());
        }
        if (s.classLabel() != null) {
            r.addProperty("class", s.classLabel());
        }
        if (s.report() != null) {
            r.addProperty("report", s.report());
        }
        return r;
    }

    /** The case part of the first file name; for a single (4D) file or files without tokens, the whole stem. */
    static String defaultId(Path first, boolean singleFile) {
        if (first == null) {
            return "study";
        }
        String caseName = ModalityNames.caseName(first);
        if (singleFile || caseName.isEmpty()) {
            return ModalityNames.stripExtension(first.getFileName().toString());
        }
        return caseName;
    }

    /** Ids must be unique in a manifest; repeats get {@code #2}, {@code #3}, ... */
    static Study unique(Study s, Set<String> ids) {
        if (ids.add(s.id())) {
            return s;
        }
        int n = 2;
        while (!ids.add(s.id() + "#" + n)) {
            n++;
        }
        return new Study(s.id() + "#" + n, s.channels(), s.label(), s.classLabel(), s.report(), s.source());
    }

    private static Study.Channel channel(Path p, String token, ModalityNames names) {
        return new Study.Channel(token, names.resolve(token), p);
    }

    private static List<String> hint(JsonObject o, Path json, String where) {
        for (String key : HINT_KEYS) {
            JsonElement h = o.get(key);
            if (h == null || h.isJsonNull()) {
                continue;
            }
            List<String> out = new ArrayList<>();
            if (h.isJsonArray()) {
                for (JsonElement e : h.getAsJsonArray()) {
                    out.add(string(e, json, where));
                }
            } else if (h.isJsonObject()) {
                // Decathlon style {"0": "FLAIR", "1": "T1w"}: keys are channel indices.
                JsonObject m = h.getAsJsonObject();
                for (int i = 0; m.has(String.valueOf(i)); i++) {
                    out.add(string(m.get(String.valueOf(i)), json, where));
                }
            } else {
                out.add(string(h, json, where));
            }
            return out;
        }
        return null;
    }

    private static String string(JsonElement e, Path json, String where) {
        if (e == null || !e.isJsonPrimitive()) {
            throw new MedvpException(json + ": " + where + ": expected a string, found " + e);
        }
        return e.getAsString();
    }

    private static String optString(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    private static Path resolve(Path base, String p) {
        return base.resolve(p).normalize();
    }
}
