/**
 * Training infrastructure written once and shared by BrainMVP, MG-3D and the downstream tasks: learning-rate
 * schedules, the run folder with its metrics log and curve plot, checkpoints, and benchmarks.
 * <p>
 * Everything here is independent of the method being trained; a method supplies its step, its losses and its
 * settings, and gets resumable, cancellable, logged runs.
 */
package io.github.medvp.train;
