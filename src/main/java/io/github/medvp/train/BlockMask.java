package io.github.medvp.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.engine.Replica;
import io.github.medvp.engine.Scalars;

/**
 * The block mask of masked-image pre-training (BrainMVP's {@code Uniform_block_replace} in {@code utils/ops.py}; MG-3D
 * uses it with 16³ blocks and ratio 0.5, one mask for the whole batch, as its {@code mask_rand_patch}): the volume is
 * cut into cubes of {@code blockSize}³, of which {@code floor(nBlocks·(1−ratio))} are kept, chosen uniformly without
 * replacement, and the rest masked (ratio 0.8 on 96³ with 8³ cubes: 345 of 1728 kept).
 * <p>
 * The masks of a whole batch are made in one go on the device: one random score per block, the rank of each score
 * within its row ({@code argsort} of {@code argsort}, so ties cannot change the count), keep ranks below k, then a
 * broadcast expands each block to its voxels. Only the scores come from the host, drawn from the micro-step's generator
 * ({@link io.github.medvp.train.StepContext#random()}), so masks do not depend on the device's random stream.
 */
public final class BlockMask {

    private final int blockSize;
    private final double ratio;

    private BlockMask(Builder b) {
        blockSize = b.blockSize;
        ratio = b.ratio;
    }

    /** @return a builder; defaults: block size 8, mask ratio 0.8 (the reference's {@code do_pretrain.sh}) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the edge length of a block in voxels */
    public int getBlockSize() {
        return blockSize;
    }

    /** @return the fraction of blocks masked (before rounding) */
    public double getRatio() {
        return ratio;
    }

    /**
     * @param spatial (X, Y, Z), each divisible by the block size
     * @return the number of blocks along each axis
     */
    public long[] blocks(Shape spatial) {
        if (spatial.dimension() != 3) {
            throw new IllegalArgumentException("BlockMask needs a spatial shape (X, Y, Z), got " + spatial);
        }
        long[] n = new long[3];
        for (int a = 0; a < 3; a++) {
            if (spatial.get(a) % blockSize != 0 || spatial.get(a) == 0) {
                throw new IllegalArgumentException("BlockMask: size " + spatial + " is not divisible by the block size "
                        + blockSize);
            }
            n[a] = spatial.get(a) / blockSize;
        }
        return n;
    }

    /**
     * @param spatial (X, Y, Z)
     * @return the number of kept blocks per mask, computed in double as the reference does
     *     ({@code math.floor(len(cor) * (1 - mask_rate))})
     */
    public int keptBlocks(Shape spatial) {
        long[] n = blocks(spatial);
        return (int) Math.floor(n[0] * n[1] * n[2] * (1 - ratio));
    }

    /**
     * Draws {@code count} independent masks.
     *
     * @param manager where the masks live
     * @param count number of masks (2B for the two views of B samples)
     * @param spatial (X, Y, Z)
     * @param dataType type of the result (that of the images)
     * @param rng the step's generator
     * @return (count, 1, X, Y, Z) with 1 at masked and 0 at kept voxels
     */
    public NDArray sample(NDManager manager, int count, Shape spatial, DataType dataType, SplittableRandom rng) {
        long[] n = blocks(spatial);
        int perMask = Math.toIntExact(n[0] * n[1] * n[2]);
        float[] scores = new float[Math.multiplyExact(count, perMask)];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) rng.nextDouble();
        }
        return fromScores(HostArrays.copyOf(manager, scores, new Shape(count, perMask)), spatial, dataType);
    }

    /**
     * Draws {@code groups × perGroup} masks (group-major: all of group 0, then group 1...), as {@link #sample} with
     * {@code count = groups × perGroup} on one device. In a data-parallel step ({@link Replica#current()}) the draws
     * cover the global batch ({@code perGroup} samples per replica) and this replica keeps its own samples' rows of
     * each group, so every sample gets the mask it gets on one device given the whole batch.
     *
     * @param manager where the masks live
     * @param groups number of groups (2 for BrainMVP's two views)
     * @param perGroup this replica's samples per group
     * @param spatial (X, Y, Z)
     * @param dataType type of the result
     * @param rng the step's generator (the same stream on every replica)
     * @return (groups × perGroup, 1, X, Y, Z) with 1 at masked and 0 at kept voxels
     */
    public NDArray sampleShare(NDManager manager, int groups, int perGroup, Shape spatial, DataType dataType,
            SplittableRandom rng) {
        Replica replica = Replica.current();
        int replicas = replica == null ? 1 : replica.count();
        int index = replica == null ? 0 : replica.index();
        if (replicas == 1) {
            return sample(manager, groups * perGroup, spatial, dataType, rng);
        }
        long[] n = blocks(spatial);
        int perMask = Math.toIntExact(n[0] * n[1] * n[2]);
        int global = perGroup * replicas;
        float[] kept = new float[Math.multiplyExact(groups * perGroup, perMask)];
        int at = 0;
        for (int g = 0; g < groups; g++) {
            for (int row = 0; row < global; row++) {
                boolean mine = row / perGroup == index;
                for (int i = 0; i < perMask; i++) {
                    float v = (float) rng.nextDouble();
                    if (mine) {
                        kept[at++] = v;
                    }
                }
            }
        }
        return fromScores(HostArrays.copyOf(manager, kept, new Shape(groups * perGroup, perMask)), spatial, dataType);
    }

    /**
     * Turns block scores into masks: in each row the {@code keptBlocks} lowest scores are kept (ties broken by block
     * index), so every mask keeps exactly that many blocks.
     *
     * @param scores (count, nBlocks), blocks in C order of (bx, by, bz)
     * @param spatial (X, Y, Z)
     * @param dataType type of the result
     * @return (count, 1, X, Y, Z) with 1 at masked and 0 at kept voxels
     */
    public NDArray fromScores(NDArray scores, Shape spatial, DataType dataType) {
        long[] n = blocks(spatial);
        long count = scores.getShape().get(0);
        if (scores.getShape().dimension() != 2 || scores.getShape().get(1) != n[0] * n[1] * n[2]) {
            throw new IllegalArgumentException("BlockMask: scores " + scores.getShape() + " do not fit " + spatial);
        }
        NDArray rank = scores.argSort(1).argSort(1);
        NDArray masked = Scalars.gte(rank, keptBlocks(spatial)).toType(dataType, false);
        long b = blockSize;
        return masked.reshape(count, 1, n[0], 1, n[1], 1, n[2], 1)
                .broadcast(count, 1, n[0], b, n[1], b, n[2], b)
                .reshape(count, 1, spatial.get(0), spatial.get(1), spatial.get(2));
    }

    /** Builder for {@link BlockMask}. */
    public static final class Builder {
        private int blockSize = 8;
        private double ratio = 0.8;

        private Builder() {
        }

        /** @param blockSize edge of a block in voxels, default 8 @return this */
        public Builder optBlockSize(int blockSize) {
            this.blockSize = blockSize;
            return this;
        }

        /** @param ratio fraction of blocks masked, in [0, 1), default 0.8 @return this */
        public Builder optRatio(double ratio) {
            this.ratio = ratio;
            return this;
        }

        /** @return the mask generator */
        public BlockMask build() {
            if (blockSize < 1 || !(ratio >= 0 && ratio < 1)) {
                throw new IllegalArgumentException("BlockMask: block size must be >= 1 and the ratio in [0, 1)");
            }
            return new BlockMask(this);
        }
    }
}
