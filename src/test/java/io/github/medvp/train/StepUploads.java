package io.github.medvp.train;

import ai.djl.pytorch.jni.JniUtils;
import io.github.medvp.Progress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.mockito.MockedStatic;
import org.mockito.Mockito;

/**
 * Counts the tensors a training step creates from Java data: on a GPU each is an upload, and PyTorch's copy to the
 * device waits for every kernel queued before it (one host round trip). What counts: every call of libtorch's
 * {@code JniUtils.createNdFromByteBuffer}, the one DJL 0.35.1 call that makes a tensor from a Java buffer or array
 * ({@code NDManager.create} of numbers, arrays and buffers, and DJL's {@code NDArray.add(Number)} and the like, which
 * wrap the number in such a tensor); {@code zeros}, {@code ones}, {@code full}, {@code arange} and the random draws
 * run on the device and do not count. On the CPU a device tensor is a CPU tensor: creations are counted anyway.
 * <p>
 * What does not count, by the frame that asked for the tensor (the first outside DJL and {@code HostArrays}):
 * <ul>
 * <li>{@code engine.Scalars}: on a GPU it passes a Java number as a CPU 0-d tensor, which libtorch hands to the
 * kernel as an argument (no upload); on the CPU the same helper makes a CPU 0-d tensor;</li>
 * <li>the batch's arrival: the methods that move the loader's batch (volumes, labels, text ids) to the device once
 * per micro-step, {@link #BATCH_ARRIVAL}. The batch is data, not a Java number of an op;</li>
 * <li>the step's own random data, {@link #STEP_DATA}: arrays drawn on the host from the step's stream or read from
 * the batch's metadata, one upload each per micro-step whatever the model's depth (BrainMVP's and MG-3D's block
 * masks, BrainMVP's template rows and {@code rep_start}, its cross-modal source channels). Their host draws keep a
 * sample's mask the same on one device and on several ({@code BlockMask.sampleShare}) and equal to the parity
 * fixtures'.</li>
 * </ul>
 * The window: from the end of optimiser step 1 to the end of step 2 (the loop's "train" progress reports), on the
 * thread that created the counter (Mockito's static mocks are per thread: a single-device run trains there), so the
 * loop's own work in step 2 (loss sums, the finiteness check, the optimiser) counts too, and step 1's one-time
 * constants do not.
 */
public final class StepUploads implements AutoCloseable {

    /** Class and method names ({@code Simple.method}) whose direct creations are the batch's arrival. */
    public static final Set<String> BATCH_ARRIVAL = Set.of("BrainMvpStep.input", "Mg3dBatch.toInput",
            "TextBatch.toNDList", "SegmentationStep.forward", "ClassificationFineTuning.step");

    /** Methods whose creations are the step's own data, drawn or read on the host once per micro-step. */
    public static final Set<String> STEP_DATA = Set.of("BlockMask.sample", "ModalityTemplates.normalisedCrops",
            "TwoViews.make");

    private final MockedStatic<JniUtils> mock;
    private final List<String> uploads = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean counting;
    private volatile boolean always;
    private long steps;

    /** Starts intercepting libtorch's tensor creations on this thread (counting starts after step 1). */
    public StepUploads() {
        mock = Mockito.mockStatic(JniUtils.class, invocation -> {
            if ((counting || always) && invocation.getMethod().getName().equals("createNdFromByteBuffer")) {
                String asker = asker();
                if (asker != null) {
                    uploads.add(asker);
                }
            }
            return invocation.callRealMethod();
        });
    }

    /** Counts every creation from now on, not only in step 2 (for the counter's own test). */
    public void countAlways() {
        always = true;
    }

    /**
     * @param delegate where the reports go on
     * @return a progress that opens the window at the first "train" report and closes it at the second
     */
    public Progress progress(Progress delegate) {
        return new Progress() {
            @Override
            public void update(String stage, long done, long total, String message) {
                mark(stage);
                delegate.update(stage, done, total, message);
            }

            @Override
            public void tick(String stage, long done, long total, String message) {
                mark(stage);
                delegate.tick(stage, done, total, message);
            }

            @Override
            public void log(String line) {
                delegate.log(line);
            }

            @Override
            public boolean isCancelled() {
                return delegate.isCancelled();
            }
        };
    }

    private synchronized void mark(String stage) {
        if ("train".equals(stage)) {
            steps++;
            counting = steps == 1;
        }
    }

    /** @return how many optimiser steps were reported */
    public synchronized long steps() {
        return steps;
    }

    /** @return the counted creations, each named by the frame that asked for it */
    public List<String> uploads() {
        synchronized (uploads) {
            return List.copyOf(uploads);
        }
    }

    /** The frame that asked for the tensor, or null when it does not count (a frame above is exempt). */
    private static String asker() {
        String first = null;
        for (StackTraceElement f : new Throwable().getStackTrace()) {
            String c = f.getClassName();
            if (c.startsWith("ai.djl.") || c.startsWith("org.mockito.") || c.startsWith("java.")
                    || c.startsWith("jdk.") || c.startsWith("sun.") || c.equals(StepUploads.class.getName())
                    || c.startsWith(StepUploads.class.getName() + "$")
                    || c.equals("io.github.medvp.engine.HostArrays") || c.contains("ByteBuddy")) {
                continue;
            }
            if (c.equals("io.github.medvp.engine.Scalars")) {
                return null;
            }
            String simple = c.substring(c.lastIndexOf('.') + 1);
            int inner = simple.indexOf('$');
            String name = (inner < 0 ? simple : simple.substring(0, inner)) + "." + f.getMethodName();
            if (BATCH_ARRIVAL.contains(name) || STEP_DATA.contains(name)) {
                return null;
            }
            if (first == null) {
                first = name + ":" + f.getLineNumber();
            }
        }
        return first == null ? "unknown" : first;
    }

    @Override
    public void close() {
        mock.close();
    }
}
