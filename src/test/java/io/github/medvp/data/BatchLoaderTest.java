package io.github.medvp.data;

import io.github.medvp.data.transform.Compose;
import io.github.medvp.data.transform.LoadStudy;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.transform.ModalitySubsample;
import io.github.medvp.data.transform.RandomCrop;
import io.github.medvp.data.transform.RandomFlip;
import io.github.medvp.data.transform.RandomIntensity;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.transform.Transform;
import io.github.medvp.TestProgress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.github.medvp.MedvpException;
import io.github.medvp.Progress;

class BatchLoaderTest {

    private static List<Study> studies(int n) {
        List<Study> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(new Study("s" + i, List.of(new Study.Channel("t1", Modality.T1, Path.of("s" + i + "_t1.nii")),
                    new Study.Channel("t2", Modality.T2, Path.of("s" + i + "_t2.nii"))), null, i % 3, null, "test"));
        }
        return l;
    }

    /** A stand-in for LoadStudy: 6×5×4 volumes whose values depend on the study, with random timing. */
    private static final Transform FAKE_LOAD = (s, rng) -> {
        int id = Integer.parseInt(s.id().substring(1));
        int[] shape = { 6, 5, 4 };
        float[][] ch = new float[s.channels()][120];
        for (int c = 0; c < ch.length; c++) {
            for (int i = 0; i < 120; i++) {
                ch[c][i] = id * 1000 + c * 200 + i;
            }
        }
        try {
            Thread.sleep((id * 7) % 5); // perturb worker timing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Sample(s.study(), shape, ch, s.modalities(), null, TestSamples.grid(), s.meta());
    };

    private static final Transform AUGMENT = Compose.of(FAKE_LOAD, new ModalitySubsample(3), new RandomCrop(4, 4, 4),
            new RandomFlip(0.5), RandomIntensity.shift(0.1), RandomIntensity.scale(0.1));

    private static List<byte[]> run(int workers, int depth, int epoch) {
        BatchLoader.Options o = new BatchLoader.Options(3, workers, depth, 46, true, true);
        List<byte[]> out = new ArrayList<>();
        try (BatchLoader l = new BatchLoader(studies(10), AUGMENT, o); BatchLoader.Epoch e = l.epoch(epoch)) {
            while (e.hasNext()) {
                Batch b = e.next();
                ByteBuffer bytes = b.imageBytes();
                byte[] a = new byte[bytes.remaining()];
                bytes.get(a);
                out.add(a);
                out.add(String.join(",", b.studyIds()).getBytes());
                out.add(b.modalities().toString().getBytes());
            }
        }
        return out;
    }

    @Test
    void identicalBatchesWhateverTheWorkers() {
        List<byte[]> one = run(1, 1, 0);
        List<byte[]> three = run(3, 5, 0);
        assertEquals(9, one.size(), "10 studies, batch 3, drop last: 3 batches");
        for (int i = 0; i < one.size(); i++) {
            assertTrue(java.util.Arrays.equals(one.get(i), three.get(i)), "item " + i);
        }
        List<byte[]> next = run(3, 5, 1);
        assertFalse(java.util.Arrays.equals(one.get(1), next.get(1)), "another epoch, another order");
    }

    @Test
    void resumingMidEpochGivesTheRemainingBatches() {
        List<byte[]> all = run(2, 3, 4);
        try (BatchLoader l = new BatchLoader(studies(10), AUGMENT, new BatchLoader.Options(3, 2, 3, 46, true, true))) {
            BatchLoader.Epoch e = l.epoch(4, 1, Progress.NONE);
            assertEquals(1, e.position());
            Batch b = e.next();
            assertEquals(1, b.index());
            ByteBuffer bytes = b.imageBytes();
            byte[] a = new byte[bytes.remaining()];
            bytes.get(a);
            assertTrue(java.util.Arrays.equals(all.get(3), a), "batch 1 of a resumed epoch = batch 1 of a full one");
            e.next();
            assertFalse(e.hasNext());
        }
    }

    @Test
    void epochsShuffleUnderTheSeedAndDropTheLastPartialBatch() {
        try (BatchLoader l = new BatchLoader(studies(10), FAKE_LOAD, new BatchLoader.Options(3, 2, 2, 5, true, true))) {
            assertEquals(3, l.batchesPerEpoch());
            Set<String> seen = new HashSet<>();
            BatchLoader.Epoch e = l.epoch(0);
            while (e.hasNext()) {
                seen.addAll(e.next().studyIds());
            }
            assertEquals(9, seen.size());
            assertNotEquals(java.util.Arrays.toString(l.order(0)), java.util.Arrays.toString(l.order(1)));
        }
        try (BatchLoader l = new BatchLoader(studies(10), FAKE_LOAD, BatchLoader.Options.inOrder(4))) {
            BatchLoader.Epoch e = l.epoch(0);
            List<String> ids = new ArrayList<>();
            List<Integer> classes = new ArrayList<>();
            while (e.hasNext()) {
                Batch b = e.next();
                ids.addAll(b.studyIds());
                classes.addAll(b.classLabels());
            }
            assertEquals(3, e.size());
            assertEquals(List.of("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"), ids);
            assertEquals(List.of(0, 1, 2, 0, 1, 2, 0, 1, 2, 0), classes);
        }
    }

    @Test
    void workerErrorsSurfaceNamingStudyAndFile() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Transform failing = Compose.of(FAKE_LOAD, (s, r) -> {
                if (s.id().equals("s4")) {
                    new LoadStudy().apply(Sample.of(s.study()), r); // its files do not exist
                }
                return s;
            });
            try (BatchLoader l = new BatchLoader(studies(6), failing, new BatchLoader.Options(2, 3, 3, 1, false, false))) {
                BatchLoader.Epoch e = l.epoch(0);
                e.next();
                e.next();
                MedvpException ex = assertThrows(MedvpException.class, e::next);
                assertTrue(ex.getMessage().startsWith("study s4: ") && ex.getMessage().contains("s4_t1.nii"),
                        ex.getMessage());
                assertFalse(e.hasNext(), "a failed epoch is closed");
            }
            Transform bug = (s, r) -> {
                throw new IllegalStateException("boom");
            };
            try (BatchLoader l = new BatchLoader(studies(2), bug, new BatchLoader.Options(1, 1, 1, 1, false, false))) {
                MedvpException ex = assertThrows(MedvpException.class, () -> l.epoch(0).next());
                assertTrue(ex.getMessage().contains("study s0 (test)") && ex.getMessage().contains("boom"),
                        ex.getMessage());
            }
        });
    }

    private static long liveWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("medvp-data-") && t.isAlive()).count();
    }

    @Test
    void closeStopsBusyWorkersPromptly() {
        long before = liveWorkers();
        Transform slow = (s, r) -> {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException();
            }
            return s;
        };
        BatchLoader l = new BatchLoader(studies(8), slow, new BatchLoader.Options(1, 3, 4, 1, false, false));
        l.epoch(0);
        long t0 = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(5), l::close);
        assertTrue(System.nanoTime() - t0 < 3e9, "close waited for a 30 s task");
        // The pool terminates when its last worker leaves the run loop, a moment before that thread has exited.
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (liveWorkers() > before && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(before, liveWorkers(), "no worker thread left");
        assertThrows(IllegalStateException.class, () -> l.epoch(1));
    }

    @Test
    void queueIsBounded() throws InterruptedException {
        AtomicInteger started = new AtomicInteger();
        Transform counting = Compose.of((s, r) -> {
            started.incrementAndGet();
            return s;
        }, FAKE_LOAD);
        try (BatchLoader l = new BatchLoader(studies(20), counting, new BatchLoader.Options(1, 3, 2, 1, false, false))) {
            BatchLoader.Epoch e = l.epoch(0);
            awaitAtLeast(started, 2);
            Thread.sleep(300); // time for more to start, were the queue not bounded
            assertEquals(2, started.get(), "only queueDepth batches ahead of a consumer that does not take");
            e.next();
            awaitAtLeast(started, 3);
            Thread.sleep(300);
            assertEquals(3, started.get(), "taking one starts one more");
        }
    }

    private static void awaitAtLeast(AtomicInteger n, int target) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (n.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void cancelWhileWaitingEndsTheWait() {
        AtomicBoolean cancel = new AtomicBoolean();
        Progress p = TestProgress.cancelWhen(cancel::get);
        Transform slow = (s, r) -> {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return s;
        };
        try (BatchLoader l = new BatchLoader(studies(2), slow, new BatchLoader.Options(1, 1, 1, 1, false, false))) {
            BatchLoader.Epoch e = l.epoch(0, p);
            new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ignored) {
                }
                cancel.set(true);
            }).start();
            assertTimeoutPreemptively(Duration.ofSeconds(3),
                    () -> assertThrows(Progress.CancelledException.class, e::next));
        }
    }

    @Test
    void closingFromAnotherThreadEndsAWait() {
        Transform slow = (s, r) -> {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException();
            }
            return s;
        };
        long before = liveWorkers();
        BatchLoader l = new BatchLoader(studies(6), slow, new BatchLoader.Options(1, 1, 4, 1, false, false));
        BatchLoader.Epoch e = l.epoch(0);
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
            }
            l.close();
        });
        closer.start();
        assertTimeoutPreemptively(Duration.ofSeconds(3),
                () -> assertThrows(java.util.concurrent.CancellationException.class, e::next));
        assertTimeoutPreemptively(Duration.ofSeconds(3), () -> closer.join());
        assertFalse(e.hasNext());
        assertEquals(before, liveWorkers());
    }

    @Test
    void sampleRandomDependsOnlyOnSeedEpochAndStudy() {
        assertEquals(BatchLoader.sampleRandom(46, 3, 17).nextLong(), BatchLoader.sampleRandom(46, 3, 17).nextLong());
        Set<Long> firsts = new HashSet<>();
        for (int e = 0; e < 4; e++) {
            for (int s = 0; s < 4; s++) {
                firsts.add(BatchLoader.sampleRandom(46, e, s).nextLong());
            }
        }
        firsts.add(BatchLoader.sampleRandom(47, 0, 0).nextLong());
        assertEquals(17, firsts.size());
    }
}
