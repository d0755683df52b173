package io.github.medvp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.github.medvp.MedvpException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replicas take turns in a fixed order, exchange values, and a failing replica stops the pass naming its device. */
class ReplicaGroupTest {

    @Test
    void replicasTakeTurnsAndExchangeInReplicaOrder() {
        Engines.pytorch();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                ReplicaGroup group = new ReplicaGroup(List.of(Device.cpu(), Device.cpu(), Device.cpu()), m)) {
            List<NDList> out = group.run(r -> {
                order.add("a" + r.index());
                List<Integer> all = r.exchange(10 * r.index());
                order.add("b" + r.index() + all);
                List<Integer> again = r.exchange(r.index());
                order.add("c" + r.index() + again);
                return new NDList(r.manager().zeros(new ai.djl.ndarray.types.Shape(1 + r.index())));
            });
            assertEquals(List.of("a0", "a1", "a2", "b0[0, 10, 20]", "b1[0, 10, 20]", "b2[0, 10, 20]", "c0[0, 1, 2]",
                    "c1[0, 1, 2]", "c2[0, 1, 2]"), order);
            assertEquals(3, out.get(2).singletonOrThrow().size());
            assertNull(Replica.current(), "no replica outside a pass");
        }
    }

    @Test
    void aFailingReplicaStopsThePassWithOneLineNamingItsDevice() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                ReplicaGroup group = new ReplicaGroup(List.of(Device.cpu(), Device.cpu()), m)) {
            MedvpException e = assertThrows(MedvpException.class, () -> group.run(r -> {
                r.exchange(r.index());
                if (r.index() == 1) {
                    throw new IllegalStateException("CUDA out of memory. Tried to allocate 2.00 GiB\nstack...");
                }
                r.exchange(r.index());
                return new NDList();
            }));
            assertEquals("replica 2 of 2 (cpu()) failed: CUDA out of memory. Tried to allocate 2.00 GiB",
                    e.getMessage());
            // A user error inside a replica is reported as it is.
            MedvpException user = assertThrows(MedvpException.class, () -> group.run(r -> {
                throw new MedvpException("study s3 has no label map");
            }));
            assertEquals("study s3 has no label map", user.getMessage());
            // Replicas that take different paths are an error, not a hang.
            MedvpException path = assertThrows(MedvpException.class, () -> group.run(r -> {
                if (r.index() == 0) {
                    r.exchange(0);
                }
                return new NDList();
            }));
            assertTrue(path.getMessage().contains("same path"), path.getMessage());
            // The group still works afterwards.
            assertEquals(2, group.run(r -> new NDList()).size());
        }
    }
}
