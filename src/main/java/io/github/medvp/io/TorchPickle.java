package io.github.medvp.io;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted unpickler for the {@code data.pkl} of {@code torch.save} archives.
 * <p>
 * Python's pickle format is a small stack machine whose {@code GLOBAL} opcode imports any callable and whose
 * {@code REDUCE} calls it, so loading an untrusted pickle in Python can run arbitrary code. This class never calls
 * anything: it implements the opcodes that protocols 2 to 5 use for plain containers, and maps the few allowed
 * globals (ordered dicts, tensor and parameter rebuilding, storage types) to Java code. Any other global is refused
 * when it is read, before anything could be applied to it.
 * <p>
 * Results are plain Java values: {@link Map} (dict, insertion-ordered), {@link List} (list; tuples are unmodifiable
 * lists), {@link String}, {@code byte[]}, {@link Long} (or {@link BigInteger} when too large), {@link Double},
 * {@link Boolean}, {@code null} and {@link HostTensor}.
 */
final class TorchPickle {
    /** Loads the bytes of storage {@code key} holding {@code numel} elements of {@code dtype}. */
    interface StorageLoader {
        ByteBuffer load(DType dtype, String key, long numel) throws IOException;
    }

    /** An allowed global that was read but not yet applied. */
    private record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** The result of resolving a persistent id: a typed storage with little-endian bytes. */
    private record Storage(DType dtype, ByteBuffer bytes, long numel) {
    }

    private static final Map<String, DType> STORAGE_TYPES = Map.of(
            "torch.FloatStorage", DType.F32, "torch.DoubleStorage", DType.F64, "torch.HalfStorage", DType.F16,
            "torch.BFloat16Storage", DType.BF16, "torch.LongStorage", DType.I64, "torch.IntStorage", DType.I32,
            "torch.ShortStorage", DType.I16, "torch.CharStorage", DType.I8, "torch.ByteStorage", DType.U8,
            "torch.BoolStorage", DType.BOOL);
    private static final String ORDERED_DICT = "collections.OrderedDict";
    private static final String REBUILD_TENSOR = "torch._utils._rebuild_tensor_v2";
    private static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";
    private static final String REBUILD_PARAMETER_WITH_STATE = "torch._utils._rebuild_parameter_with_state";
    private static final Set<String> CALLABLES =
            Set.of(ORDERED_DICT, REBUILD_TENSOR, REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE);

    private final byte[] in;
    private final String source;
    private final StorageLoader storages;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private TorchPickle(byte[] in, String source, StorageLoader storages) {
        this.in = in;
        this.source = source;
        this.storages = storages;
    }

    /**
     * Unpickles {@code pickle}.
     *
     * @param source names the file in error messages
     * @throws IOException if the pickle is malformed, uses an unsupported opcode, or references a global outside the
     *         allow-list
     */
    static Object load(byte[] pickle, String source, StorageLoader storages) throws IOException {
        return new TorchPickle(pickle, source, storages).run();
    }

