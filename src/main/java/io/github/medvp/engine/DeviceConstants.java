package io.github.medvp.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Arrays that depend only on sizes (interpolation matrices, strides, pair selectors), made once per device and kept
 * for the process: a step that rebuilt them from Java data would upload them on every call, and on a GPU each upload
 * waits for every kernel queued before it (one host round trip per op). They live in one base manager per device,
 * outside any {@link NDScope}, so closing a step frees none of them; several replicas may ask at once.
 * <p>
 * Only for small arrays of a bounded set of keys (sizes of a model's layers), never for data.
 */
public final class DeviceConstants {

    private static final Map<String, NDManager> OWNERS = new ConcurrentHashMap<>();
    private static final Map<List<Object>, NDArray> CACHE = new ConcurrentHashMap<>();

    private DeviceConstants() {
    }

    /**
     * @param device where the array is needed
     * @param key what the array is (a name and the sizes and type it depends on)
     * @param make builds the array on the given manager (its device), from Java data; called once per key and device
     * @return the cached array; never close it
     */
    public static NDArray get(Device device, List<Object> key, Function<NDManager, NDArray> make) {
        List<Object> full = new java.util.ArrayList<>(key);
        full.add(device.toString());
        return CACHE.computeIfAbsent(List.copyOf(full), k -> {
            NDManager owner = OWNERS.computeIfAbsent(device.toString(), d -> NDManager.newBaseManager(device));
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray a = make.apply(owner);
                if (!a.getDevice().equals(device)) {
                    a = a.toDevice(device, false);
                }
                a.attach(owner);
                NDScope.unregister(a);
                return a;
            }
        });
    }
}
