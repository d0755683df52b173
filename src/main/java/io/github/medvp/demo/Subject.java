package io.github.medvp.demo;

import java.util.SplittableRandom;

/**
 * One generated head in world coordinates (RAS mm, head centred at the origin): nested smooth shapes for skin,
 * subcutaneous fat, skull, the CSF rim, cortex and white matter (an ellipsoid deformed by low-frequency noise,
 * cortical thickness varying at a higher frequency so the grey/white boundary folds), lateral ventricles, deep grey
 * nuclei, the interhemispheric fissure, and optionally a {@link Lesion} whose mass effect shifts the midline
 * structures away from it. Optionally it has tumour mimics ({@link Tissue#HYPERINTENSITY} blobs around the ventricles,
 * {@link Tissue#PLEXUS} in each ventricle), which look like oedema or enhancing tumour on their own and are told
 * apart mostly by where they are and what surrounds them.
 * <p>
 * {@link #fractions} gives the tissue mix at a point with partial volume at every boundary; it allocates nothing,
 * so it runs per voxel. Sizes scale with the head: the same subject can be drawn at any field of view.
 */
final class Subject {

    /** Semi-axes of the head (mm). */
    final double[] head;
    /** Semi-axes of the brain (mm): the head less scalp, skull and the CSF rim, for locating lobes. */
    final double[] brain;
    /** The lesion, or {@code null} for a healthy subject. */
    final Lesion lesion;
    /** Midline displacement at the lesion's level (mm, signed along world x; 0 without lesion). */
    final double midlineShift;

    private final double meanHead;
    private final double skin, fat, skull, csf, cortex;
    private final SmoothNoise shape, sulci, gyri, texture;
    /** Per ventricle/nucleus: centre x (mirrored), y, z, semi-axes x, y, z. */
    private final double[] ventricle, nucleus;
    private final double fissureHalfWidth, fissureBottom;
    private final double shiftSigma;
    /** Hyperintensity blobs: centre x, y, z and radius (mm); empty without mimics. */
    private final double[][] blobs;
    /** Choroid plexus, relative to each ventricle: centre x offset (mirrored), y, z, semi-axes; null without mimics. */
    private final double[] plexus;

    /**
     * A tumour: an irregular ellipsoidal core (necrotic centre, enhancing or non-enhancing solid part) inside a
     * larger irregular oedema region.
     *
     * @param centre world centre (mm)
     * @param radii semi-axes of the core (mm)
     * @param necrosis radius of the necrotic centre relative to the core, 0 for none
     * @param enhancing whether the solid part enhances (T1c, contrast CT)
     * @param oedema radius of the oedema relative to the core (≥ 1)
     */
    record Lesion(double[] centre, double[] radii, double necrosis, boolean enhancing, double oedema,
            SmoothNoise noise) {
    }

    private Subject(double[] head, Lesion lesion, SplittableRandom rng, double midlineShiftScale,
            SplittableRandom mimics) {
        this.head = head;
        this.lesion = lesion;
        meanHead = (head[0] + head[1] + head[2]) / 3;
        skin = 0.025 * meanHead;
        fat = 0.04 * meanHead * (0.7 + 0.6 * rng.nextDouble());
        skull = 0.075 * meanHead * (0.85 + 0.3 * rng.nextDouble());
        csf = 0.035 * meanHead;
        cortex = 0.09 * meanHead;
        double rim = skin + fat + skull + csf;
        brain = new double[] { head[0] - rim, head[1] - rim, head[2] - rim };
        double extent = 1.3 * Math.max(head[0], Math.max(head[1], head[2]));
        shape = new SmoothNoise(rng, 4, extent);
        sulci = new SmoothNoise(rng, 14, extent);
        gyri = new SmoothNoise(rng, 12, extent);
        texture = new SmoothNoise(rng, 24, extent);
        double vs = 0.8 + 0.5 * rng.nextDouble(); // ventricle size varies a lot between people
        ventricle = new double[] { 0.14 * brain[0], 0.02 * brain[1], 0.12 * brain[2], 0.1 * brain[0] * vs,
                0.38 * brain[1], 0.16 * brain[2] * vs };
        nucleus = new double[] { 0.24 * brain[0], 0.04 * brain[1], -0.12 * brain[2], 0.11 * brain[0],
                0.17 * brain[1], 0.12 * brain[2] };
        fissureHalfWidth = 0.012 * meanHead;
        fissureBottom = ventricle[2] + ventricle[5];
        shiftSigma = 0.45 * brain[1];
        midlineShift = lesion == null ? 0 : midlineShiftScale * shiftWeight(lesion.centre[1], lesion.centre[2])
                * -Math.signum(lesion.centre[0]);
        if (mimics == null) {
            blobs = new double[0][];
            plexus = null;
            return;
        }
        // In the atrium, towards the back of each lateral ventricle, where the plexus is largest.
        plexus = new double[] { ventricle[0], ventricle[1] - 0.45 * ventricle[4], ventricle[2] - 0.2 * ventricle[5],
                0.7 * ventricle[3], 0.3 * ventricle[4], 0.6 * ventricle[5] };
        double meanBrain = (brain[0] + brain[1] + brain[2]) / 3;
        blobs = new double[2 + mimics.nextInt(7)][];
        for (int i = 0; i < blobs.length; i++) {
            // Periventricular: on a shell 1.2-1.8 times the ventricle, in the deep white matter.
            double u = mimics.nextGaussian(), v = mimics.nextGaussian(), w = mimics.nextGaussian();
            double norm = Math.sqrt(u * u + v * v + w * w) + 1e-9;
            double k = 1.2 + 0.6 * mimics.nextDouble();
            double side = mimics.nextBoolean() ? 1 : -1;
            blobs[i] = new double[] { side * (ventricle[0] + k * ventricle[3] * Math.abs(u) / norm),
                    ventricle[1] + k * ventricle[4] * v / norm, ventricle[2] + k * ventricle[5] * w / norm,
                    meanBrain * (0.08 + 0.08 * mimics.nextDouble()) };
        }
    }

