package io.github.medvp.demo;

import java.util.SplittableRandom;

/**
 * Draws a {@link Subject} on an {@link Acquisition}'s grid in one pass over the voxels (world point of each voxel
 * centre from the affine, tissue fractions there, every channel's value and the label), then adds noise, and
 * measures the {@link Findings} on the label map it made. Plain arrays, X fastest as NIfTI stores them.
 */
final class Renderer {

    /** BraTS labels. */
    static final byte NCR = 1, ED = 2;

    private Renderer() {
    }

    /**
     * Channel values without noise and the label map.
     *
     * @param signals per channel, the value of every tissue (indexed by ordinal)
     * @param bias per channel a smooth field for a multiplicative bias {@code exp(biasAmplitude·field)}, or
     *        {@code null} for none
     * @param etLabel the label value of enhancing tumour (4 for BraTS 2018–2021, 3 for 2023)
     * @param label receives the label map (length {@link Acquisition#voxels()})
     * @return the channels
     */
    static float[][] render(Subject s, Acquisition a, double[][] signals, SmoothNoise[] bias, double biasAmplitude,
            byte etLabel, byte[] label) {
        return render(s, a, signals, bias, biasAmplitude, etLabel, label, null);
    }

    /**
     * {@link #render(Subject, Acquisition, double[][], SmoothNoise[], double, byte, byte[])} that also marks the
     * voxels inside the skull (less than half of the voxel is air, skin, fat or bone) in {@code brain}, for
     * BraTS-style skull stripping; {@code null} to skip.
     */
    static float[][] render(Subject s, Acquisition a, double[][] signals, SmoothNoise[] bias, double biasAmplitude,
            byte etLabel, byte[] label, boolean[] brain) {
        int nx = a.dims[0], ny = a.dims[1], nz = a.dims[2];
        float[][] out = new float[signals.length][a.voxels()];
        double[] f = new double[Tissue.COUNT];
        double[][] m = a.affine;
        double pv = a.meanSpacing();
        int ncr = Tissue.NECROSIS.ordinal(), core = Tissue.CORE.ordinal(), et = Tissue.ENHANCING.ordinal(),
                ed = Tissue.OEDEMA.ordinal();
        int[] outside = { Tissue.AIR.ordinal(), Tissue.SKIN.ordinal(), Tissue.FAT.ordinal(), Tissue.SKULL.ordinal() };
        int i = 0;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                double wx = m[0][1] * y + m[0][2] * z + m[0][3];
                double wy = m[1][1] * y + m[1][2] * z + m[1][3];
                double wz = m[2][1] * y + m[2][2] * z + m[2][3];
                for (int x = 0; x < nx; x++, i++) {
                    double px = wx + m[0][0] * x, py = wy + m[1][0] * x, pz = wz + m[2][0] * x;
                    double texture = s.fractions(px, py, pz, pv, f);
                    for (int c = 0; c < signals.length; c++) {
                        double v = 0;
                        double[] sig = signals[c];
                        for (int t = 0; t < Tissue.COUNT; t++) {
                            v += f[t] * sig[t];
                        }
                        v *= texture;
                        if (bias != null) {
                            v *= Math.exp(biasAmplitude * bias[c].at(px, py, pz));
                        }
                        out[c][i] = (float) v;
                    }
                    // The class with the largest share of the voxel; ties go to "no tumour".
                    double pNcr = f[ncr] + f[core], pEt = f[et], pEd = f[ed];
                    double pNone = 1 - pNcr - pEt - pEd;
                    byte l = 0;
                    double best = pNone;
                    if (pNcr > best) {
                        best = pNcr;
                        l = NCR;
                    }
                    if (pEt > best) {
                        best = pEt;
                        l = etLabel;
                    }
                    if (pEd > best) {
                        l = ED;
                    }
                    label[i] = l;
                    if (brain != null) {
                        double head = 0;
                        for (int t : outside) {
                            head += f[t];
                        }
                        brain[i] = head < 0.5;
                    }
                }
            }
        }
        return out;
    }

    /** Rician noise of standard deviation {@code sigma} (the magnitude of a complex signal with Gaussian noise). */
    static void rician(float[] v, double sigma, SplittableRandom rng) {
        for (int i = 0; i < v.length; i++) {
            double re = v[i] + sigma * rng.nextGaussian(), im = sigma * rng.nextGaussian();
            v[i] = (float) Math.sqrt(re * re + im * im);
        }
    }

    /** Gaussian noise (CT). */
    static void gaussian(float[] v, double sigma, SplittableRandom rng) {
        for (int i = 0; i < v.length; i++) {
            v[i] += (float) (sigma * rng.nextGaussian());
        }
    }

    /**
     * The findings of a rendered study, measured on its label map.
     *
     * @param fov the field of view (mm), for the grade rule
     */
    static Findings measure(Subject s, Acquisition a, byte[] label, byte etLabel, double[] fov) {
        int nx = a.dims[0], ny = a.dims[1];
        long coreN = 0, etN = 0, ncrN = 0, edN = 0;
        double[] sum = new double[3];
        double[] lo = { Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE };
        double[] hi = { -Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE };
        double[][] m = a.affine;
        for (int i = 0; i < label.length; i++) {
            byte l = label[i];
            if (l == ED) {
                edN++;
            }
            if (l != NCR && l != etLabel) {
                continue;
            }
            coreN++;
            if (l == etLabel) {
                etN++;
            } else {
                ncrN++;
            }
            int x = i % nx, y = (i / nx) % ny, z = i / (nx * ny);
            for (int r = 0; r < 3; r++) {
                double w = m[r][0] * x + m[r][1] * y + m[r][2] * z + m[r][3];
                sum[r] += w;
                lo[r] = Math.min(lo[r], w);
                hi[r] = Math.max(hi[r], w);
            }
        }
        if (coreN == 0) {
            return Findings.none();
        }
        double voxel = a.voxelVolume();
        double[] centre = { sum[0] / coreN, sum[1] / coreN, sum[2] / coreN };
        double[] size = new double[3];
        for (int r = 0; r < 3; r++) {
            // Extent of the voxel centres plus one voxel, the voxels' own width.
            size[r] = hi[r] - lo[r] + a.meanSpacing();
        }
        java.util.Arrays.sort(size);
        size = new double[] { size[2], size[1], size[0] };
        double coreDiameter = diameter(coreN * voxel);
        double oedemaMm = (diameter((coreN + edN) * voxel) - coreDiameter) / 2;
        boolean enhancing = etN > 0;
        double shift = Math.abs(s.midlineShift);
        return new Findings(true, centre[0] >= 0 ? "right" : "left", lobe(s, centre), size, coreDiameter, enhancing,
                enhancing && ncrN > 0, oedemaMm, shift, s.midlineShift < 0 ? "left" : "right", centre,
                PhantomGenerator.isHighGrade(enhancing, coreDiameter, fov));
    }

    /** Diameter of the sphere of volume {@code v} (mm³). */
    static double diameter(double v) {
        return Math.cbrt(6 * v / Math.PI);
    }

    /** The lobe of a world point, from its position in the brain ellipsoid. */
    static String lobe(Subject s, double[] p) {
        double u = p[0] / s.brain[0], v = p[1] / s.brain[1], w = p[2] / s.brain[2];
        if (v > 0.15) {
            return "frontal";
        }
        if (v < -0.35) {
            return "occipital";
        }
        if (w < -0.05 && Math.abs(u) > 0.3) {
            return "temporal";
        }
        return "parietal";
    }
}
