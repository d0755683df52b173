package io.github.medvp.train;

import java.nio.file.Path;

/**
 * The part of every workflow's settings builder that sets the {@link TrainingSettings} all trainers share, so each
 * of those setters exists once.
 *
 * @param <B> the workflow's builder, returned by every setter for chaining
 */
public abstract class TrainingBuilder<B extends TrainingBuilder<B>> {

    /** The shared settings collected so far. */
    protected TrainingSettings training;

    /** @param defaultSeed the workflow's default seed (the reference's) */
    protected TrainingBuilder(long defaultSeed) {
        training = TrainingSettings.of(null, defaultSeed);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** @param training the shared settings as a whole (a command's inputs) @return this */
    public B training(TrainingSettings training) {
        this.training = training;
        return self();
    }

    /** @param data the training data @return this */
    public B data(Path data) {
        training = training.withData(data);
        return self();
    }

    /** @param runDir the run folder @return this */
    public B run(Path runDir) {
        training = new TrainingSettings(training.data(), runDir, training.resume(), training.seed(),
                training.device(), training.workers(), training.logEvery());
        return self();
    }

    /** @param resume continue the run in the run folder @return this */
    public B resume(boolean resume) {
        training = training.withResume(resume);
        return self();
    }

    /** @param seed the seed of splits, sampling, augmentation and initialisation @return this */
    public B seed(long seed) {
        training = training.withSeed(seed);
        return self();
    }

    /** @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N} @return this */
    public B device(String device) {
        training = training.withDevice(device);
        return self();
    }

    /** @param workers data threads, 0 for the default @return this */
    public B workers(int workers) {
        training = training.withWorkers(workers);
        return self();
    }

    /** @param logEvery optimiser steps between log lines, default 10 @return this */
    public B logEvery(int logEvery) {
        training = training.withLogEvery(logEvery);
        return self();
    }
}