    private Object run() throws IOException {
        while (true) {
            int at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto > 5) {
                        throw fail("pickle protocol " + proto + " is not supported");
                    }
                }
                case 0x95 -> bytes(8) /* FRAME: framing is only a read-ahead hint */;
                case '.' -> { // STOP
                    Object result = pop();
                    if (!stack.isEmpty() || !marks.isEmpty()) {
                        throw fail("pickle stopped with values left on the stack");
                    }
                    return result;
                }
                case '(' -> marks.add(stack.size());
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(peek());
                case '}' -> push(new LinkedHashMap<>());
                case ']' -> push(new ArrayList<>());
                case ')' -> push(tuple(List.of()));
                case 'd' -> push(dictOf(popMark()));
                case 'l' -> push(new ArrayList<>(popMark()));
                case 't' -> push(tuple(popMark()));
                case 0x85, 0x86, 0x87 -> { // TUPLE1..3
                    int n = op - 0x84;
                    Object[] items = new Object[n];
                    for (int i = n - 1; i >= 0; i--) {
                        items[i] = pop();
                    }
                    push(tuple(Arrays.asList(items)));
                }
                case 'X' -> push(utf8(length(u32())));
                case 0x8c -> push(utf8(u8()));
                case 0x8d -> push(utf8(length(s64())));
                case 'T' -> push(latin1(length(u32()))); // BINSTRING, Python 2 str
                case 'U' -> push(latin1(u8()));
                case 'B' -> push(bytes(length(u32())));
                case 'C' -> push(bytes(u8()));
                case 0x8e -> push(bytes(length(s64())));
                case 'q' -> memo.put((long) u8(), peek());
                case 'r' -> memo.put(u32(), peek());
                case 0x94 -> memo.put((long) memo.size(), peek());
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(u32()));
                case 'J' -> push((long) le(4).getInt());
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (le(2).getShort() & 0xffff));
                case 0x8a -> push(longFrom(bytes(u8())));
                case 0x8b -> push(longFrom(bytes(length(le(4).getInt() & 0xffffffffL))));
                case 'G' -> push(ByteBuffer.wrap(bytes(8)).getDouble()); // big-endian, unlike everything else
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'N' -> push(null);
                case 's' -> {
                    Object value = pop();
                    Object key = pop();
                    setItems(peek(), Arrays.asList(key, value));
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    setItems(peek(), items);
                }
                case 'a' -> {
                    Object value = pop();
                    list(peek()).add(value);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                }
                case 'c' -> push(global(line(), line()));
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n));
                }
                case 'R' -> {
                    List<?> args = tupleArg(pop());
                    push(call(pop(), args));
                }
                case 0x81 -> { // NEWOBJ: cls.__new__(cls, *args); only OrderedDict is a class we build
                    List<?> args = tupleArg(pop());
                    Object cls = pop();
                    if (!(cls instanceof Global g) || !g.qualified().equals(ORDERED_DICT) || !args.isEmpty()) {
                        throw fail("cannot instantiate " + describe(cls));
                    }
                    push(new LinkedHashMap<>());
                }
                case 'b' -> { // BUILD: only an OrderedDict's attributes (state_dict's _metadata), which we drop
                    pop();
                    if (!(peek() instanceof Map)) {
                        throw fail("cannot set the state of " + describe(peek()));
                    }
                }
                case 'Q' -> push(persistentLoad(pop()));
                default -> throw fail(String.format("unsupported pickle opcode 0x%02x at offset %d", op, at));
            }
        }
    }

    // ---- values ----

    private Global global(String module, String name) throws IOException {
        String q = module + "." + name;
        if (!CALLABLES.contains(q) && !STORAGE_TYPES.containsKey(q)) {
            throw fail("refuses to load global " + q + " (only tensors and plain containers are allowed)");
        }
        return new Global(module, name);
    }

    private Object call(Object callable, List<?> args) throws IOException {
        if (!(callable instanceof Global g) || !CALLABLES.contains(g.qualified())) {
            throw fail("cannot call " + describe(callable));
        }
        switch (g.qualified()) {
            case ORDERED_DICT -> {
                if (!args.isEmpty()) {
                    throw fail("OrderedDict with arguments is not supported");
                }
                return new LinkedHashMap<>();
            }
            case REBUILD_TENSOR -> {
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (args.size() != 6 && args.size() != 7 || !(args.get(0) instanceof Storage s)) {
                    throw fail("unexpected arguments to " + REBUILD_TENSOR);
                }
                return rebuildTensor(s, asLong(args.get(1)), longs(args.get(2)), longs(args.get(3)));
            }
            default -> {
                // _rebuild_parameter(data, requires_grad, hooks) and ..._with_state(..., state): the data is all we need.
                int n = g.qualified().equals(REBUILD_PARAMETER) ? 3 : 4;
                if (args.size() != n || !(args.get(0) instanceof HostTensor t)) {
                    throw fail("unexpected arguments to " + g.qualified());
                }
                return t;
            }
        }
    }

    /** Resolves {@code ('storage', StorageType, key, location, numel)}. */
    private Storage persistentLoad(Object pid) throws IOException {
        List<?> t = pid instanceof List<?> l ? l : List.of();
        if (t.size() != 5 || !"storage".equals(t.get(0)) || !(t.get(1) instanceof Global g)
                || !STORAGE_TYPES.containsKey(g.qualified()) || !(t.get(2) instanceof String key)) {
            throw fail("unsupported persistent id " + describe(pid));
        }
        DType dtype = STORAGE_TYPES.get(g.qualified());
        long numel = asLong(t.get(4));
        if (numel < 0 || numel > Integer.MAX_VALUE / dtype.itemSize()) {
            throw fail("storage " + key + " has an unsupported element count " + numel);
        }
        ByteBuffer bytes = storages.load(dtype, key, numel);
        return new Storage(dtype, bytes.order(ByteOrder.LITTLE_ENDIAN), numel);
    }

    private HostTensor rebuildTensor(Storage s, long offset, long[] size, long[] stride) throws IOException {
        long numel = HostTensor.numelOf(size);
        if (numel < 0 || size.length != stride.length || offset < 0) {
            throw fail("invalid tensor geometry: offset " + offset + ", size " + Arrays.toString(size) + ", stride "
                    + Arrays.toString(stride));
        }
        boolean contiguous = true;
        long last = offset;
        long expected = 1;
        try {
            for (int i = size.length - 1; i >= 0; i--) {
                if (stride[i] < 0) {
                    throw new ArithmeticException();
                }
                if (size[i] != 1 && stride[i] != expected) {
                    contiguous = false;
                }
                expected = Math.multiplyExact(expected, size[i]);
                if (numel > 0) {
                    last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
                }
            }
        } catch (ArithmeticException e) {
            last = Long.MAX_VALUE;
        }
        if (numel > 0 && last >= s.numel) {
            throw fail("tensor view (offset " + offset + ", size " + Arrays.toString(size) + ", stride "
                    + Arrays.toString(stride) + ") reaches past its storage of " + s.numel + " elements");
        }
        int item = s.dtype.itemSize();
        if (numel == 0) {
            return HostTensor.of(s.dtype, size, ByteBuffer.allocate(0));
        }
        if (contiguous) {
            return HostTensor.of(s.dtype, size, s.bytes.slice((int) (offset * item), (int) (numel * item)));
        }
        return HostTensor.of(s.dtype, size, StridedCopy.copy(s.bytes, item, offset, size, stride));
    }

    private Map<Object, Object> dictOf(List<Object> items) throws IOException {
        Map<Object, Object> m = new LinkedHashMap<>();
        setItems(m, items);
        return m;
    }

    @SuppressWarnings("unchecked")
    private void setItems(Object target, List<Object> keyValues) throws IOException {
        if (!(target instanceof Map<?, ?>) || keyValues.size() % 2 != 0) {
            throw fail("SETITEM(S) on " + describe(target));
        }
        Map<Object, Object> m = (Map<Object, Object>) target;
        for (int i = 0; i < keyValues.size(); i += 2) {
            Object key = keyValues.get(i);
            // Only immutable scalar keys: hashing a self-referencing container would never end.
            if (key != null && !(key instanceof String || key instanceof Long || key instanceof BigInteger
                    || key instanceof Double || key instanceof Boolean)) {
                throw fail("unsupported dictionary key " + describe(key));
            }
            m.put(key, keyValues.get(i + 1));
        }
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object target) throws IOException {
        // Our lists are ArrayLists; tuples are unmodifiable wrappers and must not grow.
        if (!(target instanceof ArrayList<?>)) {
            throw fail("APPEND(S) on " + describe(target));
        }
        return (List<Object>) target;
    }

    private static List<Object> tuple(List<Object> items) {
        return Collections.unmodifiableList(new ArrayList<>(items));
    }

    private List<?> tupleArg(Object o) throws IOException {
        if (!(o instanceof List<?> l) || o instanceof ArrayList<?>) {
            throw fail("expected an argument tuple, got " + describe(o));
        }
        return l;
    }

    private long asLong(Object o) throws IOException {
        if (!(o instanceof Long l)) {
            throw fail("expected an integer, got " + describe(o));
        }
        return l;
    }

    private long[] longs(Object o) throws IOException {
        if (!(o instanceof List<?> l)) {
            throw fail("expected a tuple of integers, got " + describe(o));
        }
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = asLong(l.get(i));
        }
        return out;
    }

    private static Object longFrom(byte[] littleEndianTwosComplement) {
        if (littleEndianTwosComplement.length == 0) {
            return 0L;
        }
        byte[] be = new byte[littleEndianTwosComplement.length];
        for (int i = 0; i < be.length; i++) {
            be[i] = littleEndianTwosComplement[be.length - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    /** A short type name for messages; never prints a container's content (it may be huge or self-referencing). */
    private static String describe(Object o) {
        if (o instanceof Global g) {
            return g.qualified();
        }
        if (o instanceof Storage) {
            return "a storage";
        }
        if (o instanceof List<?>) {
            return o instanceof ArrayList<?> ? "a list" : "a tuple";
        }
        return o == null ? "None" : o instanceof Map<?, ?> ? "a dict" : "a " + o.getClass().getSimpleName();
    }

    // ---- stack and memo ----

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws IOException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw fail("pickle stack underflow at offset " + pos);
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws IOException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw fail("pickle stack underflow at offset " + pos);
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws IOException {
        if (marks.isEmpty()) {
            throw fail("pickle MARK missing at offset " + pos);
        }
        int m = marks.remove(marks.size() - 1);
        List<Object> top = stack.subList(m, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private Object memoGet(long index) throws IOException {
        if (!memo.containsKey(index)) {
            throw fail("pickle memo entry " + index + " is missing");
        }
        return memo.get(index);
    }

    // ---- bytes ----

    private int u8() throws IOException {
        need(1);
        return in[pos++] & 0xff;
    }

    private long u32() throws IOException {
        return le(4).getInt() & 0xffffffffL;
    }

    private long s64() throws IOException {
        return le(8).getLong();
    }

    private ByteBuffer le(int n) throws IOException {
        need(n);
        ByteBuffer b = ByteBuffer.wrap(in, pos, n).order(ByteOrder.LITTLE_ENDIAN).slice().order(ByteOrder.LITTLE_ENDIAN);
        pos += n;
        return b;
    }

    /** Checks a declared length against the bytes left, so a hostile length never allocates. */
    private int length(long n) throws IOException {
        if (n < 0 || n > in.length - pos) {
            throw fail("pickle length " + n + " runs past the end of the data");
        }
        return (int) n;
    }

    private byte[] bytes(int n) throws IOException {
        need(n);
        byte[] b = Arrays.copyOfRange(in, pos, pos + n);
        pos += n;
        return b;
    }

    private String utf8(int n) throws IOException {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String latin1(int n) throws IOException {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    private String line() throws IOException {
        int start = pos;
        while (pos < in.length && in[pos] != '\n') {
            pos++;
        }
        need(1);
        return new String(in, start, pos++ - start, StandardCharsets.UTF_8);
    }

    private void need(int n) throws IOException {
        if (n > in.length - pos) {
            throw fail("pickle data ends unexpectedly at offset " + pos);
        }
    }

    private IOException fail(String problem) {
        return new IOException(source + ": " + problem);
    }
}
