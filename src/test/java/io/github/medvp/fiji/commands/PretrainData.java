package io.github.medvp.fiji.commands;

import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import net.imglib2.img.array.ArrayImgs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small multi-modal studies for command tests: a bright ball with a modality-specific contrast, 32³ at 1 mm. */
public final class PretrainData {

    static final String[] MODALITIES = {"flair", "t1", "t1ce", "t2"};

    private PretrainData() {
    }

    /** Writes {@code count} flat studies {@code case<i>_<modality>.nii.gz} of {@code n}³ into {@code dir}. */
    public static Path write(Path dir, int count, int n) throws IOException {
        Files.createDirectories(dir);
        Random r = new Random(5);
        for (int s = 0; s < count; s++) {
            for (int m = 0; m < MODALITIES.length; m++) {
                float[] v = new float[n * n * n];
                double c = 0.3 + 0.2 * m;
                for (int z = 0; z < n; z++) {
                    for (int y = 0; y < n; y++) {
                        for (int x = 0; x < n; x++) {
                            double d = Math.hypot(Math.hypot(x - n / 2.0, y - n / 2.0), z - n / 2.0) / (0.4 * n);
                            v[x + n * (y + n * z)] = (float) ((d < 1 ? 100 * c * (1 + d) : 0) + r.nextDouble());
                        }
                    }
                }
                NiftiWriter.write(new Volume(ArrayImgs.floats(v, n, n, n), Geometry.ofSpacing(1, 1, 1)),
                        dir.resolve("case" + s + "_" + MODALITIES[m] + ".nii.gz"));
            }
        }
        return dir;
    }
}