    /**
     * Draws a subject for a field of view.
     *
     * @param fov field-of-view edges (mm, world x, y, z); the head fills about 84% of each
     * @param lesion draw a tumour
     * @param highGrade draw it large, enhancing and usually necrotic (else small and mostly non-enhancing)
     * @param minRim thinnest enhancing rim (mm), so the rim survives sampling at the coarsest spacing
     * @param mimics draws the tumour mimics; {@code null} for none (the rest of the subject does not depend on it)
     */
    static Subject draw(SplittableRandom rng, double[] fov, boolean lesion, boolean highGrade, double minRim,
            SplittableRandom mimics) {
        return draw(rng, rng, fov, lesion, highGrade, minRim, mimics, 1);
    }

    /**
     * As {@link #draw(SplittableRandom, double[], boolean, boolean, double, SplittableRandom)}, the head and its
     * healthy anatomy from {@code rng}, the tumour from {@code tumour}, its radius times {@code lesionScale} (the
     * draws do not depend on it): with a fresh {@code rng} of one seed every subject is the same head with a
     * different tumour; with {@code tumour == rng} and scale 1 it draws what the other overload draws.
     */
    static Subject draw(SplittableRandom rng, SplittableRandom tumour, double[] fov, boolean lesion,
            boolean highGrade, double minRim, SplittableRandom mimics, double lesionScale) {
        double[] head = new double[3];
        double s = 0.93 + 0.1 * rng.nextDouble();
        head[0] = 0.40 * fov[0] * s * (0.96 + 0.06 * rng.nextDouble());
        head[1] = 0.43 * fov[1] * s;
        head[2] = 0.41 * fov[2] * s * (0.96 + 0.06 * rng.nextDouble());
        if (!lesion) {
            return new Subject(head, null, rng, 0, mimics);
        }
        double meanHead = (head[0] + head[1] + head[2]) / 3;
        double rimAll = meanHead * (0.025 + 0.04 + 0.075 + 0.035);
        double[] brain = { head[0] - rimAll, head[1] - rimAll, head[2] - rimAll };
        double meanBrain = (brain[0] + brain[1] + brain[2]) / 3;
        double r = lesionScale * meanBrain
                * (highGrade ? 0.2 + 0.12 * tumour.nextDouble() : 0.08 + 0.09 * tumour.nextDouble());
        double[] radii = { r * (0.85 + 0.3 * tumour.nextDouble()), r * (0.85 + 0.3 * tumour.nextDouble()),
                r * (0.85 + 0.3 * tumour.nextDouble()) };
        boolean enhancing = highGrade || tumour.nextDouble() < 0.25;
        double rim = Math.max(minRim, 0.3 * r);
        double necrosis = highGrade && tumour.nextDouble() < 0.85 ? Math.max(0, 1 - rim / r) : 0;
        if (necrosis < 0.25) {
            necrosis = 0;
        }
        double oedema = highGrade ? 1.45 + 0.6 * tumour.nextDouble() : 1.1 + 0.4 * tumour.nextDouble();
        double[] centre = new double[3];
        double reach = 0.85 - 0.9 * r / meanBrain; // keep the core inside the brain; oedema may reach the cortex
        for (int tries = 0;; tries++) {
            double u = (tumour.nextBoolean() ? 1 : -1)
                    * (0.28 + (Math.max(0.3, reach) - 0.28) * tumour.nextDouble());
            double v = (2 * tumour.nextDouble() - 1) * Math.max(0.3, reach);
            double w = (2 * tumour.nextDouble() - 1) * Math.max(0.3, reach) * 0.8;
            if (u * u + v * v + w * w <= Math.max(0.3, reach) * Math.max(0.3, reach) || tries > 100) {
                centre[0] = u * brain[0];
                centre[1] = v * brain[1];
                centre[2] = w * brain[2];
                break;
            }
        }
        double extent = 1.3 * Math.max(head[0], Math.max(head[1], head[2]));
        Lesion l = new Lesion(centre, radii, necrosis, enhancing, oedema, new SmoothNoise(tumour, 16, extent));
        // Mass effect grows with the lesion's total extent beyond a small size; mm at the lesion's level.
        double shift = 0.6 * Math.max(0, r * oedema - 0.15 * meanBrain);
        return new Subject(head, l, rng, shift, mimics);
    }

