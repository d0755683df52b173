package io.github.medvp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import javassist.bytecode.BadBytecode;
import javassist.bytecode.ClassFile;
import javassist.bytecode.CodeAttribute;
import javassist.bytecode.CodeIterator;
import javassist.bytecode.ConstPool;
import javassist.bytecode.MethodInfo;
import javassist.bytecode.Opcode;
import org.junit.jupiter.api.Test;

/**
 * No MedVP class makes an array that aliases Java memory, nor an op that uploads a Java number: every
 * {@code NDManager.create} from Java data goes through {@link HostArrays}, and every {@code NDArray} op with a number
 * through {@link Scalars}. DJL's own ops with a number make a 0-d array from it: on the CPU one that aliases a direct
 * buffer the backward pass may read after it was freed (see {@link HostArrays}: it turned MG-3D weights into NaN after
 * one step), on a GPU an upload that waits for every queued kernel. Read from the compiled classes, so lambdas and
 * every overload count.
 */
class HostMemoryRuleTest {

    /** DJL ops whose numbers travel to libtorch as kernel arguments, not as arrays. */
    private static final Set<String> NUMBER_ARGUMENTS = Set.of("clip");
    private static final Set<String> MANAGERS = Set.of("ai.djl.ndarray.NDManager", "ai.djl.ndarray.BaseNDManager",
            "ai.djl.pytorch.engine.PtNDManager");
    private static final Set<String> ARRAYS = Set.of("ai.djl.ndarray.NDArray", "ai.djl.ndarray.NDArrayAdapter",
            "ai.djl.pytorch.engine.PtNDArray", "ai.djl.ndarray.NDArrays");
    /** The one class allowed to call DJL's aliasing creates (it copies at once). */
    private static final String ALLOWED = "io.github.medvp.engine.HostArrays";

    @Test
    void noClassAliasesJavaMemory() throws IOException, URISyntaxException, BadBytecode {
        Path classes = Path.of(HostArrays.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(classes), "expected the compiled classes in a folder, got " + classes);
        List<String> found = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                scanned++;
                try (InputStream in = Files.newInputStream(f)) {
                    scan(new ClassFile(new java.io.DataInputStream(in)), found);
                }
            }
        }
        assertTrue(scanned > 100, "scanned only " + scanned + " classes in " + classes);
        assertEquals(List.of(), found, "arrays aliasing Java memory or uploading a number: use HostArrays.copyOf/"
                + "scalar or Scalars");
    }

    @Test
    void theRuleSeesTheCallsItForbids() throws IOException, BadBytecode {
        // The class below makes each kind of call and one allowed one: the scanner must report exactly the others.
        List<String> found = new ArrayList<>();
        try (InputStream in = HostMemoryRuleTest.class.getResourceAsStream("HostMemoryRuleTest$Offender.class")) {
            scan(new ClassFile(new java.io.DataInputStream(in)), found);
        }
        assertEquals(6, found.size(), found.toString());
        assertTrue(found.get(0).contains("NDManager.create([F"), found.get(0));
        assertTrue(found.get(1).contains("NDArray.mul(Ljava/lang/Number;)"), found.get(1));
        assertTrue(found.get(2).contains("NDArray.add(Ljava/lang/Number;)"), found.get(2));
        assertTrue(found.get(3).contains("NDArray.gt(Ljava/lang/Number;)"), found.get(3));
        assertTrue(found.get(4).contains("NDArrays.div(Lai/djl/ndarray/NDArray;Ljava/lang/Number;)"), found.get(4));
        assertTrue(found.get(5).contains("NDArray.set([F)"), found.get(5));
    }

    private static void scan(ClassFile cf, List<String> found) throws BadBytecode {
        if (cf.getName().equals(ALLOWED)) {
            return;
        }
        ConstPool cp = cf.getConstPool();
        for (MethodInfo m : cf.getMethods()) {
            CodeAttribute code = m.getCodeAttribute();
            if (code == null) {
                continue;
            }
            for (CodeIterator it = code.iterator(); it.hasNext();) {
                int pos = it.next();
                int op = it.byteAt(pos);
                String owner;
                String name;
                String desc;
                if (op == Opcode.INVOKEINTERFACE) {
                    int i = it.u16bitAt(pos + 1);
                    owner = cp.getInterfaceMethodrefClassName(i);
                    name = cp.getInterfaceMethodrefName(i);
                    desc = cp.getInterfaceMethodrefType(i);
                } else if (op == Opcode.INVOKEVIRTUAL || op == Opcode.INVOKESTATIC) {
                    int i = it.u16bitAt(pos + 1);
                    if (cp.getTag(i) == ConstPool.CONST_InterfaceMethodref) {
                        owner = cp.getInterfaceMethodrefClassName(i);
                        name = cp.getInterfaceMethodrefName(i);
                        desc = cp.getInterfaceMethodrefType(i);
                    } else {
                        owner = cp.getMethodrefClassName(i);
                        name = cp.getMethodrefName(i);
                        desc = cp.getMethodrefType(i);
                    }
                } else {
                    continue;
                }
                if (aliasingCreate(owner, name, desc) || scalarOp(owner, name, desc)) {
                    found.add(cf.getName() + "." + m.getName() + " line " + m.getLineNumber(pos) + ": " + owner + "."
                            + name + desc);
                }
            }
        }
    }

    /**
     * Arrays from Java data: any create whose first parameter is not a Shape or a String, {@code NDArray.set} from a
     * buffer or Java array (on the CPU DJL points the tensor at the buffer), and DJL's decoders.
     */
    private static boolean aliasingCreate(String owner, String name, String desc) {
        boolean create = MANAGERS.contains(owner) && name.equals("create")
                && !desc.startsWith("(Lai/djl/ndarray/types/Shape;") && !desc.startsWith("(Ljava/lang/String;")
                && !desc.startsWith("([Ljava/lang/String;");
        boolean set = ARRAYS.contains(owner) && name.equals("set")
                && (desc.startsWith("(Ljava/nio/Buffer;") || desc.startsWith("(["));
        boolean decode = name.equals("decode") && (MANAGERS.contains(owner) || ARRAYS.contains(owner)
                || owner.equals("ai.djl.ndarray.NDList"));
        return create || set || decode;
    }

    private static boolean scalarOp(String owner, String name, String desc) {
        return ARRAYS.contains(owner) && !NUMBER_ARGUMENTS.contains(name) && desc.contains("Ljava/lang/Number;");
    }

    /** Never run: calls the scanner must catch. */
    @SuppressWarnings("unused")
    private static final class Offender {
        static void calls(ai.djl.ndarray.NDManager m, ai.djl.ndarray.NDArray x) {
            m.create(new float[] {1f}, new ai.djl.ndarray.types.Shape(1));
            x.mul(2f);
            x.add(1f);
            x.gt(0f);
            x.clip(0f, 1f); // allowed: libtorch takes the bounds as kernel arguments
            ai.djl.ndarray.NDArrays.div(x, 3f);
            x.set(new float[] {4f});
        }
    }
}
