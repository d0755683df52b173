package io.github.medvp.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads files written by {@code torch.save} (PyTorch 1.6 and later: a zip archive holding
 * {@code <prefix>/data.pkl}, {@code <prefix>/data/<key>} storages and optionally {@code <prefix>/byteorder}) without
 * Python and without executing anything: the pickle is read by {@link TorchPickle}, a restricted unpickler that only
 * accepts tensors and plain containers.
 */
public final class TorchCheckpoint {
    /** A state dict's pickle is small (names and tensor geometry); anything bigger is not what we read. */
    static final int MAX_PICKLE_BYTES = 256 << 20;
    /** Keys under which training scripts commonly nest the model's state dict. */
    private static final List<String> STATE_DICT_KEYS = List.of("state_dict", "model", "net", "module");
    /** Bounds the flattening of nested dicts, which could otherwise follow a self-referencing dict forever. */
    private static final int MAX_NESTING = 16;

    private TorchCheckpoint() {
    }

    /**
     * Reads the object saved in {@code file} as plain Java values (see {@link TorchPickle} for the mapping).
     *
     * @throws IOException if the file is not a readable {@code torch.save} archive or holds anything but tensors and
     *         plain containers; the message names the file
     */
    public static Object read(Path file) throws IOException {
        checkNotLegacy(file);
        try (ZipFile zip = openZip(file)) {
            String prefix = findPrefix(file, zip);
            ByteOrder order = byteOrder(file, zip, prefix);
            byte[] pickle = readEntry(file, zip, zip.getEntry(prefix + "data.pkl"), MAX_PICKLE_BYTES, false);
            Map<String, ByteBuffer> cache = new HashMap<>();
            Map<String, DType> cachedTypes = new HashMap<>();
            return TorchPickle.load(pickle, file.toString(), (dtype, key, numel) -> {
                // Tensors that are views of one storage share it, so each storage is read once.
                if (cache.containsKey(key)) {
                    if (cachedTypes.get(key) != dtype || cache.get(key).capacity() < numel * dtype.itemSize()) {
                        throw fail(file, "storage data/" + key + " is used with different types or sizes");
                    }
                    return cache.get(key).duplicate();
                }
                ZipEntry entry = zip.getEntry(prefix + "data/" + key);
                if (entry == null) {
                    throw fail(file, "storage data/" + key + " is missing from the archive");
                }
                int bytes = (int) (numel * dtype.itemSize());
                ByteBuffer b = ByteBuffer.wrap(readEntry(file, zip, entry, bytes, true));
                if (order == ByteOrder.BIG_ENDIAN) {
                    HostTensor.swapBytes(b, dtype.itemSize());
                }
                cache.put(key, b);
                cachedTypes.put(key, dtype);
                return b.duplicate();
            });
        }
    }

    /**
     * Reads the model weights of {@code file}: the top-level dict of tensors, or the one under {@code state_dict},
     * {@code model}, {@code net} or {@code module} (searched one level deep), with nested dicts flattened to
     * dot-separated names. Entries that are not tensors (epochs, optimiser settings) are left out.
     *
     * @throws IOException if the file cannot be read or holds no dict of tensors
     */
    public static Map<String, HostTensor> readStateDict(Path file) throws IOException {
        Map<String, HostTensor> found = findStateDict(read(file), 2);
        if (found == null) {
            throw fail(file, "holds no state dict (expected a dict of tensors, possibly under "
                    + String.join("/", STATE_DICT_KEYS) + ")");
        }
        return found;
    }

    private static Map<String, HostTensor> findStateDict(Object root, int levels) {
        if (!(root instanceof Map<?, ?> map)) {
            return null;
        }
        if (map.values().stream().anyMatch(v -> v instanceof HostTensor)) {
            Map<String, HostTensor> flat = new LinkedHashMap<>();
            flatten(map, "", flat, 0);
            return flat;
        }
        if (levels > 1) {
            for (String key : STATE_DICT_KEYS) {
                Map<String, HostTensor> found = findStateDict(map.get(key), levels - 1);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static void flatten(Map<?, ?> map, String prefix, Map<String, HostTensor> out, int depth) {
        if (depth > MAX_NESTING) {
            return;
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                continue;
            }
            if (e.getValue() instanceof HostTensor t) {
                out.put(prefix + key, t);
            } else if (e.getValue() instanceof Map<?, ?> child) {
                flatten(child, prefix + key + ".", out, depth + 1);
            }
        }
    }

    /** Pre-1.6 files are a bare pickle stream (magic number first), which this reader does not support. */
    private static void checkNotLegacy(Path file) throws IOException {
        byte[] head = new byte[2];
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 2);
            if (n == 2 && (head[0] & 0xff) == 0x80) {
                throw fail(file, "is in the legacy (pre-1.6) PyTorch format, which is not supported; re-save it with "
                        + "torch.save in PyTorch 1.6 or later, or convert it to safetensors");
            }
            if (n < 2 || head[0] != 'P' || head[1] != 'K') {
                throw fail(file, "is not a PyTorch checkpoint (torch.save writes a zip archive)");
            }
        }
    }

    private static ZipFile openZip(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (IOException | RuntimeException e) {
            // The JDK reports some malformed central directories as unchecked exceptions.
            throw fail(file, "is not a readable zip archive (" + e.getMessage() + ")");
        }
    }

    /** The archive's top folder (any name), identified by its {@code data.pkl}. */
    private static String findPrefix(Path file, ZipFile zip) throws IOException {
        List<String> prefixes = new ArrayList<>();
        try {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements();) {
                String name = en.nextElement().getName();
                int slash = name.indexOf('/');
                if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
                    prefixes.add(name.substring(0, slash + 1));
                }
            }
        } catch (RuntimeException e) {
            throw fail(file, "has a malformed zip directory (" + e.getMessage() + ")");
        }
        if (prefixes.size() != 1) {
            throw fail(file, prefixes.isEmpty() ? "is a zip archive without <folder>/data.pkl, so not a torch.save file"
                    : "holds several data.pkl files");
        }
        return prefixes.get(0);
    }

    private static ByteOrder byteOrder(Path file, ZipFile zip, String prefix) throws IOException {
        ZipEntry entry = zip.getEntry(prefix + "byteorder");
        if (entry == null) {
            return ByteOrder.LITTLE_ENDIAN; // files from before the byteorder record were written on little-endian
        }
        String s = new String(readEntry(file, zip, entry, 16, false), StandardCharsets.US_ASCII).trim();
        return switch (s) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw fail(file, "has an unknown byteorder '" + s + "'");
        };
    }

    /**
     * Reads up to {@code limit} bytes of an entry; with {@code exact}, exactly {@code limit} bytes must be there (a
     * storage may be longer than the elements it declares, never shorter). Without, more than {@code limit} fails.
     */
    private static byte[] readEntry(Path file, ZipFile zip, ZipEntry entry, int limit, boolean exact)
            throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            // readNBytes grows its buffer with the data actually present, so a hostile size cannot allocate.
            byte[] b = in.readNBytes(exact ? limit : limit + 1);
            if (exact ? b.length < limit : b.length > limit) {
                throw fail(file, "entry " + entry.getName() + (exact ? " holds fewer than the " + limit
                        + " bytes its tensors need" : " is larger than " + limit + " bytes"));
            }
            return b;
        } catch (RuntimeException e) {
            throw fail(file, "entry " + entry.getName() + " cannot be read (" + e.getMessage() + ")");
        }
    }

    static IOException fail(Path file, String problem) {
        return new IOException(file + ": " + problem);
    }
}
