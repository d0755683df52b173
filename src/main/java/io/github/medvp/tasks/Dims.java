package io.github.medvp.tasks;

import java.util.Arrays;

/** Checks of grid sizes shared by the metrics and the inferer. */
public final class Dims {

    private Dims() {
    }

    /**
     * The voxel count of a 3D grid, checked against the length of an array over it.
     *
     * @throws IllegalArgumentException when {@code dims} is not three positive sizes or does not match
     */
    public static int voxels(int[] dims, int length) {
        if (dims.length != 3 || dims[0] < 1 || dims[1] < 1 || dims[2] < 1) {
            throw new IllegalArgumentException("dims must be three positive sizes: " + Arrays.toString(dims));
        }
        long n = (long) dims[0] * dims[1] * dims[2];
        if (n != length) {
            throw new IllegalArgumentException("a " + Arrays.toString(dims) + " grid has " + n + " voxels, got "
                    + length);
        }
        return (int) n;
    }
}
