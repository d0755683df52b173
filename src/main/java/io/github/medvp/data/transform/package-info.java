/**
 * Small composable {@link io.github.medvp.data.transform.Transform}s over a {@link io.github.medvp.data.Sample}, as
 * MONAI's: loading ({@link io.github.medvp.data.transform.LoadStudy}), orientation and spacing, intensity scaling and
 * windowing (by modality for the tasks: {@link io.github.medvp.data.transform.ModalityIntensity}), crops and pads, random flips and intensity changes, chained with {@link
 * io.github.medvp.data.transform.Compose}; {@link io.github.medvp.data.Pipelines} holds each method's chain.
 */
package io.github.medvp.data.transform;
