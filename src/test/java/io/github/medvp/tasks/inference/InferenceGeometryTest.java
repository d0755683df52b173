package io.github.medvp.tasks.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Resample;
import io.github.medvp.io.Volume;
import net.imglib2.img.array.ArrayImgs;

/** Into the model's grid and back: the world position of every voxel survives, the output has the input's affine. */
class InferenceGeometryTest {

    /** 6×8×5 voxels; voxel x runs along −y (2 mm), voxel y along −x (1 mm), voxel z along +z (3 mm): "PLS". */
    private static final int[] DIMS = { 6, 8, 5 };
    private static final Geometry PLS = new Geometry(new double[][] { { 0, -1, 0, 10 }, { -2, 0, 0, 20 },
            { 0, 0, 3, 30 } });

    @TempDir
    Path dir;

    private static int index(int[] d, int x, int y, int z) {
        return x + d[0] * (y + d[1] * z);
    }

    /** Background 1 everywhere, the blob (voxels x 2..3, y 3..5, z 2) at 100; with {@code zeroRim}, 0 at x = 0. */
    private static float[] image(boolean zeroRim) {
        float[] a = new float[DIMS[0] * DIMS[1] * DIMS[2]];
        java.util.Arrays.fill(a, 1);
        for (int y = 0; zeroRim && y < DIMS[1]; y++) {
            for (int z = 0; z < DIMS[2]; z++) {
                a[index(DIMS, 0, y, z)] = 0;
            }
        }
        for (int x = 2; x <= 3; x++) {
            for (int y = 3; y <= 5; y++) {
                a[index(DIMS, x, y, 2)] = 100;
            }
        }
        return a;
    }

    private static boolean inBlob(int x, int y, int z) {
        return x >= 2 && x <= 3 && y >= 3 && y <= 5 && z == 2;
    }

    /** A stand-in network on the model grid: label 1 where the prepared image is above half the blob's value. */
    private static int[] segment(Sample s) {
        float[] v = s.image()[0];
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] > 50 ? 1 : 0;
        }
        return out;
    }

    @Test
    void preparesToRasAtTheModelSpacing() {
        InferenceGeometry g = InferenceGeometry.prepare(Sample.of(DIMS, new float[][] { image(false) },
                List.of(Modality.T1), null, PLS), InferenceGeometry.ONE_MM, null, -1, null);
        assertEquals("RAS", g.model().axisCodes());
        assertArrayEquals(new double[] { 1, 1, 1 }, g.model().spacing(), 1e-12);
        // World x: the 8 voxels of y at 1 mm; world y: 6 voxels of x at 2 mm, (6 − 1)·2 + 1 = 11 at 1 mm; world z:
        // 5 voxels at 3 mm, (5 − 1)·3 + 1 = 13.
        assertArrayEquals(new int[] { 8, 11, 13 }, g.modelDims());
        assertArrayEquals(DIMS, g.originalDims());
        assertEquals(PLS, g.original());
    }

    @Test
    void labelRoundTripPutsTheBlobBackAtTheSameWorldPosition() throws Exception {
        for (boolean crop : new boolean[] { false, true }) {
            InferenceGeometry g = InferenceGeometry.prepare(Sample.of(DIMS, new float[][] { image(crop) },
                    List.of(Modality.T1), null, PLS), InferenceGeometry.ONE_MM, null, crop ? 0 : -1, null);
            if (crop) {
                // The rim x = 0 (world y = 20) is background: the foreground crop leaves 10 of 11 world-y voxels.
                assertArrayEquals(new int[] { 8, 10, 13 }, g.modelDims());
            }
            int[] back = g.restoreLabels(segment(g.prepared()));
            double[] centroid = new double[3];
            int count = 0;
            for (int z = 0; z < DIMS[2]; z++) {
                for (int y = 0; y < DIMS[1]; y++) {
                    for (int x = 0; x < DIMS[0]; x++) {
                        assertEquals(inBlob(x, y, z) ? 1 : 0, back[index(DIMS, x, y, z)], "voxel " + x + "," + y + ","
                                + z + (crop ? " with crop" : ""));
                        if (back[index(DIMS, x, y, z)] == 1) {
                            double[] w = PLS.toWorld(x, y, z);
                            for (int a = 0; a < 3; a++) {
                                centroid[a] += w[a];
                            }
                            count++;
                        }
                    }
                }
            }
            // By hand: voxel x 2..3 → world y 20 − 2·x = 16, 14 (mean 15); voxel y 3..5 → world x 10 − y = 7, 6, 5
            // (mean 6); z = 2 → world z 36.
            assertEquals(6, count);
            assertArrayEquals(new double[] { 6, 15, 36 }, new double[] { centroid[0] / 6, centroid[1] / 6,
                    centroid[2] / 6 }, 1e-12);

            Path file = dir.resolve("labels" + crop + ".nii.gz");
            g.writeLabels(segment(g.prepared()), file);
            Volume written = NiftiReader.read(file);
            assertArrayEquals(new long[] { 6, 8, 5 }, written.dimensions());
            double[][] a = written.geometry().affine(), expected = PLS.affine();
            for (int r = 0; r < 4; r++) {
                assertArrayEquals(expected[r], a[r], 1e-6);
            }
            float[] values = written.toFloatImg().update(null).getCurrentStorageArray();
            for (int i = 0; i < values.length; i++) {
                assertEquals(back[i], values[i], 0f);
            }
        }
    }

    @Test
    void probabilitiesAreRestoredTrilinearly() throws Exception {
        InferenceGeometry g = InferenceGeometry.prepare(Sample.of(DIMS, new float[][] { image(false) },
                List.of(Modality.T1), null, PLS), InferenceGeometry.ONE_MM, null, -1, null);
        // A map linear in world position (world y / 100) is reproduced exactly at every original voxel centre.
        int[] md = g.modelDims();
        float[] p = new float[md[0] * md[1] * md[2]];
        for (int z = 0; z < md[2]; z++) {
            for (int y = 0; y < md[1]; y++) {
                for (int x = 0; x < md[0]; x++) {
                    p[index(md, x, y, z)] = (float) (g.model().toWorld(x, y, z)[1] / 100);
                }
            }
        }
        float[] back = g.restore(new float[][] { p }, Resample.Interpolation.LINEAR)[0];
        for (int x = 0; x < DIMS[0]; x++) {
            assertEquals((20 - 2 * x) / 100.0, back[index(DIMS, x, 4, 3)], 1e-6);
        }
        Path file = dir.resolve("p.nii.gz");
        g.writeProbabilities(new float[][] { p, p }, file);
        Volume v = NiftiReader.read(file);
        assertArrayEquals(new long[] { 6, 8, 5, 2 }, v.dimensions());
        assertArrayEquals(PLS.affine()[0], v.geometry().affine()[0], 1e-6);
    }

    @Test
    void aFourDimensionalVolumeGivesOneChannelPerModality() {
        float[] two = new float[2 * 8];
        two[8] = 5;
        Volume v = new Volume(ArrayImgs.floats(two, 2, 2, 2, 2), Geometry.ofSpacing(1, 1, 1));
        Sample s = InferenceGeometry.sample(v, List.of(Modality.T1, Modality.T2));
        assertEquals(5f, s.image()[1][0], 0f);
        assertEquals(0f, s.image()[0][0], 0f);
        MedvpException e = assertThrows(MedvpException.class, () -> InferenceGeometry.sample(v,
                List.of(Modality.T1)));
        assertTrue(e.getMessage().contains("2 channel"), e.getMessage());
    }
}
