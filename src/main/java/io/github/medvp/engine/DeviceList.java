package io.github.medvp.engine;

import ai.djl.Device;
import io.github.medvp.MedvpException;
import io.github.medvp.SettingsException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code device=} setting parsed: one or more of {@code auto}, {@code cpu}, {@code gpu}, {@code gpu:N},
 * {@code gpu:all} (also {@code cuda}, {@code cuda:N}, {@code cuda:all}), comma-separated. Parsing checks the
 * spelling only; whether a GPU exists is asked of the engine when the run starts ({@link #primary()},
 * {@link #replicas()}), so settings can be checked and stored on machines without one.
 * <p>
 * Several entries train one replica per entry (data parallelism, {@code io.github.medvp.train.DataParallel}):
 * {@code gpu:0,1,2,3} (a bare number repeats the previous entry's kind), {@code gpu:all}, or {@code cpu,cpu}, two
 * replicas on the CPU, which is no faster but runs the multi-replica code where tests and CI can check it.
 *
 * @param devices the entries, lower-case, in the order given
 */
public record DeviceList(List<String> devices) {

    /** {@code auto}: the first GPU when there is one, else the CPU. */
    public static final DeviceList AUTO = new DeviceList(List.of("auto"));

    /** @throws SettingsException for an empty list or a malformed entry */
    public DeviceList {
        devices = List.copyOf(devices);
        if (devices.isEmpty()) {
            throw SettingsException.of("device", "''", ALLOWED);
        }
        String all = "'" + String.join(",", devices) + "'";
        for (String d : devices) {
            if (!d.matches("auto|cpu|gpu|cuda|(gpu|cuda):(\\d{1,3}|all)")) {
                throw SettingsException.of("device", all, ALLOWED);
            }
        }
        if (devices.size() > 1) {
            Set<String> seen = new HashSet<>();
            boolean cpu = false;
            boolean gpu = false;
            for (String d : devices) {
                cpu |= d.equals("cpu");
                gpu |= !d.equals("cpu");
                if (d.equals("auto") || d.endsWith(":all")) {
                    throw SettingsException.of("device", all, "auto and gpu:all alone, not in a list");
                }
                if (!d.equals("cpu") && !seen.add(d.replace("cuda", "gpu").replaceFirst("^gpu$", "gpu:0"))) {
                    throw SettingsException.of("device", all, "each GPU once (one replica per GPU)");
                }
            }
            if (cpu && gpu) {
                throw SettingsException.of("device", all, "replicas all on GPUs or all on the CPU, not both");
            }
        }
    }

    private static final String ALLOWED = "auto, cpu, gpu, gpu:N or gpu:all (several separated by commas, e.g. "
            + "gpu:0,1,2,3 or cpu,cpu)";

    /**
     * @param spec the setting as written ({@code auto}, {@code gpu:0}, {@code cpu}); blank for {@code auto}
     * @return the list
     * @throws SettingsException naming the setting for a malformed entry
     */
    public static DeviceList parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return AUTO;
        }
        List<String> out = new ArrayList<>();
        String kind = null;
        for (String part : spec.split(",", -1)) {
            String d = part.trim().toLowerCase(Locale.ROOT);
            // gpu:0,1,2,3: a bare index continues the previous entry's kind.
            if (kind != null && d.matches("\\d{1,3}")) {
                d = kind + ":" + d;
            }
            int colon = d.indexOf(':');
            kind = colon > 0 ? d.substring(0, colon) : null;
            out.add(d);
        }
        return new DeviceList(out);
    }

    /**
     * The device a single-device run uses.
     *
     * @return the engine's device for the only entry
     * @throws SettingsException when several devices are given (this command runs on one)
     * @throws io.github.medvp.MedvpException when the entry names a GPU the engine does not see
     */
    public Device primary() {
        if (devices.size() > 1 || devices.get(0).endsWith(":all")) {
            throw SettingsException.of("device", "'" + this + "'", "one device (auto, cpu, gpu or gpu:N): only the "
                    + "training commands run on several");
        }
        return Engines.device(devices.get(0));
    }

    /**
     * The devices of a data-parallel run, one replica each, in the order given ({@code gpu:all}: every GPU the
     * engine sees); the first holds the parameters.
     *
     * @return one device per replica (the same CPU device repeated for {@code cpu,cpu})
     * @throws MedvpException when an entry names a GPU the engine does not see, or {@code gpu:all} finds none
     */
    public List<Device> replicas() {
        if (devices.size() == 1 && devices.get(0).endsWith(":all")) {
            int n = Engines.gpuCount();
            if (n == 0) {
                throw new MedvpException("device=" + this + ": no GPU is visible to PyTorch (CPU-only libtorch, no "
                        + "CUDA driver, or CUDA_VISIBLE_DEVICES empty); use device=cpu");
            }
            List<Device> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(Engines.device("gpu:" + i));
            }
            return List.copyOf(out);
        }
        List<Device> out = new ArrayList<>();
        for (String d : devices) {
            out.add(Engines.device(d));
        }
        return List.copyOf(out);
    }

    /**
     * @return the replica count when it is known without asking the engine ({@code gpu:all}: -1)
     */
    public int count() {
        return devices.size() == 1 && devices.get(0).endsWith(":all") ? -1 : devices.size();
    }

    /** @return the setting as users write it */
    @Override
    public String toString() {
        return String.join(",", devices);
    }
}