    /** Weight of the midline displacement at (y, z): 1 at the centre of the brain, 0 at its surface. */
    private double shiftWeight(double y, double z) {
        double a = y / brain[1], b = z / brain[2];
        return Math.max(0, 1 - a * a - b * b);
    }

    /** The displacement (mm, along x) of midline structures at (y, z). */
    private double shiftAt(double y, double z) {
        if (lesion == null || midlineShift == 0) {
            return 0;
        }
        double dy = y - lesion.centre[1], dz = z - lesion.centre[2];
        double weightHere = shiftWeight(y, z), weightThere = shiftWeight(lesion.centre[1], lesion.centre[2]);
        return weightThere == 0 ? 0 : midlineShift * (weightHere / weightThere)
                * Math.exp(-(dy * dy + dz * dz) / (2 * shiftSigma * shiftSigma));
    }

    /**
     * The tissue mix at a world point.
     *
     * @param pv width of the partial-volume ramp at boundaries (mm), about a voxel
     * @param f receives {@link Tissue#COUNT} fractions summing to 1, indexed by ordinal
     * @return a multiplicative texture factor near 1 for the tissue's fine structure
     */
    double fractions(double x, double y, double z, double pv, double[] f) {
        double rh = Math.sqrt(sq(x / head[0]) + sq(y / head[1]) + sq(z / head[2]));
        double depth = (1 - rh * (1 + 0.03 * shape.at(x, y, z))) * meanHead; // mm below the skin surface
        double mHead = ramp(depth, pv);
        double mFat = ramp(depth - skin, pv);
        double mSkull = ramp(depth - skin - fat, pv);
        double mIntracranial = ramp(depth - skin - fat - skull, pv);
        double sulcal = csf * (1 + 0.8 * sulci.at(x, y, z));
        double mBrain = ramp(depth - skin - fat - skull - sulcal, pv);
        double mWhite = ramp(depth - skin - fat - skull - sulcal - cortex * (1 + 0.9 * gyri.at(x, y, z)), pv);
        // Midline structures move away from a mass; the brain's outline and cortex stay (the skull holds them).
        double qx = x - shiftAt(y, z);
        double mVentricle = Math.max(ellipsoid(qx - ventricle[0], y, z, ventricle, pv),
                ellipsoid(qx + ventricle[0], y, z, ventricle, pv));
        double mNucleus = Math.max(ellipsoid(qx - nucleus[0], y, z, nucleus, pv),
                ellipsoid(qx + nucleus[0], y, z, nucleus, pv));
        double mFissure = ramp(fissureHalfWidth - Math.abs(qx), pv) * ramp(z - fissureBottom, pv);
        double csfInside = Math.max(mVentricle, mFissure);
        double parenchyma = mBrain * (1 - csfInside);
        double whiteShare = mWhite * (1 - mNucleus);
        f[Tissue.AIR.ordinal()] = 1 - mHead;
        f[Tissue.SKIN.ordinal()] = mHead - mFat;
        f[Tissue.FAT.ordinal()] = mFat - mSkull;
        f[Tissue.SKULL.ordinal()] = mSkull - mIntracranial;
        f[Tissue.CSF.ordinal()] = mIntracranial - mBrain + mBrain * csfInside;
        f[Tissue.GREY.ordinal()] = parenchyma * (1 - whiteShare);
        f[Tissue.WHITE.ordinal()] = parenchyma * whiteShare;
        f[Tissue.OEDEMA.ordinal()] = 0;
        f[Tissue.CORE.ordinal()] = 0;
        f[Tissue.ENHANCING.ordinal()] = 0;
        f[Tissue.NECROSIS.ordinal()] = 0;
        f[Tissue.HYPERINTENSITY.ordinal()] = 0;
        f[Tissue.PLEXUS.ordinal()] = 0;
        if (plexus != null) {
            addMimics(qx, y, z, pv, mVentricle, f);
        }
        if (lesion != null) {
            addLesion(x, y, z, pv, mBrain, f);
        }
        return 1 + 0.04 * texture.at(x, y, z);
    }

