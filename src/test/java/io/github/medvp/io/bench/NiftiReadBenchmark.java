package io.github.medvp.io.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Orientation;
import io.github.medvp.io.Volume;
import net.imglib2.img.array.ArrayImgs;

/**
 * JMH view of the hot I/O paths on a 240x240x155 float volume; run with
 * {@code java -cp target/test-classes:target/classes:<deps> org.openjdk.jmh.Main NiftiReadBenchmark}.
 * {@code IoBenchmark} gives the same figures without JMH for {@code ./medvp bench io}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class NiftiReadBenchmark {

    private Path dir, nii, gz;
    private Volume lps;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("medvp-jmh");
        float[] data = new float[240 * 240 * 155];
        for (int i = 0; i < data.length; i++) {
            data[i] = (i * 2654435761L >>> 20) % 1000;
        }
        lps = new Volume(ArrayImgs.floats(data, 240, 240, 155),
                new Geometry(new double[][] { { -1, 0, 0, 0 }, { 0, -1, 0, 0 }, { 0, 0, 1, 0 } }));
        nii = dir.resolve("b.nii");
        gz = dir.resolve("b.nii.gz");
        NiftiWriter.write(lps, nii);
        NiftiWriter.write(lps, gz);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(nii);
        Files.deleteIfExists(gz);
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public Volume readNii() throws IOException {
        return NiftiReader.read(nii);
    }

    @Benchmark
    public Volume readNiiGz() throws IOException {
        return NiftiReader.read(gz);
    }

    @Benchmark
    public Volume toRasCopy() {
        return Orientation.toRasCopy(lps);
    }
}
