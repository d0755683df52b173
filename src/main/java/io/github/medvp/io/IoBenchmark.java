package io.github.medvp.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

import net.imglib2.img.array.ArrayImgs;

/**
 * The I/O benchmark behind {@code ./medvp bench io}: reading {@code .nii} and {@code .nii.gz}, RAS reorientation
 * and 1 mm resampling of a BraTS-sized float volume (240x240x155), against single-threaded gzip decompression into
 * a byte[] plus a memory copy, the target for {@code .nii.gz} reading.
 */
public final class IoBenchmark {

    private IoBenchmark() {
    }

    /**
     * Generates the test volume in {@code scratchDir}, times each step (best of {@code repeats}, after one warm-up)
     * and returns the report; the scratch files are deleted.
     */
    public static String run(Path scratchDir, int repeats) throws IOException {
        return run(scratchDir, repeats, 240, 240, 155);
    }

    static String run(Path scratchDir, int repeats, int nx, int ny, int nz) throws IOException {
        Files.createDirectories(scratchDir);
        Volume v = phantom(nx, ny, nz);
        Path nii = scratchDir.resolve("medvp-bench.nii");
        Path gz = scratchDir.resolve("medvp-bench.nii.gz");
        long voxels = (long) nx * ny * nz;
        long bytes = voxels * 4;
        StringBuilder sb = new StringBuilder();
        try {
            NiftiWriter.write(v, nii);
            NiftiWriter.write(v, gz);
            sb.append(String.format(Locale.ROOT, "I/O benchmark: %dx%dx%d float32, %.1f MB (%.1f MB gzipped), "
                    + "best of %d, %d cores%n", nx, ny, nz, bytes / 1e6, Files.size(gz) / 1e6, repeats,
                    Runtime.getRuntime().availableProcessors()));
            double tNii = best(repeats, () -> NiftiReader.read(nii));
            double tGz = best(repeats, () -> NiftiReader.read(gz));
            double tRef = best(repeats, () -> referenceGunzip(gz, (int) Files.size(nii)));
            Volume lps = NiftiReader.read(nii);
            double tRas = best(repeats, () -> Orientation.toRasCopy(lps));
            Volume ras = Orientation.toRasCopy(lps);
            Volume[] out = new Volume[1];
            double tRes = best(repeats,
                    () -> out[0] = Resample.toSpacing(ras, new double[] { 1, 1, 1 }, Resample.Interpolation.LINEAR));
            line(sb, "read .nii", tNii, bytes, voxels);
            line(sb, "read .nii.gz", tGz, bytes, voxels);
            line(sb, "reference gunzip+copy", tRef, bytes, voxels);
            sb.append(String.format(Locale.ROOT, "%-24s %8.2f  (ours/reference throughput; >= 1 meets the target)%n",
                    "ratio .nii.gz/reference", tRef / tGz));
            line(sb, "RAS reorientation (LPS)", tRas, bytes, voxels);
            long outVoxels = out[0].size();
            sb.append(String.format(Locale.ROOT, "%-24s %8.1f ms %8.1f MB/s %8.1f Mvox/s  (%s -> 1 mm, %d output voxels)%n",
                    "resample trilinear", tRes * 1e3, outVoxels * 4 / tRes / 1e6, outVoxels / tRes / 1e6,
                    "1.2x0.9x1.5 mm", outVoxels));
        } finally {
            Files.deleteIfExists(nii);
            Files.deleteIfExists(gz);
        }
        return sb.toString();
    }

    /** The reference: single-threaded gzip decompression of the whole file into a byte[], then one copy. */
    private static byte[] referenceGunzip(Path gz, int size) throws IOException {
        byte[] buf = new byte[size];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
            int n = in.readNBytes(buf, 0, size);
            if (n != size) {
                throw new IOException(gz + ": expected " + size + " bytes, got " + n);
            }
        }
        byte[] copy = new byte[size];
        System.arraycopy(buf, 0, copy, 0, size);
        return copy;
    }

    private interface Step {
        Object run() throws IOException;
    }

    private static double best(int repeats, Step step) throws IOException {
        step.run();
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < Math.max(1, repeats); i++) {
            long t0 = System.nanoTime();
            step.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    private static void line(StringBuilder sb, String name, double seconds, long bytes, long voxels) {
        sb.append(String.format(Locale.ROOT, "%-24s %8.1f ms %8.1f MB/s %8.1f Mvox/s%n", name, seconds * 1e3,
                bytes / seconds / 1e6, voxels / seconds / 1e6));
    }

    /**
     * A smooth head-like float volume with noise, LPS-oriented at 1.2x0.9x1.5 mm, so gzip sees realistic data and
     * reorientation has real work to do.
     */
    static Volume phantom(int nx, int ny, int nz) {
        float[] data = new float[nx * ny * nz];
        long seed = 42;
        int i = 0;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    double dx = (x - nx / 2.0) / (0.4 * nx), dy = (y - ny / 2.0) / (0.45 * ny),
                            dz = (z - nz / 2.0) / (0.4 * nz);
                    double r = dx * dx + dy * dy + dz * dz;
                    seed = seed * 6364136223846793005L + 1442695040888963407L;
                    double noise = ((seed >>> 40) & 0xff) / 255.0;
                    data[i++] = r < 1 ? (float) Math.round(600 + 300 * Math.cos(8 * r) + 40 * noise) : 0f;
                }
            }
        }
        Geometry lps = new Geometry(new double[][] { { -1.2, 0, 0, 0.6 * nx }, { 0, -0.9, 0, 0.45 * ny },
                { 0, 0, 1.5, -0.75 * nz } });
        return new Volume(ArrayImgs.floats(data, nx, ny, nz), lps);
    }

    /** Runs the benchmark: {@code IoBenchmark [scratchDir] [repeats]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Paths.get(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        System.out.print(run(dir, args.length > 1 ? Integer.parseInt(args[1]) : 3));
    }
}
