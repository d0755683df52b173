package io.github.medvp.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Device-side sums of the losses since the last log line, and the non-finite counters, so that the loop reads
 * the host only once per log interval. All arrays are 0-dimensional and updated in place.
 */
final class LossWindow implements AutoCloseable {

    /** What one read gives: mean losses over the window, skipped steps in it, and the current run of them. */
    record Reading(Map<String, Double> means, long nonFinite, long streak) {
    }

    private final NDManager manager;
    private final List<String> names;
    private final Map<String, NDArray> sums = new LinkedHashMap<>();
    private NDArray nonFinite;
    private final NDArray streak;
    private long steps;

    LossWindow(NDManager manager, List<String> names) {
        this.manager = manager;
        this.names = List.copyOf(names);
        this.streak = zero();
        reset();
    }

    /** A zero that outlives any scope it is created in. */
    private NDArray zero() {
        NDArray a = manager.zeros(new Shape(), DataType.FLOAT32);
        NDScope.unregister(a);
        return a;
    }

    private void reset() {
        sums.values().forEach(NDArray::close);
        sums.clear();
        for (String n : names) {
            sums.put(n, zero());
        }
        if (nonFinite != null) {
            nonFinite.close();
        }
        nonFinite = zero();
        steps = 0;
    }

    /** Adds a detached loss value to the sum of {@code name}. */
    void add(String name, NDArray value) {
        NDArray sum = sums.get(name);
        if (sum == null) {
            throw new IllegalStateException("loss part " + name + " was not declared with optLossNames");
        }
        sum.addi(value);
    }

    /** Ends an optimiser step whose update was applied when {@code finite} (0-d boolean) holds. */
    void endStep(NDArray finite) {
        NDArray bad = finite.logicalNot().toType(DataType.FLOAT32, false);
        // streak = (streak + bad) * bad: +1 on a skipped step, back to 0 on a good one.
        streak.addi(bad).muli(bad);
        nonFinite.addi(bad);
        steps++;
    }

    /** Optimiser steps since the last read. */
    long steps() {
        return steps;
    }

    /** Reads the window (the host read), with means over {@code steps * accumulation} micro-steps, and resets it. */
    Reading read(int accumulation) {
        double count = (double) steps * accumulation;
        Map<String, Double> means = new LinkedHashMap<>();
        sums.forEach((k, v) -> means.put(k, v.getFloat() / count));
        Reading r = new Reading(means, Math.round(nonFinite.getFloat()), Math.round(streak.getFloat()));
        reset();
        return r;
    }

    @Override
    public void close() {
        sums.values().forEach(NDArray::close);
        nonFinite.close();
        streak.close();
    }
}
