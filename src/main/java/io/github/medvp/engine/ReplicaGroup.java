package io.github.medvp.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replicas of one model on several devices of one machine, running one forward pass each on their share of a batch
 * and meeting where the pass needs the whole batch: PyTorch DDP's {@code SyncBatchNorm} and all-gather, in one
 * process and one autograd graph instead of processes and a communication library.
 * <p>
 * Each replica runs on a thread of its own (its {@link Replica#current()} context, PyTorch's thread-local grad mode
 * copied from the caller, DJL's thread-local {@link NDScope}), but the threads take turns: replica 0 runs until it
 * reaches an {@link Replica#exchange} or its end, then replica 1, and so on. Host-side op dispatch is therefore in a
 * fixed order (the engine's random stream is drawn in the same order on every run), while the devices still work at
 * the same time, because every op only queues a kernel on its device and nothing in a step waits for one. An exchange
 * hands every replica all replicas' values once the last one arrived; the arrays stay alive until every replica
 * finished its pass (then each replica's scope frees its intermediates; autograd keeps what the backward pass needs).
 * <p>
 * A replica that fails (out of memory on one GPU, say) stops the others at their next turn, and {@link #run} throws
 * one {@link MedvpException} naming that replica's device; a user error a replica raised (a {@code MedvpException},
 * a cancel) is rethrown as it is.
 */
public final class ReplicaGroup implements AutoCloseable {

    /** One replica's forward pass: its outputs stay alive after it (the caller's scope owns them). */
    @FunctionalInterface
    public interface Task {
        /**
         * @param replica this replica (index, device, manager, exchange)
         * @return the outputs
         */
        NDList run(Replica replica);
    }

    private final List<Device> devices;
    private final List<NDManager> managers;
    private final ExecutorService[] threads;
    private final Object lock = new Object();
    private int turn;
    private long round;
    private Object[] deposits;
    private List<Object> published;
    private int finished;
    private int failedReplica = -1;
    private Throwable failure;

    /**
     * @param devices one per replica, at least two (repeats allowed: {@code cpu,cpu})
     * @param first where replica 0 creates arrays: a manager on {@code devices.get(0)} (the caller's)
     */
    public ReplicaGroup(List<Device> devices, NDManager first) {
        if (devices.size() < 2) {
            throw new IllegalArgumentException("ReplicaGroup: at least two devices, got " + devices);
        }
        this.devices = List.copyOf(devices);
        this.managers = new ArrayList<>();
        this.threads = new ExecutorService[devices.size()];
        for (int r = 0; r < devices.size(); r++) {
            managers.add(r == 0 ? first : NDManager.newBaseManager(devices.get(r)));
            String name = "medvp-replica-" + r + "-" + devices.get(r);
            threads[r] = Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(task, name);
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** @return the replica count */
    public int size() {
        return devices.size();
    }

    /** @return the devices, replica order */
    public List<Device> devices() {
        return devices;
    }

    /** @return how a replica is named in messages, e.g. {@code replica 2 of 4 (gpu(1))} */
    public String describe(int replica) {
        return "replica " + (replica + 1) + " of " + devices.size() + " (" + devices.get(replica) + ")";
    }

    /**
     * Runs {@code task} on every replica and returns their outputs, registered in the caller's current
     * {@link NDScope}.
     *
     * @param task the forward pass
     * @return the outputs, replica order
     * @throws MedvpException naming the device of a replica that failed
     */
    public List<NDList> run(Task task) {
        int n = devices.size();
        synchronized (lock) {
            turn = 0;
            round = 0;
            deposits = new Object[n];
            published = null;
            finished = 0;
            failedReplica = -1;
            failure = null;
        }
        boolean grad = JniUtils.isGradMode();
        List<Future<NDList>> futures = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int index = r;
            futures.add(threads[r].submit(() -> body(index, task, grad)));
        }
        List<NDList> out = new ArrayList<>();
        boolean interrupted = false;
        for (Future<NDList> f : futures) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                out.add(null);
            } catch (InterruptedException e) {
                interrupted = true;
                fail(-1, e);
                out.add(null);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            if (failure != null) {
                throw error(failure, failedReplica);
            }
        }
        for (NDList list : out) {
            for (NDArray a : list) {
                NDScope.register(a);
            }
        }
        return out;
    }

    private RuntimeException error(Throwable t, int replica) {
        if (t instanceof MedvpException m) {
            return m;
        }
        if (t instanceof Progress.CancelledException c) {
            return c;
        }
        if (replica < 0) {
            return new MedvpException("training on " + devices + " was interrupted");
        }
        String why = t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getMessage().lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst().orElse("");
        return new MedvpException(describe(replica) + " failed: " + why);
    }

    private NDList body(int r, Task task, boolean grad) {
        Replica replica = new Replica(this, r, devices.get(r), managers.get(r));
        boolean before = JniUtils.isGradMode();
        JniUtils.setGradMode(grad);
        Replica.set(replica);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            awaitTurn(r);
            NDList out = task.run(replica);
            NDScope.unregister(out);
            finish(r);
            return out;
        } catch (Aborted a) {
            return null;
        } catch (Throwable t) {
            fail(r, t);
            return null;
        } finally {
            replica.release();
            Replica.set(null);
            JniUtils.setGradMode(before);
        }
    }

    /** Thrown in a replica that waits while another failed: it just stops. */
    private static final class Aborted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Aborted() {
            super(null, null, false, false);
        }
    }

    private void fail(int r, Throwable t) {
        synchronized (lock) {
            if (failure == null) {
                failure = t;
                failedReplica = r;
            }
            lock.notifyAll();
        }
    }

    private void awaitTurn(int r) {
        synchronized (lock) {
            while (turn != r && failure == null) {
                waitLock();
            }
            if (failure != null) {
                throw new Aborted();
            }
        }
    }

    /** Ends replica r's pass and holds its arrays until every replica ended (others may still read them). */
    private void finish(int r) {
        synchronized (lock) {
            if (failure != null) {
                throw new Aborted();
            }
            if (Arrays.stream(deposits).anyMatch(d -> d != null)) {
                throw new IllegalStateException(describe(r) + " ended its pass while others wait at an exchange: "
                        + "the replicas did not take the same path");
            }
            finished++;
            turn = r + 1;
            lock.notifyAll();
            while (finished < devices.size() && failure == null) {
                waitLock();
            }
            if (failure != null) {
                throw new Aborted();
            }
        }
    }

    /** See {@link Replica#exchange}; the caller holds the turn. */
    @SuppressWarnings("unchecked")
    <T> List<T> exchange(int r, T value) {
        int n = devices.size();
        synchronized (lock) {
            if (failure != null) {
                throw new Aborted();
            }
            if (finished > 0) {
                throw new IllegalStateException(describe(r) + " waits at an exchange that a finished replica never "
                        + "reached: the replicas did not take the same path");
            }
            deposits[r] = value;
            long mine = round;
            if (r == n - 1) {
                published = Arrays.asList(deposits.clone());
                deposits = new Object[n];
                round++;
                turn = 0;
            } else {
                turn = r + 1;
            }
            lock.notifyAll();
            while ((round == mine || turn != r) && failure == null) {
                waitLock();
            }
            if (failure != null) {
                throw new Aborted();
            }
            return (List<T>) published;
        }
    }

    private void waitLock() {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = failure == null ? e : failure;
            throw new Aborted();
        }
    }

    /** Stops the replica threads and closes the managers of replicas 1 and up. */
    @Override
    public void close() {
        for (ExecutorService t : threads) {
            t.shutdownNow();
        }
        for (int r = 1; r < managers.size(); r++) {
            managers.get(r).close();
        }
    }
}
