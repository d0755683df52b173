package io.github.medvp.train;

import io.github.medvp.engine.DeviceList;
import java.nio.file.Path;

/**
 * The settings every trainer shares (BrainMVP and MG-3D pre-training, segmentation and classification
 * fine-tuning), declared once here and once in the commands' common base. A workflow's record holds them as an
 * {@link Settings.Inline} component, so {@code config.json} lists them at its top level.
 *
 * @param data the training data: a manifest, a folder of studies or a volume-report list; null when the caller
 *     gives the studies in memory (then {@code source} names them)
 * @param output the run folder
 * @param resume continue the run in {@code output} from its last checkpoint
 * @param seed the seed of splits, sampling, augmentation and initialisation (a resumed run keeps it: the split and
 *     the data order depend on it)
 * @param device the device(s)
 * @param workers threads preparing samples, 0 for min(4, cores - 1)
 * @param logEvery optimiser steps between log lines
 */
public record TrainingSettings(Path data, Path output, boolean resume, @Settings.Core long seed, DeviceList device,
        int workers, int logEvery) {

    /** The most data threads a run may ask for. */
    public static final int MAX_WORKERS = 256;

    /** @throws io.github.medvp.SettingsException naming the first setting out of range */
    public TrainingSettings {
        Settings.required("device", device, "auto, cpu, gpu or gpu:N");
        Settings.range("workers", workers, 0, MAX_WORKERS);
        Settings.range("log_every", logEvery, 1, 1_000_000);
    }

    /**
     * @param output the run folder
     * @param seed the workflow's default seed
     * @return no data path, no resume, {@code auto} device, default workers, a line every 10 steps
     */
    public static TrainingSettings of(Path output, long seed) {
        return new TrainingSettings(null, output, false, seed, DeviceList.AUTO, 0, 10);
    }

    /** @param data the training data @return a copy with it */
    public TrainingSettings withData(Path data) {
        return new TrainingSettings(data, output, resume, seed, device, workers, logEvery);
    }

    TrainingSettings withResume(boolean resume) {
        return new TrainingSettings(data, output, resume, seed, device, workers, logEvery);
    }

    TrainingSettings withSeed(long seed) {
        return new TrainingSettings(data, output, resume, seed, device, workers, logEvery);
    }

    TrainingSettings withDevice(String device) {
        return new TrainingSettings(data, output, resume, seed, DeviceList.parse(device), workers, logEvery);
    }

    TrainingSettings withWorkers(int workers) {
        return new TrainingSettings(data, output, resume, seed, device, workers, logEvery);
    }

    TrainingSettings withLogEvery(int logEvery) {
        return new TrainingSettings(data, output, resume, seed, device, workers, logEvery);
    }
}
