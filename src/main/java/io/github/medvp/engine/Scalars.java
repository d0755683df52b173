package io.github.medvp.engine;

import ai.djl.ndarray.NDArray;
import java.util.function.BinaryOperator;

/**
 * Arithmetic between an array and a Java number that stays correct through the backward pass.
 * <p>
 * DJL 0.35.1's {@code NDArray.mul(Number)} (likewise div, pow, maximum, minimum, mod and their in-place forms) wraps
 * the number in a 0-d array that, on the CPU, aliases a direct buffer, runs the op and closes that array at once.
 * Autograd keeps the scalar for the backward pass (the gradient of {@code s·x} is {@code s}), but closing the array
 * let the garbage collector free its buffer: a collection between forward and backward (frequent while a loader
 * thread prepares the next batch) made the backward pass multiply by whatever the memory then held, so a loss term's
 * gradient came out scaled by garbage or NaN. Here the scalar lives in libtorch's memory (see
 * {@link HostArrays}), which autograd's own reference keeps alive. Same types and results as DJL's methods.
 * Addition, subtraction and comparisons with a number keep nothing for the backward pass and stay as DJL has them.
 */
public final class Scalars {

    private Scalars() {
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

    private static NDArray with(NDArray x, Number value, BinaryOperator<NDArray> op) {
        // Closing our handle is safe: autograd holds its own reference to the tensor, whose memory libtorch owns.
        try (NDArray s = HostArrays.scalar(x.getManager(), value)) {
            return op.apply(x, s);
        }
    }
}
