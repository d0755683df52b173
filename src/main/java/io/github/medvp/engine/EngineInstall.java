package io.github.medvp.engine;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import ai.djl.util.cuda.CudaUtils;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Fetches libtorch ahead of time, so the first real command does not stall on a ~200 MB (CPU) to ~2.5 GB (CUDA)
 * download, and so a machine can be prepared before it goes offline.
 * <p>
 * DJL downloads libtorch when the engine first loads and no native library is bundled or pointed to; this class
 * chooses the build (PYTORCH_FLAVOR), loads the engine while reporting how much of the download has arrived in
 * DJL's cache, and explains the offline alternatives when the download is impossible.
 */
public final class EngineInstall {

    /** libtorch version DJL's PyTorch engine 0.35.1 expects. */
    public static final String LIBTORCH_VERSION = "2.7.1";

    private EngineInstall() {
    }

    /**
     * The PYTORCH_FLAVOR for a user's choice: {@code auto} leaves DJL to pick (a CUDA build matching the driver
     * when a GPU is visible, else CPU), {@code cpu} forces the CPU build, {@code cuda} requires a visible GPU.
     *
     * @return the flavour to set, or null to let DJL decide
     * @throws MedvpException for an unknown choice or {@code cuda} without a GPU
     */
    public static String flavour(String choice, boolean cudaVisible) {
        String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
        switch (c) {
            case "auto":
                return null;
            case "cpu":
                return "cpu";
            case "cuda":
                if (!cudaVisible) {
                    throw new MedvpException("flavour=cuda but no CUDA GPU is visible (no NVIDIA driver/libcudart "
                            + "found); install the driver first or choose flavour=cpu");
                }
                return null; // DJL matches the CUDA build (cuXYZ) to the installed CUDA version
            default:
                throw new MedvpException("flavour must be auto, cpu or cuda, got '" + choice + "'");
        }
    }

    /** What to do when libtorch cannot be downloaded: the offline installation routes. */
    public static String offlineAdvice() {
        return "Offline installation: either (1) copy DJL's pytorch-native-<flavour>-" + LIBTORCH_VERSION
                + "-<platform>.jar (from Maven Central, ai.djl.pytorch, e.g. pytorch-native-cpu with classifier "
                + "linux-x86_64) into Fiji's jars/ folder, or (2) unpack libtorch " + LIBTORCH_VERSION
                + " from pytorch.org and set PYTORCH_LIBRARY_PATH to its lib/ folder and PYTORCH_FLAVOR to its "
                + "build (cpu, cu128, ...), or (3) run Install Engine on a connected machine and copy DJL's cache ("
                + cacheDir() + ") to the same place on this one.";
    }

    /** DJL's libtorch cache folder (DJL_CACHE_DIR / ENGINE_CACHE_DIR move it). */
    public static Path cacheDir() {
        return Utils.getEngineCacheDir("pytorch");
    }

    /**
     * Loads the engine, downloading libtorch if needed, and reports where it came from.
     *
     * @param choice auto, cpu or cuda (see {@link #flavour})
     * @throws MedvpException with the offline routes when it cannot be loaded
     */
    public static String install(String choice, Progress progress) {
        String flavour = flavour(choice, CudaUtils.hasCuda());
        String setFlavour = Utils.getEnvOrSystemProperty("PYTORCH_FLAVOR");
        if (flavour != null && setFlavour == null) {
            System.setProperty("PYTORCH_FLAVOR", flavour);
        }
        if (Boolean.getBoolean("ai.djl.offline") && !Engines.bundledNativeOnClassPath()
                && Utils.getEnvOrSystemProperty("PYTORCH_LIBRARY_PATH") == null) {
            throw new MedvpException("DJL is in offline mode (ai.djl.offline=true), so libtorch cannot be "
                    + "downloaded. " + offlineAdvice());
        }
        Path cache = cacheDir();
        long before = size(cache);
        Thread watcher = new Thread(() -> watch(cache, before, progress), "medvp-libtorch-download");
        watcher.setDaemon(true);
        watcher.start();
        Engine engine;
        try {
            engine = Engines.pytorch();
        } catch (MedvpException e) {
            throw new MedvpException(e.getMessage() + ". " + offlineAdvice(), e);
        } finally {
            watcher.interrupt();
        }
        long downloaded = Math.max(0, size(cache) - before);
        String from = Engines.bundledNativeOnClassPath() ? "the pytorch-native jar on the class path"
                : Utils.getEnvOrSystemProperty("PYTORCH_LIBRARY_PATH") != null ? "PYTORCH_LIBRARY_PATH"
                : "DJL's cache " + cache;
        progress.update("install engine", 1, 1, "done");
        return "PyTorch " + engine.getVersion() + " is ready (" + from + ")"
                + (downloaded > 0 ? ", downloaded " + mib(downloaded) : "") + "; GPUs visible: "
                + engine.getGpuCount() + "\nlibtorch: " + ai.djl.pytorch.jni.LibUtils.getLibtorchPath() + "\n";
    }

    private static void watch(Path cache, long before, Progress progress) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long now = size(cache) - before;
                if (now > 0) {
                    progress.update("download libtorch", now >> 20, -1, mib(now) + " so far into " + cache);
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            // the engine loaded (or failed): stop watching
        }
    }

    static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a file DJL is renaming: counted on the next poll
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
