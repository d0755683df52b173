package io.github.medvp.tasks;

import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import net.imglib2.img.array.ArrayImgs;

/**
 * Synthetic studies for fine-tuning tests: an n³ volume at 1 mm with a "head" (a sphere of mid intensity with
 * noise) holding one spherical lesion (label 1 inside, and label 2 in its inner half for two-region tests), bright
 * in t1 and dark in flair. Written flat as {@code case<i>_t1.nii.gz}, {@code case<i>_flair.nii.gz},
 * {@code case<i>_seg.nii.gz}.
 */
public final class Blobs {

    private Blobs() {
    }

    public static Path write(Path dir, int count, int n, long seed) throws IOException {
        return write(dir, count, n, seed, false);
    }

    /** With {@code alternate}, odd cases have no lesion (class 0) and even ones one (class 1). */
    public static Path write(Path dir, int count, int n, long seed, boolean alternate) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            float[] t1 = new float[n * n * n];
            float[] flair = new float[n * n * n];
            float[] seg = new float[n * n * n];
            double c = (n - 1) / 2.0;
            double head = n * 0.45;
            double r = n * (0.12 + 0.08 * rng.nextDouble());
            double[] p = new double[3];
            for (int a = 0; a < 3; a++) {
                p[a] = c + (rng.nextDouble() - 0.5) * (head - r) * 0.9;
            }
            for (int z = 0; z < n; z++) {
                for (int y = 0; y < n; y++) {
                    for (int x = 0; x < n; x++) {
                        int v = x + n * (y + n * z);
                        double dh = Math.sqrt(sq(x - c) + sq(y - c) + sq(z - c));
                        if (dh > head) {
                            continue;
                        }
                        double dl = Math.sqrt(sq(x - p[0]) + sq(y - p[1]) + sq(z - p[2]));
                        double noise = 0.08 * rng.nextGaussian();
                        boolean lesion = dl <= r && !(alternate && i % 2 == 1);
                        t1[v] = (float) (100 * (0.4 + (lesion ? 0.5 : 0) + noise));
                        flair[v] = (float) (100 * (0.6 - (lesion ? 0.4 : 0) + noise)) + 1;
                        seg[v] = lesion ? (dl <= r / 2 ? 2 : 1) : 0;
                    }
                }
            }
            String id = String.format("case%02d", i);
            write(dir.resolve(id + "_t1.nii.gz"), t1, n);
            write(dir.resolve(id + "_flair.nii.gz"), flair, n);
            write(dir.resolve(id + "_seg.nii.gz"), seg, n);
        }
        return dir;
    }

    private static void write(Path file, float[] v, int n) throws IOException {
        NiftiWriter.write(new Volume(ArrayImgs.floats(v, n, n, n), Geometry.ofSpacing(1, 1, 1)), file);
    }

    private static double sq(double v) {
        return v * v;
    }
}
