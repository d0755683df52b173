package io.github.medvp.data;

import io.github.medvp.data.transform.LoadStudy;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.data.transform.Transform;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.medvp.MedvpException;
import io.github.medvp.Progress;

/**
 * Prepares batches on worker threads ahead of the training step (PyTorch {@code DataLoader} style).
 * <p>
 * Each epoch visits the studies in an order shuffled under (seed, epoch), cut into batches (the last partial one
 * dropped with {@code dropLast}). A batch is one worker task: it runs the transform on each of its samples and
 * stacks them into a {@link Batch}. Each sample's random generator is derived from (seed, epoch, study index) only,
 * and batches are handed out in epoch order whatever the workers' timing, so 1 and 8 workers give identical batches.
 * At most {@code queueDepth} batches are prepared or waiting at any time (bounded memory, back-pressure); a new one
 * is started whenever the consumer takes one.
 * <p>
 * A failure in a worker is rethrown by {@link Epoch#next()} for that batch as a {@link MedvpException} naming the
 * study (and, through the reader's message, the file). {@link #close()} interrupts and stops the workers and
 * waits for them; the threads are daemons named {@code medvp-data-N}.
 */
public final class BatchLoader implements AutoCloseable {

    /**
     * Loader settings.
     *
     * @param batchSize samples per batch
     * @param workers worker threads (≥ 1)
     * @param queueDepth batches prepared ahead (≥ 1)
     * @param seed seed of shuffling and of every sample's random generator
     * @param shuffle whether each epoch visits the studies in a new random order
     * @param dropLast whether to drop a last batch smaller than {@code batchSize}
     */
    public record Options(int batchSize, int workers, int queueDepth, long seed, boolean shuffle, boolean dropLast) {
        public Options {
            if (batchSize < 1 || workers < 1 || queueDepth < 1) {
                throw new MedvpException("batch size, workers and queue depth must be ≥ 1 (got " + batchSize + ", "
                        + workers + ", " + queueDepth + ")");
            }
        }

        /** Shuffled, drop-last training batches with {@link #defaultWorkers()} workers and a queue of 2 per worker. */
        public static Options training(int batchSize, long seed) {
            int w = defaultWorkers();
            return new Options(batchSize, w, 2 * w, seed, true, true);
        }

        /** In-order batches keeping the last partial one (validation, inference). */
        public static Options inOrder(int batchSize) {
            int w = defaultWorkers();
            return new Options(batchSize, w, 2 * w, 0, false, false);
        }

        /** These options with {@code n} workers. */
        public Options withWorkers(int n) {
            return new Options(batchSize, n, queueDepth, seed, shuffle, dropLast);
        }

        /** These options with a queue of {@code n} batches. */
        public Options withQueueDepth(int n) {
            return new Options(batchSize, workers, n, seed, shuffle, dropLast);
        }

