package io.github.medvp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.MedvpException;
import io.github.medvp.io.DType;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.TensorFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Moves tensors between files (safetensors, PyTorch {@code .pt}) and the engine: the bridge from the DJL-free
 * {@code io} layer to NDArrays.
 */
public final class StateDicts {

    private StateDicts() {
    }

    /**
     * Reads a state dict from a safetensors or {@code torch.save} file onto {@code manager}'s device.
     *
     * @throws IOException naming the file when it is unreadable, corrupt or not a state dict
     */
    public static Map<String, NDArray> read(NDManager manager, Path file) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : TensorFiles.readStateDict(file).entrySet()) {
            NDArray a = toNDArray(manager, e.getValue());
            a.setName(e.getKey());
            out.put(e.getKey(), a);
        }
        return out;
    }

    /** Copies a host tensor to the manager's device, keeping its data type. */
    public static NDArray toNDArray(NDManager manager, HostTensor t) {
        // A direct native-order buffer is handed to libtorch without another copy on the Java side.
        ByteBuffer data = t.toDirectBuffer();
        return manager.create(data, new Shape(t.shape()), dataType(t.dtype()));
    }

    /** Copies an array to the host (one device round trip: for checkpoints and exports, never inside a step). */
    public static HostTensor toHost(NDArray a) {
        ByteBuffer bytes = a.toByteBuffer().order(ByteOrder.nativeOrder());
        ByteBuffer le = ByteBuffer.allocate(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            le.put(bytes);
        } else {
            DType d = dtype(a.getDataType());
            swapInto(bytes, le, d.itemSize());
        }
        le.flip();
        return HostTensor.of(dtype(a.getDataType()), a.getShape().getShape(), le);
    }

    private static void swapInto(ByteBuffer src, ByteBuffer dst, int item) {
        byte[] tmp = new byte[item];
        while (src.remaining() >= item) {
            src.get(tmp);
            for (int i = item - 1; i >= 0; i--) {
                dst.put(tmp[i]);
            }
        }
    }

    /** The engine's type for a file's data type. */
    public static DataType dataType(DType d) {
        switch (d) {
            case F64: return DataType.FLOAT64;
            case F32: return DataType.FLOAT32;
            case F16: return DataType.FLOAT16;
            case BF16: return DataType.BFLOAT16;
            case I64: return DataType.INT64;
            case I32: return DataType.INT32;
            case I16: return DataType.INT16;
            case I8: return DataType.INT8;
            case U8: return DataType.UINT8;
            case BOOL: return DataType.BOOLEAN;
            default: throw new MedvpException("tensor data type " + d + " has no engine equivalent");
        }
    }

    /** The file data type for an engine type. */
    public static DType dtype(DataType t) {
        switch (t) {
            case FLOAT64: return DType.F64;
            case FLOAT32: return DType.F32;
            case FLOAT16: return DType.F16;
            case BFLOAT16: return DType.BF16;
            case INT64: return DType.I64;
            case INT32: return DType.I32;
            case INT16: return DType.I16;
            case INT8: return DType.I8;
            case UINT8: return DType.U8;
            case BOOLEAN: return DType.BOOL;
            default: throw new MedvpException("arrays of type " + t + " cannot be saved");
        }
    }
}
