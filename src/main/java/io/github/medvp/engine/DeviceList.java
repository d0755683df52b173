package io.github.medvp.engine;

import ai.djl.Device;
import io.github.medvp.SettingsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code device=} setting parsed: one or more of {@code auto}, {@code cpu}, {@code gpu}, {@code gpu:N} (also
 * {@code cuda}, {@code cuda:N}), comma-separated. Parsing checks the spelling only; whether a GPU exists is asked of
 * the engine when the run starts ({@link #primary()}), so settings can be checked and stored on machines without one.
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
            throw SettingsException.of("device", "''", "auto, cpu, gpu or gpu:N (several separated by commas)");
        }
        for (String d : devices) {
            if (!d.matches("auto|cpu|gpu|cuda|(gpu|cuda):\\d{1,3}")) {
                throw SettingsException.of("device", "'" + String.join(",", devices) + "'",
                        "auto, cpu, gpu or gpu:N (several separated by commas)");
            }
        }
    }

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
        for (String part : spec.split(",", -1)) {
            out.add(part.trim().toLowerCase(Locale.ROOT));
        }
        return new DeviceList(out);
    }

    /**
     * The device a single-device run uses.
     *
     * @return the engine's device for the only entry
     * @throws SettingsException when several devices are given (one device per run for now)
     * @throws io.github.medvp.MedvpException when the entry names a GPU the engine does not see
     */
    public Device primary() {
        if (devices.size() > 1) {
            throw SettingsException.of("device", "'" + this + "'", "one device per run (auto, cpu, gpu or gpu:N): "
                    + "training on several devices at once is not available yet");
        }
        return Engines.device(devices.get(0));
    }

    /** @return the setting as users write it */
    @Override
    public String toString() {
        return String.join(",", devices);
    }
}