    /** Plexus takes ventricular CSF, hyperintensities take white matter; a tumour drawn later overrides both. */
    private void addMimics(double qx, double y, double z, double pv, double mVentricle, double[] f) {
        double mPlexus = Math.max(ellipsoid(qx - plexus[0], y, z, plexus, pv),
                ellipsoid(qx + plexus[0], y, z, plexus, pv)) * mVentricle;
        int csf = Tissue.CSF.ordinal(), white = Tissue.WHITE.ordinal();
        double p = Math.min(f[csf], mPlexus);
        f[csf] -= p;
        f[Tissue.PLEXUS.ordinal()] = p;
        double mBlob = 0;
        for (double[] b : blobs) {
            double d = Math.sqrt(sq(qx - b[0]) + sq(y - b[1]) + sq(z - b[2]));
            mBlob = Math.max(mBlob, ramp(b[3] - d, pv));
        }
        double h = f[white] * mBlob;
        f[white] -= h;
        f[Tissue.HYPERINTENSITY.ordinal()] = h;
    }

    private void addLesion(double x, double y, double z, double pv, double mBrain, double[] f) {
        Lesion l = lesion;
        double[] c = l.centre, r = l.radii;
        double n = l.noise.at(x, y, z);
        double rt = Math.sqrt(sq((x - c[0]) / r[0]) + sq((y - c[1]) / r[1]) + sq((z - c[2]) / r[2])) * (1 + 0.15 * n);
        double meanR = (r[0] + r[1] + r[2]) / 3;
        double tumour = ramp((1 - rt) * meanR, pv) * mBrain;
        if (tumour == 0 && rt > l.oedema * 1.5) {
            return;
        }
        double necrotic = l.necrosis > 0 ? ramp((l.necrosis - rt) * meanR, pv) * mBrain : 0;
        double oedema = ramp((l.oedema - rt * (1 + 0.15 * n)) * meanR, pv);
        double keep = 1 - tumour;
        for (int t = 0; t < Tissue.COUNT; t++) {
            f[t] *= keep;
        }
        int g = Tissue.GREY.ordinal(), w = Tissue.WHITE.ordinal(), h = Tissue.HYPERINTENSITY.ordinal();
        f[Tissue.OEDEMA.ordinal()] = (f[g] + f[w] + f[h]) * oedema;
        f[g] *= 1 - oedema;
        f[w] *= 1 - oedema;
        f[h] *= 1 - oedema;
        f[Tissue.NECROSIS.ordinal()] = necrotic;
        f[(l.enhancing ? Tissue.ENHANCING : Tissue.CORE).ordinal()] = tumour - necrotic;
    }

    private static double ellipsoid(double x, double y, double z, double[] e, double pv) {
        double r = Math.sqrt(sq(x / e[3]) + sq((y - e[1]) / e[4]) + sq((z - e[2]) / e[5]));
        return ramp((1 - r) * Math.min(e[3], Math.min(e[4], e[5])), pv);
    }

    /** 0 outside (d ≤ −pv/2), 1 inside (d ≥ pv/2), linear between: the share of a voxel inside a boundary. */
    private static double ramp(double d, double pv) {
        double t = d / pv + 0.5;
        return t <= 0 ? 0 : t >= 1 ? 1 : t;
    }

    private static double sq(double v) {
        return v * v;
    }
}
