package io.github.medvp.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.medvp.Progress;
import io.github.medvp.data.transform.Compose;
import io.github.medvp.data.transform.LoadStudy;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.transform.ToRas;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drawn anatomy: world placement under every storage orientation, contrasts, labels and reports. */
class PhantomAnatomyTest {

    private static final double[] FOV = { 64, 64, 56 };
    private static final double[] IN_PLANE = { 1.0, 1.2 }, SLICE = { 1.5, 2.0 };

    @Test
    void aTumourLandsAtItsWorldPositionAfterToRasWhateverTheStorageOrientation(@TempDir Path tmp) throws IOException {
        Subject s = Subject.draw(new SplittableRandom(5), FOV, true, true, 3, null);
        double[] centre = s.lesion.centre();
        double meanR = (s.lesion.radii()[0] + s.lesion.radii()[1] + s.lesion.radii()[2]) / 3;
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            boolean nonRas = i > 0;
            Acquisition a = Acquisition.draw(new SplittableRandom(100 + i), FOV, IN_PLANE, SLICE, nonRas, 8);
            byte[] label = new byte[a.voxels()];
            float[] t1c = Renderer.render(s, a, new double[][] { Tissue.signal(Modality.T1C) }, null, 0, (byte) 4,
                    label)[0];
            Path image = tmp.resolve("c" + i + "_t1ce.nii.gz"), seg = tmp.resolve("c" + i + "_seg.nii.gz");
            long[] dims = { a.dims[0], a.dims[1], a.dims[2] };
            NiftiWriter.write(new Volume(ArrayImgs.floats(t1c, dims), a.geometry()), image);
            NiftiWriter.write(new Volume(ArrayImgs.unsignedBytes(label, dims), a.geometry()), seg);
            String stored = NiftiReader.read(image).geometry().axisCodes();
            codes.add(stored);
            assertEquals(nonRas, !"RAS".equals(stored), stored);

            Study study = new Study("c" + i, List.of(new Study.Channel("t1ce", Modality.T1C, image)), seg, null, null,
                    "test");
            Sample ras = Compose.of(new LoadStudy(true), new ToRas()).apply(Sample.of(study), new SplittableRandom(0));
            Geometry g = ras.geometry();
            assertEquals("RAS", g.axisCodes());
            float[] l = ras.label()[0];
            int[] sh = ras.shape();
            double[] sum = new double[3];
            long n = 0;
            for (int z = 0; z < sh[2]; z++) {
                for (int y = 0; y < sh[1]; y++) {
                    for (int x = 0; x < sh[0]; x++) {
                        float v = l[x + sh[0] * (y + sh[1] * z)];
                        if (v == 1 || v == 4) {
                            sum[0] += x;
                            sum[1] += y;
                            sum[2] += z;
                            n++;
                        }
                    }
                }
            }
            double[] world = g.toWorld(sum[0] / n, sum[1] / n, sum[2] / n);
            for (int k = 0; k < 3; k++) {
                assertEquals(centre[k], world[k], 0.25 * meanR + 1, stored + " axis " + k);
            }
            int[] voxel = voxelOf(g, centre);
            float atCentre = l[voxel[0] + sh[0] * (voxel[1] + sh[1] * voxel[2])];
            assertTrue(atCentre == 1 || atCentre == 4, stored + ": label " + atCentre + " at the tumour centre");
        }
        assertTrue(codes.size() >= 4, "RAS and at least three other orientations: " + codes);
    }

    @Test
    void tissuesHaveTheUsualRelativeIntensities() {
        Subject s = Subject.draw(new SplittableRandom(9), FOV, false, false, 3, null);
        Acquisition a = Acquisition.draw(new SplittableRandom(1), FOV, new double[] { 1, 1 }, new double[] { 1, 1 },
                false, 0);
        List<Modality> mods = List.of(Modality.T1, Modality.T2, Modality.FLAIR, Modality.PD);
        double[][] signals = new double[mods.size()][];
        for (int c = 0; c < signals.length; c++) {
            signals[c] = Tissue.signal(mods.get(c));
        }
        float[][] img = Renderer.render(s, a, signals, null, 0, (byte) 4, new byte[a.voxels()]);
        // Mean signal of voxels that are almost purely one tissue, per modality.
        double[][] mean = new double[mods.size()][Tissue.COUNT];
        long[] count = new long[Tissue.COUNT];
        double[] f = new double[Tissue.COUNT];
        int i = 0;
        for (int z = 0; z < a.dims[2]; z++) {
            for (int y = 0; y < a.dims[1]; y++) {
                for (int x = 0; x < a.dims[0]; x++, i++) {
                    double[] w = a.geometry().toWorld(x, y, z);
                    s.fractions(w[0], w[1], w[2], a.meanSpacing(), f);
                    for (int t = 0; t < Tissue.COUNT; t++) {
                        if (f[t] > 0.95) {
                            count[t]++;
                            for (int c = 0; c < mods.size(); c++) {
                                mean[c][t] += img[c][i];
                            }
                        }
                    }
                }
            }
        }
        int csf = Tissue.CSF.ordinal(), gm = Tissue.GREY.ordinal(), wm = Tissue.WHITE.ordinal();
        for (int t : new int[] { csf, gm, wm }) {
            assertTrue(count[t] > 50, Tissue.values()[t] + " has " + count[t] + " pure voxels");
            for (int c = 0; c < mods.size(); c++) {
                mean[c][t] /= count[t];
            }
        }
        double[] t1 = mean[0], t2 = mean[1], flair = mean[2], pd = mean[3];
        assertTrue(t1[wm] > t1[gm] && t1[gm] > t1[csf], "T1 WM > GM > CSF");
        assertTrue(t2[csf] > t2[gm] && t2[gm] > t2[wm], "T2 CSF > GM > WM");
        assertTrue(flair[gm] > flair[csf] && flair[wm] > flair[csf], "FLAIR suppresses CSF");
        assertTrue(pd[csf] > pd[wm], "PD CSF > WM");
    }

    @Test
    void labelMapsAgreeWithTheIntensitiesOfTheWrittenFiles(@TempDir Path tmp) throws IOException {
        PhantomGenerator.Result r = PhantomGenerator.builder().optStudies(4).optSeed(21).build()
                .generate(tmp, Progress.NONE);
        for (PhantomGenerator.Generated g : r.studies()) {
            float[] seg = values(g.label());
            float[] t1 = values(g.images().get(1)), t1c = values(g.images().get(2)), flair = values(g.images().get(0));
            Volume v = NiftiReader.read(g.label());
            int nx = (int) v.dimensions()[0], ny = (int) v.dimensions()[1], nz = (int) v.dimensions()[2];
            boolean[] shell = shell(seg, nx, ny, nz, 2);
            double shellT1c = mean(t1c, shell), shellFlair = mean(flair, shell), shellT1 = mean(t1, shell);
            boolean[] et = where(seg, 4), ed = where(seg, 2);
            if (count(et) > 0) {
                assertTrue(mean(t1c, et) > 1.25 * shellT1c, g.id() + ": ET bright on T1c");
                assertTrue(mean(t1c, et) > 1.5 * mean(t1c, ed), g.id() + ": ET brighter than oedema on T1c");
            }
            assertTrue(count(ed) > 0, g.id() + " has oedema");
            assertTrue(mean(flair, ed) > 1.3 * shellFlair, g.id() + ": oedema bright on FLAIR");
            assertTrue(mean(t1, ed) < shellT1, g.id() + ": oedema dark on T1");
            assertEquals(5, g.images().size());
        }
    }

    @Test
    void reportsNameTheSideLobeAndSizeOfTheLesionThatWasDrawn() {
        Pattern size = Pattern.compile("(\\d+(?:\\.\\d)?)(?: x [\\d.]+ x [\\d.]+)? (cm|mm)");
        int checked = 0;
        for (int seed = 0; seed < 10; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            Subject s = Subject.draw(rng, FOV, true, seed % 2 == 0, 3, null);
            Acquisition a = Acquisition.draw(rng, FOV, IN_PLANE, SLICE, seed % 3 == 0, 8);
            byte[] label = new byte[a.voxels()];
            Renderer.render(s, a, new double[][] { Tissue.hounsfield() }, null, 0, (byte) 4, label);
            Findings f = Renderer.measure(s, a, label, (byte) 4, FOV);
            String[] report = Reports.write(f, rng);
            String text = report[0] + " " + report[1];
            String side = s.lesion.centre()[0] > 0 ? "right" : "left";
            assertEquals(side, f.hemisphere(), text);
            assertEquals(Renderer.lobe(s, s.lesion.centre()), f.lobe(), "the centroid is in the drawn lobe");
            assertTrue(text.contains(side + " " + f.lobe()) || text.contains(f.lobe() + " lobe of the " + side), text);
            Matcher m = size.matcher(report[0]);
            assertTrue(m.find(), report[0]);
            double mm = Double.parseDouble(m.group(1)) * ("cm".equals(m.group(2)) ? 10 : 1);
            assertEquals(f.sizeMm()[0], mm, "cm".equals(m.group(2)) ? 0.5 : 0.5, text);
            double drawn = 2 * Math.max(s.lesion.radii()[0], Math.max(s.lesion.radii()[1], s.lesion.radii()[2]));
            assertTrue(mm > 0.6 * drawn && mm < 1.5 * drawn, mm + " mm reported, " + drawn + " mm drawn");
            if (f.midlineShift()) {
                assertTrue(text.contains("to the " + (side.equals("right") ? "left" : "right")), text);
            }
            checked++;
        }
        assertEquals(10, checked);
        Findings none = Findings.none();
        String[] normal = Reports.write(none, new SplittableRandom(1));
        assertNotEquals(-1, (normal[0] + normal[1]).toLowerCase().indexOf("no "));
        assertTrue(!normal[0].contains("right") && !normal[0].contains("left"), normal[0]);
    }

    private static float[] values(Path p) throws IOException {
        return NiftiReader.read(p).toFloatImg().update(null).getCurrentStorageArray();
    }

    private static boolean[] where(float[] seg, int value) {
        boolean[] m = new boolean[seg.length];
        for (int i = 0; i < seg.length; i++) {
            m[i] = seg[i] == value;
        }
        return m;
    }

    /** Background voxels within {@code r} voxels (Chebyshev) of a tumour voxel. */
    private static boolean[] shell(float[] seg, int nx, int ny, int nz, int r) {
        boolean[] m = new boolean[seg.length];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    if (seg[x + nx * (y + ny * z)] == 0) {
                        continue;
                    }
                    for (int dz = -r; dz <= r; dz++) {
                        for (int dy = -r; dy <= r; dy++) {
                            for (int dx = -r; dx <= r; dx++) {
                                int X = x + dx, Y = y + dy, Z = z + dz;
                                if (X >= 0 && Y >= 0 && Z >= 0 && X < nx && Y < ny && Z < nz
                                        && seg[X + nx * (Y + ny * Z)] == 0) {
                                    m[X + nx * (Y + ny * Z)] = true;
                                }
                            }
                        }
                    }
                }
            }
        }
        return m;
    }

    private static double mean(float[] v, boolean[] m) {
        double s = 0;
        long n = 0;
        for (int i = 0; i < v.length; i++) {
            if (m[i]) {
                s += v[i];
                n++;
            }
        }
        return s / n;
    }

    private static long count(boolean[] m) {
        long n = 0;
        for (boolean b : m) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** The voxel (rounded) whose centre is at world point {@code w}: the affine inverted by Cramer's rule. */
    private static int[] voxelOf(Geometry g, double[] w) {
        double[][] a = g.affine();
        double[] b = { w[0] - a[0][3], w[1] - a[1][3], w[2] - a[2][3] };
        double det = det(a[0][0], a[0][1], a[0][2], a[1][0], a[1][1], a[1][2], a[2][0], a[2][1], a[2][2]);
        int[] v = new int[3];
        for (int k = 0; k < 3; k++) {
            double[][] m = { { a[0][0], a[0][1], a[0][2] }, { a[1][0], a[1][1], a[1][2] },
                { a[2][0], a[2][1], a[2][2] } };
            for (int r = 0; r < 3; r++) {
                m[r][k] = b[r];
            }
            v[k] = (int) Math.round(det(m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2], m[2][0], m[2][1],
                    m[2][2]) / det);
        }
        return v;
    }

    private static double det(double a, double b, double c, double d, double e, double f, double g, double h,
            double i) {
        return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    }
}
