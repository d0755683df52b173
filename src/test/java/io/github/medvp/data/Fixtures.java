package io.github.medvp.data;

import java.io.IOException;
import java.nio.file.Path;

import net.imglib2.img.array.ArrayImgs;

import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;

/** Small NIfTI files for loader and manifest tests, written with the io writer. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Geometry oneMm() {
        return Geometry.ofSpacing(1, 1, 1);
    }

    /** Writes X-fastest floats of {@code shape} with geometry {@code g}; returns {@code file}. */
    public static Path write(Path file, float[] data, int[] shape, Geometry g) throws IOException {
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        NiftiWriter.write(new Volume(ArrayImgs.floats(data, dims), g), file);
        return file;
    }

    /** A 1 mm volume filled with {@code value}. */
    public static Path constant(Path file, int[] shape, float value) throws IOException {
        float[] a = new float[shape[0] * shape[1] * shape[2]];
        java.util.Arrays.fill(a, value);
        return write(file, a, shape, oneMm());
    }
}
