/**
 * The one place that starts the deep-learning engine: DJL's PyTorch engine, offline when libtorch ships on the
 * class path, thread counts, and the device chosen by a {@code device=auto|cpu|gpu|gpu:N} setting.
 * {@link io.github.medvp.engine.HostArrays} moves tensors between the engine and {@code io}'s host tensors.
 * <p>
 * It uses only the root package and {@code io}, so every layer above may rely on it.
 */
package io.github.medvp.engine;
