package io.github.medvp.engine;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import java.util.function.BinaryOperator;

/**
 * Arithmetic and comparisons between an array and a Java number, correct through the backward pass and free of
 * waits for the device. Same types and results as DJL's own methods with a {@code Number}.
 * <p>
 * DJL 0.35.1's {@code NDArray.mul(Number)} (and every other op with a number) wraps the number in a 0-d array on the
 * array's device, runs the op and closes that array at once. Two defects follow:
 * <ul>
 * <li>On the CPU the 0-d array aliases a direct buffer. Autograd keeps the scalar for the backward pass (the
 * gradient of {@code s·x} is {@code s}), and once the array was closed a garbage collection between forward and
 * backward freed its memory: a loss term's gradient came out scaled by garbage or NaN. Here the scalar lives in
 * libtorch's memory (see {@link HostArrays}), which autograd's own reference keeps alive.</li>
 * <li>On a GPU the 0-d array is an upload, and PyTorch's copy to the device waits for every kernel queued before it:
 * one host round trip per op. Here the scalar stays in host memory ({@link HostArrays#operand}), which libtorch
 * passes to the kernel as an argument.</li>
 * </ul>
 */
public final class Scalars {

    /** False once libtorch refused a host scalar beside a device array: device scalars from then on. */
    private static volatile boolean hostOperands = true;

    private Scalars() {
    }

    /** {@code x + value}. */
    public static NDArray add(NDArray x, Number value) {
        return with(x, value, NDArray::add);
    }

    /** {@code x - value}. */
    public static NDArray sub(NDArray x, Number value) {
        return with(x, value, NDArray::sub);
    }

    /** {@code value - x}. */
    public static NDArray rsub(Number value, NDArray x) {
        return with(x, value, (a, s) -> s.sub(a));
    }

    /** {@code x * value}. */
    public static NDArray mul(NDArray x, Number value) {
        return with(x, value, NDArray::mul);
    }

    /** {@code x / value}. */
    public static NDArray div(NDArray x, Number value) {
        return with(x, value, NDArray::div);
    }

    /** Element-wise {@code max(x, value)}. */
    public static NDArray maximum(NDArray x, Number value) {
        return with(x, value, NDArray::maximum);
    }

    /** Element-wise {@code min(x, value)}. */
    public static NDArray minimum(NDArray x, Number value) {
        return with(x, value, NDArray::minimum);
    }

    /** {@code x ^ value}. */
    public static NDArray pow(NDArray x, Number value) {
        return with(x, value, NDArray::pow);
    }

    /** {@code x == value}, boolean. */
    public static NDArray eq(NDArray x, Number value) {
        return with(x, value, NDArray::eq);
    }

    /** {@code x != value}, boolean. */
    public static NDArray neq(NDArray x, Number value) {
        return with(x, value, NDArray::neq);
    }

    /** {@code x > value}, boolean. */
    public static NDArray gt(NDArray x, Number value) {
        return with(x, value, NDArray::gt);
    }

    /** {@code x >= value}, boolean. */
    public static NDArray gte(NDArray x, Number value) {
        return with(x, value, NDArray::gte);
    }

    /** {@code x < value}, boolean. */
    public static NDArray lt(NDArray x, Number value) {
        return with(x, value, NDArray::lt);
    }

    /** {@code x <= value}, boolean. */
    public static NDArray lte(NDArray x, Number value) {
        return with(x, value, NDArray::lte);
    }

    private static NDArray with(NDArray x, Number value, BinaryOperator<NDArray> op) {
        if (hostOperands && x.getDevice().isGpu()) {
            try (NDArray s = HostArrays.operand(x.getManager(), value)) {
                return op.apply(x, s);
            } catch (EngineException e) {
                // Every op used here accepts a host scalar in libtorch 2.x; should a build refuse one, stay correct.
                hostOperands = false;
                System.err.println("medvp: warning: libtorch refused a host scalar (" + e.getMessage().lines()
                        .findFirst().orElse("") + "); using device scalars, one wait for the GPU per op");
            }
        }
        // Closing our handle is safe: autograd holds its own reference to the tensor, whose memory libtorch owns.
        try (NDArray s = HostArrays.scalar(x.getManager(), value)) {
            return op.apply(x, s);
        }
    }
}
