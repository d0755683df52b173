package io.github.medvp.demo;

import java.util.SplittableRandom;

import io.github.medvp.io.Geometry;

/**
 * The voxel grid of one generated file: spacing (thick slices along the third voxel axis when anisotropic), the
 * storage orientation (RAS, or a non-RAS one such as LPS, LAS, sagittal PSL or coronal LIP), a small oblique
 * rotation and a translation of the field of view. The affine maps voxel centres to world mm exactly as the file
 * stores it, so the anatomy drawn at those points is where the affine says it is.
 */
final class Acquisition {

    /** Storage orientations drawn for non-RAS files: per voxel axis the world axis and its direction. */
    private static final int[][][] NON_RAS = {
        { { 0, -1 }, { 1, -1 }, { 2, 1 } }, // LPS (ITK/DICOM, BraTS)
        { { 0, -1 }, { 1, 1 }, { 2, 1 } }, // LAS (radiological)
        { { 1, -1 }, { 2, 1 }, { 0, -1 } }, // PSL (sagittal slices)
        { { 0, -1 }, { 2, -1 }, { 1, -1 } }, // LIP (coronal slices)
    };
    private static final int[][] RAS = { { 0, 1 }, { 1, 1 }, { 2, 1 } };

    /** Voxels per axis. */
    final int[] dims;
    /** Voxel spacing (mm) per voxel axis. */
    final double[] spacing;
    /** The 4×4 voxel-to-world affine. */
    final double[][] affine;

    private Acquisition(int[] dims, double[] spacing, double[][] affine) {
        this.dims = dims;
        this.spacing = spacing;
        this.affine = affine;
    }

    /**
     * Draws a grid covering {@code fov} around a slightly moved centre.
     *
     * @param fov field-of-view edges along world x, y, z (mm)
     * @param inPlane in-plane spacing range {min, max} (mm)
     * @param slice slice spacing range {min, max} (mm)
     * @param nonRas store in one of the non-RAS orientations
     * @param maxRotationDeg largest oblique rotation (degrees, about a random axis)
     */
    static Acquisition draw(SplittableRandom rng, double[] fov, double[] inPlane, double[] slice, boolean nonRas,
            double maxRotationDeg) {
        int[][] ornt = nonRas ? NON_RAS[rng.nextInt(NON_RAS.length)] : RAS;
        double ip = uniform(rng, inPlane);
        double[] spacing = { ip, ip, uniform(rng, slice) };
        double[][] rot = rotation(rng, Math.toRadians(maxRotationDeg) * (2 * rng.nextDouble() - 1));
        int[] dims = new int[3];
        double[][] m = new double[3][3]; // direction · spacing
        for (int k = 0; k < 3; k++) {
            int w = ornt[k][0];
            dims[k] = (int) Math.ceil(fov[w] / spacing[k] - 1e-9);
            for (int r = 0; r < 3; r++) {
                m[r][k] = rot[r][w] * ornt[k][1] * spacing[k];
            }
        }
        double[] centre = new double[3];
        for (int a = 0; a < 3; a++) {
            centre[a] = 0.04 * fov[a] * (2 * rng.nextDouble() - 1);
        }
        double[][] affine = new double[4][4];
        for (int r = 0; r < 3; r++) {
            double o = centre[r];
            for (int k = 0; k < 3; k++) {
                affine[r][k] = m[r][k];
                o -= m[r][k] * (dims[k] - 1) / 2.0;
            }
            affine[r][3] = o;
        }
        affine[3][3] = 1;
        return new Acquisition(dims, spacing, affine);
    }

    /** The affine as a {@link Geometry}. */
    Geometry geometry() {
        return new Geometry(affine);
    }

    /** Number of voxels. */
    int voxels() {
        return dims[0] * dims[1] * dims[2];
    }

    /** Volume of one voxel (mm³). */
    double voxelVolume() {
        return spacing[0] * spacing[1] * spacing[2];
    }

    /** Mean spacing, the width of partial-volume boundaries. */
    double meanSpacing() {
        return (spacing[0] + spacing[1] + spacing[2]) / 3;
    }

    private static double uniform(SplittableRandom rng, double[] range) {
        return range[0] + (range[1] - range[0]) * rng.nextDouble();
    }

    /** Rodrigues rotation by {@code angle} about a uniformly drawn axis. */
    private static double[][] rotation(SplittableRandom rng, double angle) {
        double ux = rng.nextGaussian(), uy = rng.nextGaussian(), uz = rng.nextGaussian();
        double n = Math.sqrt(ux * ux + uy * uy + uz * uz);
        ux /= n;
        uy /= n;
        uz /= n;
        double c = Math.cos(angle), s = Math.sin(angle), t = 1 - c;
        return new double[][] { { c + ux * ux * t, ux * uy * t - uz * s, ux * uz * t + uy * s },
                { uy * ux * t + uz * s, c + uy * uy * t, uy * uz * t - ux * s },
                { uz * ux * t - uy * s, uz * uy * t + ux * s, c + uz * uz * t } };
    }
}
