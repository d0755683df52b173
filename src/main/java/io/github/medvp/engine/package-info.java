/**
 * The one place that starts the deep-learning engine: DJL's PyTorch engine, offline when libtorch ships on the
 * class path, thread counts, and the device chosen by a {@code device=auto|cpu|gpu|gpu:N} setting.
 * <p>
 * Like {@code io}, this package uses nothing else of MedVP's but the root package, so every layer above may rely
 * on it.
 */
package io.github.medvp.engine;
