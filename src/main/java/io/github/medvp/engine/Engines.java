package io.github.medvp.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import io.github.medvp.MedvpException;

import java.util.Locale;

/**
 * Starts DJL's PyTorch engine once and chooses devices.
 * <p>
 * DJL downloads libtorch on first use unless it finds a bundled native jar or {@code PYTORCH_LIBRARY_PATH}. When
 * the bundled CPU jar is on the class path (tests, the {@code ./medvp} launcher) we switch DJL to offline mode so
 * a machine without network never tries; inside Fiji the jar is absent and DJL fetches the flavour that fits the
 * machine (see the {@code Install Engine} command).
 */
public final class Engines {

    /** The only engine MedVP uses. */
    public static final String ENGINE_NAME = "PyTorch";

    /** System property: intra-op threads for libtorch (default: what libtorch picks, i.e. the core count). */
    public static final String THREADS_PROPERTY = "medvp.threads";

    /** DJL's system property for cuDNN's autotuner, read once when the engine starts. */
    private static final String CUDNN_BENCHMARK_PROPERTY = "ai.djl.pytorch.cudnn_benchmark";

    private static final String BUNDLED_NATIVE_MARKER = "native/lib/pytorch.properties";

    private static volatile Engine engine;

    private Engines() {
    }

    /**
     * Returns the PyTorch engine, loading it on first call.
     *
     * @throws MedvpException with what to set when the native library cannot be loaded
     */
    public static Engine pytorch() {
        Engine e = engine;
        if (e != null) {
            return e;
        }
        synchronized (Engines.class) {
            if (engine == null) {
                engine = load();
            }
            return engine;
        }
    }

    /** True when libtorch for this platform ships on the class path (no download needed). */
    public static boolean bundledNativeOnClassPath() {
        return Engines.class.getClassLoader().getResource(BUNDLED_NATIVE_MARKER) != null;
    }

    private static Engine load() {
        if (System.getProperty("ai.djl.offline") == null && bundledNativeOnClassPath()) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("ai.djl.default_engine") == null) {
            System.setProperty("ai.djl.default_engine", ENGINE_NAME);
        }
        String threads = System.getProperty(THREADS_PROPERTY);
        if (threads != null && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            parseThreads(threads);
            System.setProperty("ai.djl.pytorch.num_threads", threads.trim());
        }
        try {
            Engine e = Engine.getEngine(ENGINE_NAME);
            if (e == null) {
                throw new MedvpException("the PyTorch engine is not on the class path: install MedVP's jars "
                        + "(ai.djl.pytorch:pytorch-engine) from the MedVP update site");
            }
            return e;
        } catch (EngineException | UnsatisfiedLinkError | IllegalStateException | IllegalArgumentException err) {
            throw new MedvpException(nativeLoadAdvice(rootMessage(err)), err);
        }
    }

    static String nativeLoadAdvice(String cause) {
        return "cannot load the PyTorch native library (" + cause + "): run 'Plugins > MedVP > Install Engine' "
                + "with network access, or point PYTORCH_LIBRARY_PATH at an unpacked libtorch 2.7.1 folder "
                + "(and set PYTORCH_FLAVOR=cpu or e.g. cu128 to choose the build), or put DJL's pytorch-native "
                + "jar for your platform next to MedVP's jars";
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null ? c.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    private static int parseThreads(String s) {
        try {
            int n = Integer.parseInt(s.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException ex) {
            throw new MedvpException("threads must be a positive whole number, got '" + s + "'");
        }
    }

    /**
     * Sets libtorch's intra-op thread count for this process; 0 keeps the current setting.
     *
     * @throws MedvpException when {@code threads} is negative
     */
    public static void setThreads(int threads) {
        if (threads < 0) {
            throw new MedvpException("threads must be 0 (automatic) or positive, got " + threads);
        }
        pytorch();
        if (threads > 0) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
    }

    /** The number of GPUs the engine sees (0 on machines without CUDA). */
    public static int gpuCount() {
        return pytorch().getGpuCount();
    }

    /**
     * Parses a device setting: {@code auto} (the first GPU when there is one, else the CPU), {@code cpu},
     * {@code gpu} (the first GPU) or {@code gpu:N}.
     *
     * @throws MedvpException naming the setting when it is malformed or names a GPU that does not exist
     */
    public static Device device(String spec) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("auto")) {
            if (gpuCount() == 0) {
                return Device.cpu();
            }
            tuneConvolutions();
            return Device.gpu(0);
        }
        if (s.equals("cpu")) {
            pytorch();
            return Device.cpu();
        }
        int index;
        if (s.equals("gpu") || s.equals("cuda")) {
            index = 0;
        } else if (s.startsWith("gpu:") || s.startsWith("cuda:")) {
            try {
                index = Integer.parseInt(s.substring(s.indexOf(':') + 1));
            } catch (NumberFormatException ex) {
                throw new MedvpException(badDevice(spec));
            }
        } else {
            throw new MedvpException(badDevice(spec));
        }
        int count = gpuCount();
        if (index < 0 || index >= count) {
            throw new MedvpException("device=" + spec + ": " + (count == 0
                    ? "no GPU is visible to PyTorch (CPU-only libtorch, no CUDA driver, or CUDA_VISIBLE_DEVICES "
                    + "empty); use device=cpu or install the CUDA engine with Plugins > MedVP > Install Engine"
                    : "only " + count + " GPU(s) are visible (gpu:0 to gpu:" + (count - 1) + ")"));
        }
        tuneConvolutions();
        return Device.gpu(index);
    }

    /**
     * Lets cuDNN time its convolution algorithms for each new input shape and keep the fastest, as
     * {@code torch.backends.cudnn.benchmark = True} does: MedVP's shapes are fixed within a run (training crops,
     * inference windows), so the one-off timing pays back from the second step (pre-training step of the small preset
     * on an H100: 0.52 s without, 0.46 s with; see docs/performance.md). The chosen algorithms may differ between runs,
     * so GPU runs are not bit-reproducible either way. {@code -Dai.djl.pytorch.cudnn_benchmark=false} keeps
     * libtorch's heuristic choice.
     */
    private static void tuneConvolutions() {
        if (System.getProperty(CUDNN_BENCHMARK_PROPERTY) == null) {
            ai.djl.pytorch.jni.JniUtils.setBenchmarkCuDNN(true);
        }
    }

    private static String badDevice(String spec) {
        return "device='" + spec + "' is not one of auto, cpu, gpu, gpu:N";
    }
}
