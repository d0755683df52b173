/**
 * The one place that starts the deep-learning engine: DJL's PyTorch engine, offline when libtorch ships on the
 * class path, thread counts, and the device chosen by a {@code device=auto|cpu|gpu|gpu:N} setting.
 * {@link io.github.medvp.engine.HostArrays} moves tensors between the engine and {@code io}'s host tensors, and is
 * the only way MedVP makes an array from Java data; {@link io.github.medvp.engine.Scalars} is the only way it
 * multiplies, divides, raises to a power or clamps by a Java number. Both copy into libtorch's memory, because DJL's
 * own methods leave arrays aliasing Java buffers that autograd may read after they were freed (a test reads the
 * compiled classes and fails on any other call). {@link io.github.medvp.engine.DeviceConstants} keeps arrays that
 * depend only on sizes, made once per device, so a training step uploads no Java data (tests count the uploads).
 * <p>
 * It uses only the root package and {@code io}, so every layer above may rely on it.
 */
package io.github.medvp.engine;
