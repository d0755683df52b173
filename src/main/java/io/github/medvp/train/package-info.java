/**
 * Training infrastructure written once and shared by BrainMVP, MG-3D and the downstream tasks.
 * <p>
 * A method supplies a {@link io.github.medvp.train.TrainStep} (forward pass and loss of one micro-batch, on the
 * device, no host reads) and a {@link io.github.medvp.train.BatchSource} (each epoch's batches, a function of the
 * seed and the epoch); {@link io.github.medvp.train.TrainLoop} does the rest:
 * <ul>
 * <li>{@link io.github.medvp.train.NamedParameters}: the named tensors trained and saved (block parameters and
 * free arrays such as modality templates);</li>
 * <li>{@link io.github.medvp.train.Adam}: PyTorch's Adam / AdamW update with parameter groups
 * ({@link io.github.medvp.train.ParamGroup}) and a state that is saved and restored exactly;</li>
 * <li>{@link io.github.medvp.train.LrSchedule}: the learning rate as a pure function of the optimiser step;</li>
 * <li>{@link io.github.medvp.train.RunFolder}: config.json, metrics.csv ({@link io.github.medvp.train.MetricsLog}),
 * curves.png ({@link io.github.medvp.train.CurvesPlot}) and checkpoints
 * ({@link io.github.medvp.train.Checkpoint}, {@link io.github.medvp.train.Checkpoints}: one safetensors file with
 * a JSON header);</li>
 * <li>{@link io.github.medvp.train.HostArrays}: NDArray and host tensor conversions;</li>
 * <li>{@link io.github.medvp.train.StepTimer}, {@link io.github.medvp.train.MemoryProbe}: benchmark figures.</li>
 * </ul>
 * A typical run:
 * <pre>{@code
 * NamedParameters params = NamedParameters.builder().addBlock("", model).addFree("templates", templates).build();
 * try (RunFolder run = RunFolder.open(dir, config, resume, List.of("method", "model", "patch"));
 *         Adam adam = Adam.builder().setParameters(params).optWeightDecay(0.05)
 *         .addGroup(new ParamGroup("heads", n -> n.startsWith("head"), 5.0, 0.05)).build()) {
 *     TrainLoop.<Batch>builder().setParameters(params).setOptimizer(adam)
 *             .setSchedule(LrSchedule.warmupCosine(1e-4, 1e-6, 500, epochs * stepsPerEpoch))
 *             .setStep(method::loss).setData(data).setEpochs(epochs).setStepsPerEpoch(stepsPerEpoch)
 *             .optAccumulation(2).optSeed(seed).optRunFolder(run).optProgress(progress).build().run();
 * }
 * }</pre>
 * Resuming (same folder, {@code resume=true}) continues from the exact optimiser step with identical results. The
 * run folder is locked until closed, and a new run closed before its first checkpoint is removed again.
 */
package io.github.medvp.train;
