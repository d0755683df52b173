package io.github.medvp.data;

import io.github.medvp.data.manifest.Modality;
import java.util.ArrayList;
import java.util.List;

import io.github.medvp.io.Geometry;

/** Small in-memory samples for transform tests. */
public final class TestSamples {

    private TestSamples() {
    }

    /** A sample with the given channels (X fastest), modalities flair, t1, ... and a 2 mm grid at (10, 20, 30). */
    public static Sample of(int[] shape, float[]... channels) {
        List<Modality> mods = new ArrayList<>();
        for (int c = 0; c < channels.length; c++) {
            mods.add(Modality.TEMPLATED.get(c % Modality.TEMPLATED.size()));
        }
        return Sample.of(shape, channels, mods, null, grid());
    }

    static Geometry grid() {
        return new Geometry(new double[][] { { 2, 0, 0, 10 }, { 0, 2, 0, 20 }, { 0, 0, 2, 30 } });
    }

    /** Values 1, 2, 3, ... in storage order: every voxel unique and positive. */
    public static float[] ramp(int[] shape) {
        float[] a = new float[shape[0] * shape[1] * shape[2]];
        for (int i = 0; i < a.length; i++) {
            a[i] = i + 1;
        }
        return a;
    }

    public static float at(Sample s, int c, int x, int y, int z) {
        int[] d = s.shape();
        return s.image()[c][x + d[0] * (y + d[1] * z)];
    }

    public static float label(Sample s, int c, int x, int y, int z) {
        int[] d = s.shape();
        return s.label()[c][x + d[0] * (y + d[1] * z)];
    }

    public static void set(float[] a, int[] d, int x, int y, int z, float v) {
        a[x + d[0] * (y + d[1] * z)] = v;
    }
}
