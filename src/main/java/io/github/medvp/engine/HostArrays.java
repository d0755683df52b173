package io.github.medvp.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.github.medvp.MedvpException;
import io.github.medvp.io.DType;
import io.github.medvp.io.HostTensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Moves tensors between DJL ({@link NDArray}) and host memory ({@link HostTensor}), keeping the element type.
 * <p>
 * Host to device copies once: libtorch reads the host tensor's direct buffer in place (a memory-mapped safetensors
 * file is read without an intermediate Java copy) through a short-lived alias, and clones it into memory it owns.
 * An array must never keep aliasing a host buffer: host tensors are read-only and often memory-mapped, and an
 * in-place update (every optimiser step is one) would write into a read-only mapping. That rules out
 * {@code NDArray.set(Buffer)}: on the CPU, DJL 0.35.1 implements it by pointing the tensor's storage at the buffer
 * (no copy, and the buffer may even be garbage-collected while the tensor still uses it).
 * <p>
 * Every array made from Java data ({@code copyOf}, {@link #scalar}) owns its memory. On the CPU, DJL 0.35.1's
 * {@code NDManager.create} makes such an array alias a direct buffer that only the created array keeps alive: views
 * of it and the tensors autograd saves for the backward pass do not, so once that array is closed (every
 * {@code NDScope} closes its arrays) or unreachable, the garbage collector may free memory libtorch still reads (NaN
 * losses, gradients scaled by garbage, crashes in backward). So on the CPU the alias is copied and closed at once
 * (one memcpy); on a GPU the transfer is the copy.
 * <p>
 * Device to host always copies: a checkpoint must be a snapshot, not a view that the next step changes.
 */
public final class HostArrays {

    /** Where {@link #operand} makes host scalars before attaching them to the caller's manager. */
    private static volatile NDManager host;

    private HostArrays() {
    }

    /** The DJL type for a host type. */
    public static DataType dataType(DType t) {
        return switch (t) {
            case F64 -> DataType.FLOAT64;
            case F32 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case BF16 -> DataType.BFLOAT16;
            case I64 -> DataType.INT64;
            case I32 -> DataType.INT32;
            case I16 -> DataType.INT16;
            case I8 -> DataType.INT8;
            case U8 -> DataType.UINT8;
            case BOOL -> DataType.BOOLEAN;
        };
    }

    /** The host type for a DJL type; {@link MedvpException} for types a checkpoint cannot hold. */
    public static DType dtype(DataType t) {
        return switch (t) {
            case FLOAT64 -> DType.F64;
            case FLOAT32 -> DType.F32;
            case FLOAT16 -> DType.F16;
            case BFLOAT16 -> DType.BF16;
            case INT64 -> DType.I64;
            case INT32 -> DType.I32;
            case INT16 -> DType.I16;
            case INT8 -> DType.I8;
            case UINT8 -> DType.U8;
            case BOOLEAN -> DType.BOOL;
            default -> throw new MedvpException("tensors of type " + t + " cannot be stored in a checkpoint");
        };
    }

    /**
     * A new array on {@code manager}'s device holding a copy of {@code t}, same type and shape; BF16 is widened to
     * FLOAT32 and I16 to INT32 (exactly), because DJL 0.35.1's PyTorch binding aborts the whole process on a tensor
     * of either type.
     */
    public static NDArray toNDArray(NDManager manager, HostTensor t) {
        t = supported(t);
        Shape shape = new Shape(t.shape());
        DataType type = dataType(t.dtype());
        if (t.numel() == 0) {
            return manager.create(shape, type);
        }
        return own(manager.create(t.toDirectBuffer(), shape, type));
    }

    /**
     * A new array on {@code manager}'s device holding a copy of the direct, native-order {@code bytes}; see the class
     * comment.
     */
    public static NDArray copyOf(NDManager manager, ByteBuffer bytes, Shape shape, DataType type) {
        return own(manager.create(bytes, shape, type));
    }

    /** A FLOAT32 array on {@code manager}'s device holding a copy of {@code data}; see the class comment. */
    public static NDArray copyOf(NDManager manager, float[] data, Shape shape) {
        return copyOf(manager, data, shape, manager.getDevice());
    }

    /** A FLOAT32 array on {@code device}, attached to {@code manager}, holding a copy of {@code data}. */
    public static NDArray copyOf(NDManager manager, float[] data, Shape shape, Device device) {
        return own(manager.create(data, shape), device);
    }

    /** An INT64 array on {@code manager}'s device holding a copy of {@code data}; see the class comment. */
    public static NDArray copyOf(NDManager manager, long[] data, Shape shape) {
        return copyOf(manager, data, shape, manager.getDevice());
    }

    /** An INT64 array on {@code device}, attached to {@code manager}, holding a copy of {@code data}. */
    public static NDArray copyOf(NDManager manager, long[] data, Shape shape, Device device) {
        return own(manager.create(data, shape), device);
    }

    /** An INT32 array on {@code manager}'s device holding a copy of {@code data}; see the class comment. */
    public static NDArray copyOf(NDManager manager, int[] data, Shape shape) {
        return copyOf(manager, data, shape, manager.getDevice());
    }

    /** An INT32 array on {@code device}, attached to {@code manager}, holding a copy of {@code data}. */
    public static NDArray copyOf(NDManager manager, int[] data, Shape shape, Device device) {
        return own(manager.create(data, shape), device);
    }

    /**
     * A 0-d array on {@code manager}'s device holding {@code value}, typed as DJL types a Java number (Float as
     * FLOAT32, Double as FLOAT64, Integer as INT32, Long as INT64); see the class comment.
     */
    public static NDArray scalar(NDManager manager, Number value) {
        return own(manager.create(value));
    }

    /**
     * A 0-d array holding {@code value}, attached to {@code manager}, to combine with arrays on {@code manager}'s
     * device; typed as {@link #scalar}. On a GPU it stays in host memory: libtorch passes a 0-d host tensor to a
     * CUDA kernel as an argument (PyTorch's "CPU scalar"), while a 0-d array on the device would be an upload, and
     * PyTorch's copy to the device waits for every kernel queued before it. One such wait per scalar op left the GPU
     * idle between kernels for most of a training step.
     */
    public static NDArray operand(NDManager manager, Number value) {
        if (!manager.getDevice().isGpu()) {
            return scalar(manager, value);
        }
        NDArray s = own(host().create(value));
        s.attach(manager);
        return s;
    }

    private static NDManager host() {
        NDManager h = host;
        if (h == null) {
            synchronized (HostArrays.class) {
                if (host == null) {
                    host = NDManager.newBaseManager(Device.cpu());
                }
                h = host;
            }
        }
        return h;
    }

    /** {@code created}, an array just made from Java data, as an array that owns its memory. */
    private static NDArray own(NDArray created) {
        if (created.getDevice().isGpu()) {
            return created;
        }
        try (created) {
            return created.duplicate();
        }
    }

    /** {@link #own}, on {@code device}: a transfer to another device is the copy, and the alias is closed at once. */
    private static NDArray own(NDArray created, Device device) {
        if (created.getDevice().equals(device)) {
            return own(created);
        }
        try (created) {
            return created.toDevice(device, false);
        }
    }

    /** {@code t}, widened exactly when DJL cannot hold its type. */
    private static HostTensor supported(HostTensor t) {
        if (t.dtype() == DType.BF16) {
            return HostTensor.ofFloats(t.shape(), t.toFloatArray());
        }
        if (t.dtype() == DType.I16) {
            long[] v = t.toLongArray();
            int[] w = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                w[i] = (int) v[i];
            }
            return HostTensor.ofInts(t.shape(), w);
        }
        return t;
    }

    /** A host snapshot of {@code a} (any device), same type and shape. */
    public static HostTensor toHost(NDArray a) {
        DType dtype = dtype(a.getDataType());
        long[] shape = a.getShape().getShape();
        if (a.size() == 0) {
            return HostTensor.of(dtype, shape, ByteBuffer.allocate(0));
        }
        ByteBuffer b = a.toByteBuffer(false).order(ByteOrder.nativeOrder());
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new MedvpException("MedVP checkpoints need a little-endian machine");
        }
        return HostTensor.of(dtype, shape, b);
    }

    /**
     * Copies {@code source} into {@code target} in place (the array keeps its identity, device, gradient flag).
     *
     * @param name the tensor's name, for the error message
     * @throws MedvpException when the shapes differ, naming the tensor and both shapes
     */
    public static void copyInto(NDArray target, HostTensor source, String name) {
        long[] want = target.getShape().getShape();
        if (!Arrays.equals(want, source.shape())) {
            throw new MedvpException("tensor " + name + " has shape " + Arrays.toString(source.shape())
                    + " in the file but " + Arrays.toString(want) + " in the model: was it saved with other settings?");
        }
        if (source.numel() == 0) {
            return;
        }
        boolean gradMode = JniUtils.isGradMode();
        // In-place writes into a parameter that requires a gradient are only allowed outside autograd.
        JniUtils.setGradMode(false);
        try (NDManager tmp = target.getManager().newSubManager()) {
            // A checkpoint of another precision is converted on the device.
            NDArray values = toNDArray(tmp, source).toType(target.getDataType(), false);
            target.set(new NDIndex("..."), values);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }
}
