package io.github.medvp.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Safetensors;
import io.github.medvp.io.Volume;
import io.github.medvp.nn.Presets;
import io.github.medvp.nn.UniFormer3d;
import io.github.medvp.train.Checkpoint;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.NamedParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feature extraction with the tiny UniFormer: shapes, layout, NIfTI geometry, reference parity. */
class FeatureExtractionTest {

    private static final int X = 32;
    private static final int Y = 64;
    private static final int Z = 32;
    private static final Geometry AFFINE = new Geometry(new double[][] {{-1.2, 0, 0, 30}, {0, 0.9, 0, -10},
        {0, 0, 1.5, 4}});

    @TempDir
    Path dir;

    private static float value(int x, int y, int z) {
        return (float) (Math.sin(0.3 * x) * Math.cos(0.2 * y) + 0.01 * z);
    }

    /** A one-channel X×Y×Z NIfTI (X fastest) with {@link #AFFINE}. */
    private Path volume() throws IOException {
        float[] v = new float[X * Y * Z];
        for (int z = 0; z < Z; z++) {
            for (int y = 0; y < Y; y++) {
                for (int x = 0; x < X; x++) {
                    v[x + X * (y + Y * z)] = value(x, y, z);
                }
            }
        }
        Path file = dir.resolve("in.nii.gz");
        NiftiWriter.write(new Volume(ArrayImgs.floats(v, X, Y, Z), AFFINE), file);
        return file;
    }

    /** A tiny encoder with its own initialisation, saved as a MedVP pre-training checkpoint would hold it. */
    private static Path checkpoint(UniFormer3d encoder, Path file) throws IOException {
        JsonObject header = new JsonObject();
        header.addProperty("method", "brainmvp");
        header.addProperty("preset", "tiny");
        header.addProperty("step", 0);
        NamedParameters params = NamedParameters.builder().addBlock("encoder.", encoder).build();
        Checkpoints.write(file, new Checkpoint(header, params.toHost(Checkpoint.MODEL, Checkpoint.EXTRA)));
        return file;
    }

    @Test
    void allStagesEqualADirectEncoderForward() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            UniFormer3d encoder = Presets.tiny().optInChannels(1).build();
            encoder.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
            Path model = checkpoint(encoder, dir.resolve("last.safetensors"));
            Path out = dir.resolve("features.safetensors");
            String report = new FeatureExtraction(model, volume(), out, 0, "cpu", false).run(Progress.NONE);
            assertTrue(report.startsWith("x1 [1, 16, 16, 32, 16]\nx2 [1, 32, 8, 16, 8]\nx3 [1, 64, 4, 8, 4]\n"
                    + "x4 [1, 128, 2, 4, 2]\n"), report);

