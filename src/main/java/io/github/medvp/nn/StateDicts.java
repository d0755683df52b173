package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.TensorFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads state dicts (safetensors or PyTorch {@code .pt}) onto a device, as name to array maps that
 * {@link StateDictImport} loads into blocks.
 */
public final class StateDicts {

    private StateDicts() {
    }

    /**
     * Reads a state dict from a safetensors or {@code torch.save} file onto {@code manager}'s device; each array
     * is named after its key.
     *
     * @throws IOException naming the file when it is unreadable, corrupt or not a state dict
     */
    public static Map<String, NDArray> read(NDManager manager, Path file) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : TensorFiles.readStateDict(file).entrySet()) {
            NDArray a = HostArrays.toNDArray(manager, e.getValue());
            a.setName(e.getKey());
            out.put(e.getKey(), a);
        }
        return out;
    }
}
