package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.random.RandomGenerator;

/**
 * Transforms applied in order. Between steps the chain checks its thread's interrupt flag, so a loader that is
 * closed stops its workers at the next step boundary instead of finishing a whole volume.
 */
public final class Compose implements Transform {

    private final List<Transform> steps;

    private Compose(List<Transform> steps) {
        this.steps = List.copyOf(steps);
    }

    /** The transforms in order; nested compositions are flattened. */
    public static Compose of(Transform... steps) {
        return of(List.of(steps));
    }

    /** The transforms in order; nested compositions are flattened. */
    public static Compose of(List<? extends Transform> steps) {
        List<Transform> flat = new ArrayList<>();
        for (Transform t : steps) {
            if (t instanceof Compose) {
                flat.addAll(((Compose) t).steps);
            } else {
                flat.add(t);
            }
        }
        return new Compose(flat);
    }

    /** The steps, flattened. */
    public List<Transform> steps() {
        return steps;
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        for (Transform t : steps) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("sample preparation of " + s.id() + " interrupted");
            }
            s = t.apply(s, rng);
        }
        return s;
    }

    @Override
    public String toString() {
        return "Compose" + steps;
    }
}
