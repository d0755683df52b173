package io.github.medvp.data;

import io.github.medvp.data.transform.CenterCropForeground;
import io.github.medvp.data.transform.Compose;
import io.github.medvp.data.transform.LoadStudy;
import io.github.medvp.data.manifest.ManifestValidator;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.transform.PadTo;
import io.github.medvp.data.transform.PercentileScale;
import io.github.medvp.data.transform.RandomCrop;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.transform.TemplateOffset;
import io.github.medvp.data.transform.ToRas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import net.imglib2.img.array.ArrayImgs;

import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;

/**
 * The data benchmark (for {@code ./medvp bench data}): the BrainMVP pre-training chain on a BraTS-sized study
 * (4 modalities, 240×240×155, int16 {@code .nii.gz}, LPS like BraTS files), step by step, then batches per second
 * through the {@link BatchLoader} with 1 and the default number of workers.
 */
public final class DataBenchmark {

    private DataBenchmark() {
    }

    private interface Step {
        Object run() throws Exception;
    }

    /**
     * Writes the phantom study to {@code scratchDir}, times each step (best of {@code repeats} after a warm-up)
     * and returns the report; the files are deleted afterwards.
     */
    public static String run(Path scratchDir, int repeats) throws Exception {
        int[] shape = { 240, 240, 155 };
        Files.createDirectories(scratchDir);
        List<Path> files = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        try {
            List<Study.Channel> ch = new ArrayList<>();
            for (Modality m : new Modality[] { Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2 }) {
                Path p = scratchDir.resolve("bench_" + m.token() + ".nii.gz");
                NiftiWriter.write(phantom(shape, m.ordinal()), p);
                files.add(p);
                ch.add(new Study.Channel(m.token(), m, p));
            }
            Study study = new Study("bench", ch, null, null, null, scratchDir.toString());
            sb.append(String.format(Locale.ROOT, "Data benchmark: 4 x %dx%dx%d int16 .nii.gz (%.1f MB), best of %d, "
                    + "%d cores%n", shape[0], shape[1], shape[2], Files.size(files.get(0)) * 4 / 1e6, repeats,
                    Runtime.getRuntime().availableProcessors()));
            SplittableRandom rng = new SplittableRandom(1);
            Sample loaded = new LoadStudy(false).apply(Sample.of(study), rng);
            line(sb, "LoadStudy (4 files)", best(repeats, () -> new LoadStudy(false).apply(Sample.of(study), rng)));
            line(sb, "ToRas (LPS -> RAS)", best(repeats, () -> new ToRas().apply(loaded.copy(), rng)));
            Sample ras = new ToRas().apply(loaded.copy(), rng);
            line(sb, "CenterCropForeground", best(repeats, () -> new CenterCropForeground().apply(ras, rng)));
            Sample cropped = new CenterCropForeground().apply(ras.copy(), rng);
            line(sb, "PercentileScale (4 ch)",
                    best(repeats, () -> new PercentileScale(5, 95, true).apply(cropped.copy(), rng)));
            line(sb, "  of which copy", best(repeats, cropped::copy));
            Compose tail = Compose.of(TemplateOffset.recordFrame(), new RandomCrop(96, 96, 96), new PadTo(96, 96, 96),
                    TemplateOffset.repStart(TemplateOffset.SRI24));
            line(sb, "crop + pad + rep_start", best(repeats, () -> tail.apply(cropped, rng)));
            Sample crop = tail.apply(cropped, rng);
            line(sb, "Batch.of (3 x 4 x 96^3)", best(repeats, () -> Batch.of(0, 0, List.of(crop, crop, crop))));
            Compose chain = Pipelines.brainMvpPretraining();
            line(sb, "whole chain per sample", best(repeats, () -> chain.apply(Sample.of(study), rng)));
            List<Study> many = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                many.add(study);
            }
            ManifestValidator validator = new ManifestValidator(ModalityNames.defaults(), false);
            line(sb, "validate 250 studies", best(repeats, () -> validator.validate(many, io.github.medvp.Progress.NONE)));
            List<Study> six = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                six.add(study);
            }
            int cores = BatchLoader.Options.defaultWorkers();
            for (int w : cores > 1 ? new int[] { 1, cores } : new int[] { 1 }) {
                BatchLoader.Options o = new BatchLoader.Options(3, w, 2 * w, 46, true, true);
                try (BatchLoader l = new BatchLoader(six, chain, o)) {
                    long t0 = System.nanoTime();
                    BatchLoader.Epoch e = l.epoch(0);
                    int n = 0;
                    while (e.hasNext()) {
                        e.next();
                        n++;
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    sb.append(String.format(Locale.ROOT, "%-28s %8.2f batches/s (B=3, %d worker%s)%n", "BatchLoader",
                            n / s, w, w == 1 ? "" : "s"));
                }
            }
        } finally {
            for (Path p : files) {
                Files.deleteIfExists(p);
            }
        }
        return sb.toString();
    }

    /** A head-like phantom: an ellipsoid of smoothly varying intensity in zero background, LPS affine. */
    static Volume phantom(int[] s, int modality) {
        short[] a = new short[s[0] * s[1] * s[2]];
        int i = 0;
        for (int z = 0; z < s[2]; z++) {
            for (int y = 0; y < s[1]; y++) {
                for (int x = 0; x < s[0]; x++, i++) {
                    double dx = (x - 120) / 70.0, dy = (y - 125) / 90.0, dz = (z - 75) / 65.0;
                    double r = dx * dx + dy * dy + dz * dz;
                    if (r < 1) {
                        a[i] = (short) (300 + 200 * modality + 400 * r + 50 * Math.sin(x * 0.3) * Math.cos(y * 0.2));
                    }
                }
            }
        }
        Geometry lps = new Geometry(new double[][] { { -1, 0, 0, 0 }, { 0, -1, 0, 239 }, { 0, 0, 1, 0 } });
        return new Volume(ArrayImgs.shorts(a, s[0], s[1], s[2]), lps);
    }

    private static double best(int repeats, Step step) throws Exception {
        step.run();
        double best = Double.MAX_VALUE;
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            step.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }

    private static void line(StringBuilder sb, String what, double ms) {
        sb.append(String.format(Locale.ROOT, "%-28s %8.1f ms%n", what, ms));
    }

    /** Runs the benchmark in a temporary folder and prints the report. */
    public static void main(String[] args) throws Exception {
        Path tmp = Files.createTempDirectory("medvp-data-bench");
        try {
            System.out.print(run(tmp, args.length > 0 ? Integer.parseInt(args[0]) : 3));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