        /** {@code min(4, cores − 1)}, at least 1: leaves a core for the training loop. */
        public static int defaultWorkers() {
            return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));
        }
    }

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final List<Study> studies;
    private final Transform transform;
    private final Options options;
    private final ExecutorService pool;
    private Epoch current;

    /**
     * @param studies the studies, in a fixed order (the study index feeds the random generators)
     * @param transform the per-sample chain, starting from {@link Sample#of(Study)} (usually with {@link LoadStudy})
     */
    public BatchLoader(List<Study> studies, Transform transform, Options options) {
        if (studies.isEmpty()) {
            throw new MedvpException("no studies to load");
        }
        this.studies = List.copyOf(studies);
        this.transform = transform;
        this.options = options;
        int id = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "medvp-data-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor p = new ThreadPoolExecutor(options.workers(), options.workers(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), tf);
        // Idle workers end after 30 s, so a loader dropped without close() does not hold threads forever.
        p.allowCoreThreadTimeOut(true);
        this.pool = p;
    }

    /** The settings this loader runs with. */
    public Options options() {
        return options;
    }

    /** Batches per epoch. */
    public int batchesPerEpoch() {
        int n = studies.size(), b = options.batchSize();
        return options.dropLast() ? n / b : (n + b - 1) / b;
    }

    /**
     * The random generator of one sample: a function of (seed, epoch, study index) only.
     */
    public static SplittableRandom sampleRandom(long seed, int epoch, int studyIndex) {
        return new SplittableRandom(mix(mix(mix(seed) ^ epoch) ^ ((long) studyIndex << 32 | 0x5bd1e995L)));
    }

    /** The order in which an epoch visits the study indices. */
    public int[] order(int epoch) {
        int n = studies.size();
        if (!options.shuffle()) {
            int[] p = new int[n];
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            return p;
        }
        return StudyManifest.permutation(n, new SplittableRandom(mix(mix(options.seed() ^ 0x9e3779b97f4a7c15L) ^ epoch)));
    }

    /** Stafford's mix13 (the SplittableRandom finaliser): nearby inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Starts an epoch without cancellation checks; see {@link #epoch(int, int, Progress)}. */
    public Epoch epoch(int epoch) {
        return epoch(epoch, 0, Progress.NONE);
    }

    /** Starts an epoch from its first batch; see {@link #epoch(int, int, Progress)}. */
    public Epoch epoch(int epoch, Progress progress) {
        return epoch(epoch, 0, progress);
    }

    /**
     * Starts preparing the batches of an epoch. An epoch still open is closed first (its pending work cancelled).
     *
     * @param fromBatch the first batch to deliver: a run resumed in the middle of an epoch gets exactly the batches
     *        it had not seen (batches depend only on seed, epoch and index)
     * @param progress polled while waiting for a batch; a cancel request ends the wait with
     *        {@link Progress.CancelledException}
     */
    public synchronized Epoch epoch(int epoch, int fromBatch, Progress progress) {
        if (pool.isShutdown()) {
            throw new IllegalStateException("loader closed");
        }
        if (fromBatch < 0 || fromBatch > batchesPerEpoch()) {
            throw new IllegalArgumentException("batch " + fromBatch + " is not in 0.." + batchesPerEpoch());
        }
        if (current != null) {
            current.close();
        }
        current = new Epoch(epoch, fromBatch, progress);
        return current;
    }

    /** Cancels pending work, stops the workers and waits (up to 10 s) for them to end. */
    @Override
    public synchronized void close() {
        if (current != null) {
            current.close();
        }
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Batch prepare(int epoch, int index, int[] order) {
        int b = options.batchSize();
        int from = index * b, to = Math.min(order.length, from + b);
        List<Sample> samples = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            Study study = studies.get(order[i]);
            try {
                samples.add(transform.apply(Sample.of(study), sampleRandom(options.seed(), epoch, order[i])));
            } catch (CancellationException e) {
                throw e;
            } catch (MedvpException e) {
                throw e.getMessage().startsWith("study ") ? e
                        : new MedvpException("study " + study.id() + " (" + study.source() + "): " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                throw new MedvpException("study " + study.id() + " (" + study.source() + "): preparing the sample "
                        + "failed: " + e, e);
            }
        }
        return Batch.of(epoch, index, samples);
    }

    /**
     * The batches of one epoch, in order. One consumer thread takes batches; {@link #close()} may come from any
     * thread (a cancel button) and ends a wait in {@link #next()} at once.
     */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {

        private final int epoch;
        private final Progress progress;
        private final int[] order;
        private final int count;
        private final ConcurrentLinkedDeque<Future<Batch>> pending = new ConcurrentLinkedDeque<>();
        private volatile Future<Batch> waiting;
        private volatile boolean closed;
        private int submitted;
        private int taken;

        private Epoch(int epoch, int fromBatch, Progress progress) {
            this.epoch = epoch;
            this.progress = progress;
            this.order = order(epoch);
            this.count = batchesPerEpoch();
            this.submitted = fromBatch;
            this.taken = fromBatch;
            fill();
        }

        private void fill() {
            while (!closed && submitted < count && pending.size() < options.queueDepth()) {
                int index = submitted++;
                Future<Batch> f = pool.submit(() -> prepare(epoch, index, order));
                pending.add(f);
                if (closed) {
                    f.cancel(true); // close() ran while this was being added
                }
            }
        }

        /** The epoch number. */
        public int number() {
            return epoch;
        }

        /** Batches in this epoch. */
        public int size() {
            return count;
        }

        /** Index of the batch {@link #next()} returns next. */
        public int position() {
            return taken;
        }

        @Override
        public boolean hasNext() {
            return !closed && taken < count;
        }

        /**
         * The next batch, waiting for it if needed.
         *
         * @throws MedvpException when preparing it failed (naming the study)
         * @throws Progress.CancelledException when the progress was cancelled while waiting
         * @throws CancellationException when the epoch or loader was closed while waiting
         */
        @Override
        public synchronized Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException(closed ? "epoch closed" : "epoch " + epoch + " has " + count
                        + " batches");
            }
            Future<Batch> f = pending.poll();
            waiting = f;
            taken++;
            fill();
            try {
                while (true) {
                    if (closed) {
                        throw new CancellationException("epoch " + epoch + " closed while waiting for a batch");
                    }
                    progress.checkCancelled();
                    try {
                        return f.get(100, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        // Poll again so a cancel request is seen within 0.1 s.
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new CancellationException("interrupted while waiting for batch " + (taken - 1));
            } catch (ExecutionException e) {
                close();
                Throwable c = e.getCause();
                if (c instanceof RuntimeException) {
                    throw (RuntimeException) c;
                }
                throw new MedvpException("preparing batch " + (taken - 1) + " of epoch " + epoch + " failed: " + c, c);
            } catch (RuntimeException e) {
                close();
                throw e;
            } finally {
                waiting = null;
            }
        }

        /** Cancels batches not yet taken; workers stop at their next transform step. Safe from any thread. */
        @Override
        public void close() {
            closed = true;
            Future<Batch> w = waiting;
            if (w != null) {
                w.cancel(true);
            }
            for (Future<Batch> f; (f = pending.poll()) != null;) {
                f.cancel(true);
            }
        }
    }
}
