package io.github.medvp.pretrain.mg3d;

import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.text.EncodedReport;
import io.github.medvp.data.text.ReportDataset;
import io.github.medvp.data.text.ReportEncoder;
import io.github.medvp.data.text.ReportRecord;
import io.github.medvp.data.Sample;
import io.github.medvp.data.text.TextBatch;
import io.github.medvp.data.transform.Transform;
import io.github.medvp.data.manifest.VolumeFiles;
import io.github.medvp.data.text.WholeWordMasking;
import io.github.medvp.train.StepContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Volume-report pairs turned into {@link Mg3dBatch}es: each volume read ({@link VolumeFiles}) and preprocessed (the
 * pipeline, e.g. {@link io.github.medvp.data.Pipelines#mg3dCt()}), each report encoded once
 * ({@link ReportEncoder}), MLM corruption redrawn per epoch ({@link WholeWordMasking}, from (seed, epoch, record) so a
 * resumed run draws the same masks). Preprocessing is deterministic (MG-3D has no augmentation in effect: its
 * {@code vit3d16} config sets the {@code clip} transform), so volumes are cached as raw float32 files in an optional
 * folder, as the reference caches them; the volumes of a batch are prepared in parallel.
 */
public final class Mg3dData {

    private final ReportDataset dataset;
    private final ReportEncoder encoder;
    private final WholeWordMasking masking;
    private final Transform pipeline;
    private final ForkJoinPool pool;
    private final Path cache;
    private final EncodedReport[] reports;

    /**
     * @param dataset the pairs
     * @param encoder report encoder (tokenizer and L)
     * @param masking MLM corruption, or null for evaluation batches
     * @param pipeline volume preprocessing giving one channel of a fixed size
     * @param cache folder for preprocessed volumes, or null for none
     */
    public Mg3dData(ReportDataset dataset, ReportEncoder encoder, WholeWordMasking masking, Transform pipeline,
            Path cache) {
        this.dataset = dataset;
        this.encoder = encoder;
        this.masking = masking;
        this.pipeline = pipeline;
        this.cache = cache;
        this.pool = null;
        this.reports = new EncodedReport[dataset.size()];
        for (int i = 0; i < reports.length; i++) {
            ReportRecord r = dataset.get(i);
            reports[i] = encoder.encode(r.findings(), r.impression());
        }
    }

    private Mg3dData(Mg3dData d, int workers) {
        this.dataset = d.dataset;
        this.encoder = d.encoder;
        this.masking = d.masking;
        this.pipeline = d.pipeline;
        this.cache = d.cache;
        this.reports = d.reports;
        // One pool for the run: its idle threads end by themselves (ForkJoinPool's keep-alive), so nothing to close.
        this.pool = workers > 0 ? new ForkJoinPool(workers) : null;
    }

    /**
     * @param workers threads loading a batch's volumes, 0 for the common pool (one per core)
     * @return this data loading with that many threads
     */
    public Mg3dData withWorkers(int workers) {
        return new Mg3dData(this, workers);
    }

    /** @return the number of pairs */
    public int size() {
        return reports.length;
    }

    /** @return the pairs */
    public ReportDataset dataset() {
        return dataset;
    }

    /** @param i a pair @return its encoded report */
    public EncodedReport report(int i) {
        return reports[i];
    }

    /**
     * The preprocessed volume of pair i.
     *
     * @param i the pair
     * @return the sample (one channel)
     */
    public Sample volume(int i) {
        ReportRecord r = dataset.get(i);
        Path cached = cache == null ? null : cache.resolve(safe(r.id()) + ".f32");
        if (cached != null && Files.isRegularFile(cached)) {
            try {
                return readCached(cached);
            } catch (IOException | RuntimeException e) {
                // A damaged cache entry is rebuilt below.
            }
        }
        Sample s = pipeline.apply(VolumeFiles.load(r.volume()), new SplittableRandom(0));
        if (cached != null) {
            writeCached(cached, s);
        }
        return s;
    }

    /**
     * Collates pairs into a batch.
     *
     * @param indices the pairs
     * @param mlmSeed seed of the MLM corruption (ignored without masking)
     * @return the batch
     * @throws MedvpException when the volumes do not share one size
     */
    public Mg3dBatch batch(int[] indices, long mlmSeed) {
        Sample[] samples = new Sample[indices.length];
        Runnable load = () -> IntStream.range(0, indices.length).parallel()
                .forEach(k -> samples[k] = volume(indices[k]));
        if (pool != null) {
            pool.submit(load).join();
        } else {
            load.run();
        }
        int[] shape = samples[0].shape();
        int voxels = shape[0] * shape[1] * shape[2];
        float[] vol = new float[indices.length * voxels];
        List<String> ids = new ArrayList<>();
        List<EncodedReport> enc = new ArrayList<>();
        List<WholeWordMasking.Masked> masked = masking == null ? null : new ArrayList<>();
        for (int k = 0; k < indices.length; k++) {
            if (!Arrays.equals(samples[k].shape(), shape)) {
                throw new MedvpException("volume " + dataset.get(indices[k]).volume() + " has size "
                        + Arrays.toString(samples[k].shape()) + " after preprocessing, not " + Arrays.toString(shape)
                        + "; the preprocessing must end with a fixed-size resize");
            }
            System.arraycopy(samples[k].image()[0], 0, vol, k * voxels, voxels);
            ids.add(dataset.get(indices[k]).id());
            enc.add(reports[indices[k]]);
            if (masking != null) {
                masked.add(masking.mask(reports[indices[k]], new Random(StepContext.derive(mlmSeed, indices[k]))));
            }
        }
        return new Mg3dBatch(ids, vol, new long[] {indices.length, 1, shape[0], shape[1], shape[2]},
                TextBatch.collate(enc, masked, encoder.tokenizer()));
    }

    /**
     * The batches of one training epoch: a permutation from (seed, epoch), full batches only, from batch
     * {@code skip} on; the next batch is prepared on a worker thread while the current one trains.
     *
     * @param epoch the epoch
     * @param skip batches to skip (resume)
     * @param batchSize B
     * @param seed the run seed
     * @param progress checked for cancel between batches
     * @return the batches
     */
    public Iterator<Mg3dBatch> epoch(int epoch, long skip, int batchSize, long seed, Progress progress) {
        int[] order = order(epoch, seed);
        int batches = order.length / batchSize;
        return new Iterator<>() {
            private int next = (int) skip;
            private java.util.concurrent.CompletableFuture<Mg3dBatch> pending = submit(next);

            private java.util.concurrent.CompletableFuture<Mg3dBatch> submit(int b) {
                if (b >= batches) {
                    return null;
                }
                int[] idx = Arrays.copyOfRange(order, b * batchSize, (b + 1) * batchSize);
                long mlmSeed = StepContext.derive(seed, epoch, 0x6D6C6DL);
                return java.util.concurrent.CompletableFuture.supplyAsync(() -> batch(idx, mlmSeed));
            }

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public Mg3dBatch next() {
                if (pending == null) {
                    throw new NoSuchElementException();
                }
                progress.checkCancelled();
                Mg3dBatch b;
                try {
                    b = pending.join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : e;
                }
                next++;
                pending = submit(next);
                return b;
            }
        };
    }

    /**
     * @param epoch the epoch
     * @param seed the run seed
     * @return the epoch's order of pairs (a function of seed and epoch only)
     */
    public int[] order(int epoch, long seed) {
        int[] order = IntStream.range(0, reports.length).toArray();
        SplittableRandom rng = new SplittableRandom(StepContext.derive(seed, epoch));
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static String safe(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static Sample readCached(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int[] shape = {buf.getInt(), buf.getInt(), buf.getInt()};
        float[] v = new float[shape[0] * shape[1] * shape[2]];
        buf.asFloatBuffer().get(v);
        return Sample.of(shape, new float[][] {v}, List.of(), null, null);
    }

    private static void writeCached(Path file, Sample s) {
        int[] shape = s.shape();
        float[] v = s.image()[0];
        ByteBuffer buf = ByteBuffer.allocate(12 + 4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(shape[0]).putInt(shape[1]).putInt(shape[2]);
        buf.asFloatBuffer().put(v);
        try {
            Files.createDirectories(file.getParent());
            io.github.medvp.io.AtomicFiles.write(file, buf.array());
        } catch (IOException e) {
            // The cache only saves time; a full disk must not stop training.
        }
    }
}
