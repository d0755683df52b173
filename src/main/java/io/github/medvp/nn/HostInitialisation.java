package io.github.medvp.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;

/**
 * Initialises a block's parameters from libtorch's CPU generator whatever the device, so that one seed gives the same
 * initial weights on a laptop CPU and on a GPU. libtorch's CPU and CUDA generators draw different numbers from the
 * same seed: initialised on a GPU, a model started from other weights than the same run on the CPU, and the two could
 * not be compared step by step. Each parameter is drawn on the CPU in DJL's usual order and copied to the device once.
 */
public final class HostInitialisation {

    private HostInitialisation() {
    }

    /**
     * {@code block.initialize(manager, dataType, inputShapes)} with every parameter drawn on the CPU.
     *
     * @param block the block; its parameters' initializers must be set (as DJL requires anyway)
     * @param manager where the parameters live (any device)
     * @param dataType parameter type
     * @param inputShapes as for {@link Block#initialize}
     */
    public static void initialize(Block block, NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            Initializer inner = p.getValue().getInitializer();
            if (inner != null && !(inner instanceof OnHost)) {
                p.getValue().setInitializer(new OnHost(inner));
            }
        }
        block.initialize(manager, dataType, inputShapes);
    }

    /** An initializer that draws with {@code inner} on the CPU and hands the values to the caller's manager. */
    static final class OnHost implements Initializer {
        private final Initializer inner;

        OnHost(Initializer inner) {
            this.inner = inner;
        }

        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            try (NDManager host = manager.newSubManager(Device.cpu())) {
                NDArray drawn = inner.initialize(host, shape, dataType);
                NDArray out = drawn.getDevice().equals(manager.getDevice()) ? drawn
                        : drawn.toDevice(manager.getDevice(), false);
                out.attach(manager);
                return out;
            }
        }
    }
}