            float[] in = new float[X * Y * Z];
            for (int x = 0; x < X; x++) {
                for (int y = 0; y < Y; y++) {
                    for (int z = 0; z < Z; z++) {
                        in[(x * Y + y) * Z + z] = value(x, y, z);
                    }
                }
            }
            NDList direct = encoder.forward(new ParameterStore(m, false),
                    new NDList(m.create(in, new Shape(1, 1, X, Y, Z))), false);
            Map<String, HostTensor> written = Safetensors.read(out).tensors();
            assertEquals(4, written.size());
            for (int s = 1; s <= 4; s++) {
                NDArray ours = HostArrays.toNDArray(m, written.get("x" + s));
                assertEquals(direct.get(s - 1).getShape(), ours.getShape());
                float err = ours.sub(direct.get(s - 1)).abs().max().getFloat();
                assertTrue(err < 1e-6f, "x" + s + " differs by " + err);
            }
        }
    }

    @Test
    void oneStageAsNiftiHasChannelsLastAndACoarserAffine() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            UniFormer3d encoder = Presets.tiny().optInChannels(1).build();
            encoder.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
            Path model = checkpoint(encoder, dir.resolve("last.safetensors"));
            Path nii = dir.resolve("x2.nii.gz");
            Path st = dir.resolve("x2.safetensors");
            new FeatureExtraction(model, volume(), nii, 2, "cpu", false).run(Progress.NONE);
            new FeatureExtraction(model, volume(), st, 2, "cpu", false).run(Progress.NONE);
            Volume v = NiftiReader.read(nii);
            assertArrayEquals(new long[] {8, 16, 8, 32}, v.dimensions());
            double[][] a = v.geometry().affine();
            assertArrayEquals(new double[] {-4.8, 0, 0, 30 - 1.2 * 1.5}, a[0], 1e-5);
            assertArrayEquals(new double[] {0, 3.6, 0, -10 + 0.9 * 1.5}, a[1], 1e-5);
            assertArrayEquals(new double[] {0, 0, 6, 4 + 1.5 * 1.5}, a[2], 1e-5);
            // Voxel (i, j, k) of channel c is x2[0, c, i, j, k].
            float[] x2 = Safetensors.read(st).tensors().get("x2").toFloatArray();
            var ra = v.floatView().randomAccess();
            for (int[] p : new int[][] {{0, 0, 0, 0}, {7, 15, 7, 31}, {3, 9, 2, 17}}) {
                float expected = x2[((p[3] * 8 + p[0]) * 16 + p[1]) * 8 + p[2]];
                assertEquals(expected, ra.setPositionAndGet(p).get(), 1e-6f);
            }
        }
    }

    @Test
    void sizesNotDivisibleBy32AreRefusedNamingTheInput() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            UniFormer3d encoder = Presets.tiny().optInChannels(1).build();
            encoder.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
            Path model = checkpoint(encoder, dir.resolve("last.safetensors"));
            Path odd = dir.resolve("odd.nii");
            NiftiWriter.write(new Volume(ArrayImgs.floats(32, 48, 32), Geometry.ofSpacing(1, 1, 1)), odd);
            MedvpException e = assertThrows(MedvpException.class,
                    () -> new FeatureExtraction(model, odd, dir.resolve("f.safetensors"), 0, "cpu", false)
                            .run(Progress.NONE));
            assertEquals("input " + odd + ": spatial size 32x48x32 is not divisible by 32 in every axis; crop or pad "
                    + "it first", e.getMessage());
            assertThrows(MedvpException.class, () -> new FeatureExtraction(model, odd, dir.resolve("f.nii"), 0,
                    "cpu", false), "NIfTI output needs one stage");
        }
    }

    @Test
    void prepareScalesReorientsResamplesAndPads() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            UniFormer3d encoder = Presets.tiny().optInChannels(1).build();
            encoder.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
            Path model = checkpoint(encoder, dir.resolve("last.safetensors"));
            // LPS at 2 mm, 12×20×12 → RAS 1 mm, about 24×40×24 → padded to 32×64×32.
            Path lps = dir.resolve("lps.nii.gz");
            float[] v = new float[12 * 20 * 12];
            for (int i = 0; i < v.length; i++) {
                v[i] = 1000 + (i * 37) % 500;
            }
            NiftiWriter.write(new Volume(ArrayImgs.floats(v, 12, 20, 12), new Geometry(new double[][] {
                {-2, 0, 0, 20}, {0, -2, 0, 30}, {0, 0, 2, -10}})), lps);
            Path nii = dir.resolve("x1.nii.gz");
            new FeatureExtraction(model, lps, nii, 1, "cpu", true).run(Progress.NONE);
            Volume f = NiftiReader.read(nii);
            assertArrayEquals(new long[] {16, 32, 16, 16}, f.dimensions());
            assertEquals("RAS", f.geometry().axisCodes());
            assertArrayEquals(new double[] {2, 2, 2}, f.geometry().spacing(), 1e-6);
            assertThrows(MedvpException.class, () -> new FeatureExtraction(model, lps, nii, 1, "cpu", false)
                    .run(Progress.NONE), "unprepared 12x20x12 is refused");
        }
    }

    @Test
    void referenceWeightsGiveTheFixturesX4() throws IOException {
        Path fixture = Path.of(System.getProperty("medvp.shared", "../shared")).resolve("parity")
                .resolve("uniformer-tiny-c1");
        assumeTrue(Files.isDirectory(fixture), "../shared not found (" + fixture.toAbsolutePath()
                + "); reference feature test skipped");
        Path out = dir.resolve("x4.safetensors");
        new FeatureExtraction(fixture.resolve("weights.pt"), fixture.resolve("input.safetensors"), out, 4, "cpu",
                false).run(Progress.NONE);
        try (NDManager m = NDManager.newBaseManager()) {
            // The reference returns (N, C, Z, X, Y).
            NDArray ours = HostArrays.toNDArray(m, Safetensors.read(out).tensors().get("x4")).transpose(0, 1, 4, 2, 3);
            NDArray expected = HostArrays.toNDArray(m, Safetensors.read(fixture.resolve("expected.safetensors"))
                    .tensors().get("x4"));
            assertEquals(expected.getShape(), ours.getShape());
            float err = ours.sub(expected).abs().max().getFloat();
            assertTrue(err <= 1e-4f, "x4 max abs error " + err);
        }
    }
}
