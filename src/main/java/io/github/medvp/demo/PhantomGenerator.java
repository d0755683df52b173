package io.github.medvp.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import io.github.medvp.train.Settings;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.manifest.Split;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import net.imglib2.img.array.ArrayImgs;

/**
 * Generates demo data, deterministic under a seed: multi-modal brain MRI studies with BraTS-style label maps and a
 * grade label, and optionally head CT volumes with radiology reports for MG-3D.
 * <p>
 * Layout under the output folder:
 * <ul>
 * <li>{@code mri/<case>/<case>_<modality>.nii.gz} (tokens {@code flair t1 t1ce t2 pd}) and {@code <case>_seg.nii.gz}
 * (0 background, 1 necrosis / non-enhancing tumour, 2 oedema, 4 enhancing tumour, or 3 with {@code brats2023}):
 * the folder layout {@code StudyManifest.discover} reads;</li>
 * <li>{@code manifest.json}: {@code training}/{@code validation}/{@code test} records (images, label, class) for
 * {@code StudyManifest.readJson}; {@code labels.csv}: {@code case,class,grade,split};</li>
 * <li>with CT: {@code ct/<split>/<split>_<n>/<split>_<n>_a/<split>_<n>_a_1.nii.gz} (CT-RATE's layout, {@code split}
 * {@code train} or {@code valid}; int16 with {@code scl_slope} 1 and {@code scl_inter} −1024 so the scaled values
 * are Hounsfield units), {@code ct/reports.csv} with CT-RATE's columns {@code VolumeName, ClinicalInformation_EN,
 * Technique_EN, Findings_EN, Impressions_EN} and 0/1 columns {@code Lesion, Enhancement, Necrosis, Oedema,
 * Midline shift} (also split as CT-RATE does: {@value #TRAIN_REPORTS}, {@value #VALIDATION_REPORTS}), and
 * {@code ct/manifest.json} (records with {@code report}) and {@code ct/}{@value #CT_CLASSIFICATION} (lesion or none,
 * modality {@code ct}: the training volumes to fine-tune on, the validation volumes as its test split).</li>
 * </ul>
 * Each study: a random head ({@link Subject}) with a tumour drawn as high or low grade with equal odds (or none,
 * {@link Builder#optHealthyFraction}), on a grid ({@link Acquisition}) with anisotropic spacing, a small oblique
 * rotation and shift, stored non-RAS for a fraction of studies; per-modality contrasts ({@link Tissue}), a smooth
 * bias field per modality and Rician noise. The grade label follows {@link #isHighGrade} on the written label map;
 * reports are written from the {@link Findings} measured on it. CT volumes are drawn as {@link CtCohort} says: like
 * the studies, or as one head scanned the same way each time with its own tumour or none.
 */
public final class PhantomGenerator {

    /**
     * High grade needs a tumour core whose equivalent-sphere diameter is at least this fraction of the mean
     * field-of-view edge (25 mm at 240×240×155 mm, 7.3 mm at the default 64×64×56 mm).
     */
    public static final double HIGH_GRADE_FOV_FRACTION = 0.12;
    /** A midline shift is reported (and labelled) from this many mm. */
    public static final double MIDLINE_SHIFT_MM = 2.0;
    /** CT-RATE's report list of the training volumes, next to {@code reports.csv} (all volumes). */
    public static final String TRAIN_REPORTS = "train_reports.csv";
    /** The CT lesion classification task ({@code DemoFiles.writeCtClassification}), next to {@code reports.csv}. */
    public static final String CT_CLASSIFICATION = "lesions.json";
    /** CT-RATE's report list of the validation volumes. */
    public static final String VALIDATION_REPORTS = "validation_reports.csv";
    /** Noise of the generated CT (SD, HU): a head CT's quantum noise in the brain at a standard dose. */
    static final double CT_NOISE_HU = 6;
    /** The modality tokens of the written file names. */
    static final String T1C_TOKEN = "t1ce";

    private final Builder o;

    private PhantomGenerator(Builder b) {
        o = b;
    }

    /** @return a builder with the demo defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The grade rule: high grade (class 1) when the label map has enhancing tumour and the tumour core (necrosis,
     * non-enhancing and enhancing tumour) has an equivalent-sphere diameter of at least
     * {@link #HIGH_GRADE_FOV_FRACTION} of the mean field-of-view edge; otherwise low grade (class 0, also for
     * studies without tumour).
     */
    public static boolean isHighGrade(boolean enhancing, double coreDiameterMm, double[] fovMm) {
        return enhancing && coreDiameterMm >= HIGH_GRADE_FOV_FRACTION * (fovMm[0] + fovMm[1] + fovMm[2]) / 3;
    }

    /**
     * One generated volume and what it holds.
     *
     * @param id case name (MRI) or CT-RATE volume name without extension (CT)
     * @param split its split
     * @param images the image files (MRI: in the order of {@link Builder#optModalities}; CT: one)
     * @param label the label map (MRI), or {@code null} (CT)
     * @param findings the measured content
     * @param axisCodes the storage orientation, e.g. {@code LPS}
     * @param affine the voxel-to-world affine
     * @param findingsText the report's findings (CT), or {@code null}
     * @param impressionText the report's impression (CT), or {@code null}
     */
    public record Generated(String id, Split split, List<Path> images, Path label, Findings findings,
            String axisCodes, double[][] affine, String findingsText, String impressionText) {

        /** 1 for high grade, 0 otherwise ({@link #isHighGrade}). */
        public int classLabel() {
            return findings.highGrade() ? 1 : 0;
        }
    }

    /**
     * What {@link #generate} wrote.
     *
     * @param mriFolder the folder of MRI studies (one subfolder each)
     * @param manifest the MRI manifest JSON
     * @param labels the MRI {@code labels.csv}
     * @param studies the MRI studies
     * @param ctFolder the CT folder, or {@code null}
     * @param reports the CT {@code reports.csv}, or {@code null}
     * @param ct the CT volumes (empty without CT)
     */
    public record Result(Path mriFolder, Path manifest, Path labels, List<Generated> studies, Path ctFolder,
            Path reports, List<Generated> ct) {

        /** A few lines for the user: counts per split and grade, and where the files are. */
        public String summary() {
            long high = studies.stream().filter(g -> g.findings().highGrade()).count();
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "%d MRI studies (%d training, %d validation, %d test; %d high grade, %d low grade) in %s%n",
                    studies.size(), count(studies, Split.TRAINING), count(studies, Split.VALIDATION),
                    count(studies, Split.TEST), high, studies.size() - high, mriFolder));
            sb.append("manifest: ").append(manifest).append('\n').append("labels: ").append(labels).append('\n');
            if (!ct.isEmpty()) {
                long lesions = ct.stream().filter(g -> g.findings().lesion()).count();
                sb.append(String.format(Locale.ROOT, "%d CT volumes (%d training, %d validation; %d with lesion) in "
                        + "%s%nreports: %s%n", ct.size(), count(ct, Split.TRAINING), count(ct, Split.VALIDATION),
                        lesions, ctFolder, reports));
            }
            return sb.toString();
        }

        private static long count(List<Generated> list, Split split) {
            return list.stream().filter(g -> g.split() == split).count();
        }
    }

    /**
     * Writes the data set into {@code out} (created; existing files of the same names are replaced).
     *
     * @throws IOException when a file cannot be written
     * @throws Progress.CancelledException when cancelled between studies
     */
    public Result generate(Path out, Progress progress) throws IOException {
        Files.createDirectories(out);
        Path mri = out.resolve("mri");
        Split[] splits = splits(o.studies, new SplittableRandom(o.seed ^ 0x5EED5EEDL), o.validationFraction,
                o.testFraction);
        SplittableRandom master = new SplittableRandom(o.seed);
        // Mimics from a stream of their own, so a data set with them differs from one without only by them.
        SplittableRandom mimicMaster = new SplittableRandom(o.seed ^ 0x6D696D6963L);
        List<Generated> studies = new ArrayList<>();
        for (int i = 0; i < o.studies; i++) {
            progress.checkCancelled();
            String id = String.format(Locale.ROOT, "%s_%03d", o.prefix, i);
            SplittableRandom mimics = mimicMaster.split();
            studies.add(mriStudy(mri.resolve(id), id, splits[i], master.split(), o.mimics ? mimics : null));
            progress.update("Generating MRI studies", i + 1, o.studies, id + ": " + studies.get(i).findings());
        }
        Path manifest = out.resolve("manifest.json");
        Path labels = out.resolve("labels.csv");
        DemoFiles.writeMriManifest(studies, out, manifest, o.etLabel());
        DemoFiles.writeLabels(studies, labels);
        if (o.ctStudies == 0) {
            return new Result(mri, manifest, labels, studies, null, null, List.of());
        }
        Path ct = out.resolve("ct");
        SplittableRandom ctMaster = new SplittableRandom(o.seed + 0x9E3779B97F4A7C15L);
        Split[] ctSplits = splits(o.ctStudies, new SplittableRandom(~o.seed), 0, o.ctValidationFraction);
        List<Generated> volumes = new ArrayList<>();
        int train = 0, valid = 0;
        for (int i = 0; i < o.ctStudies; i++) {
            progress.checkCancelled();
            boolean isValid = ctSplits[i] == Split.TEST;
            String prefix = isValid ? "valid" : "train";
            int n = isValid ? ++valid : ++train;
            String patient = prefix + "_" + n;
            String name = patient + "_a_1";
            Path file = ct.resolve(prefix).resolve(patient).resolve(patient + "_a").resolve(name + ".nii.gz");
            volumes.add(ctVolume(file, name, isValid ? Split.VALIDATION : Split.TRAINING, ctMaster.split()));
            progress.update("Generating CT volumes", i + 1, o.ctStudies, name + ": " + volumes.get(i).findings());
        }
        Path reports = ct.resolve("reports.csv");
        DemoFiles.writeReports(volumes, reports);
        DemoFiles.writeReports(volumes.stream().filter(g -> g.split() == Split.TRAINING).toList(),
                ct.resolve(TRAIN_REPORTS));
        DemoFiles.writeReports(volumes.stream().filter(g -> g.split() == Split.VALIDATION).toList(),
                ct.resolve(VALIDATION_REPORTS));
        DemoFiles.writeCtManifest(volumes, ct, ct.resolve("manifest.json"));
        DemoFiles.writeCtClassification(volumes, o.ctLabelled, ct, ct.resolve(CT_CLASSIFICATION));
        return new Result(mri, manifest, labels, studies, ct, reports, volumes);
    }

    private Generated mriStudy(Path dir, String id, Split split, SplittableRandom rng, SplittableRandom mimics)
            throws IOException {
        boolean lesion = rng.nextDouble() >= o.healthyFraction;
        boolean high = rng.nextBoolean();
        Acquisition a = Acquisition.draw(rng, o.fov, o.inPlane, o.slice, rng.nextDouble() < o.nonRasFraction,
                o.maxRotationDeg);
        Subject s = Subject.draw(rng, o.fov, lesion, high, 1.6 * maxSpacing(a), mimics);
        double gain = 800 * (0.85 + 0.3 * rng.nextDouble());
        double[][] signals = new double[o.modalities.size()][];
        SmoothNoise[] bias = new SmoothNoise[signals.length];
        double extent = 0.75 * Math.max(o.fov[0], Math.max(o.fov[1], o.fov[2]));
        for (int c = 0; c < signals.length; c++) {
            signals[c] = Tissue.signal(o.modalities.get(c));
            double g = gain * (0.9 + 0.2 * rng.nextDouble());
            for (int t = 0; t < signals[c].length; t++) {
                signals[c][t] *= g;
            }
            bias[c] = new SmoothNoise(rng, 3, extent);
        }
        byte[] label = new byte[a.voxels()];
        byte et = o.etLabel();
        boolean[] brain = o.skullStripped ? new boolean[a.voxels()] : null;
        float[][] channels = Renderer.render(s, a, signals, bias, o.biasAmplitude, et, label, brain);
        Findings f = Renderer.measure(s, a, label, et, o.fov);
        Files.createDirectories(dir);
        List<Path> images = new ArrayList<>();
        long[] dims = { a.dims[0], a.dims[1], a.dims[2] };
        for (int c = 0; c < channels.length; c++) {
            Modality m = o.modalities.get(c);
            // Noise relative to white matter, as scanners' SNR is quoted.
            Renderer.rician(channels[c], o.noise * signals[c][Tissue.WHITE.ordinal()], rng);
            if (brain != null) {
                // BraTS-style skull stripping: exactly 0 outside the brain, which foreground crops rely on.
                for (int i = 0; i < brain.length; i++) {
                    if (!brain[i]) {
                        channels[c][i] = 0;
                    }
                }
            }
            short[] raw = new short[channels[c].length];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = (short) Math.min(Short.MAX_VALUE, Math.round(channels[c][i]));
            }
            Path file = dir.resolve(id + "_" + token(m) + ".nii.gz");
            NiftiWriter.write(new Volume(ArrayImgs.shorts(raw, dims), a.geometry()), file);
            images.add(file);
        }
        Path seg = dir.resolve(id + "_seg.nii.gz");
        NiftiWriter.write(new Volume(ArrayImgs.unsignedBytes(label, dims), a.geometry()), seg);
        return new Generated(id, split, images, seg, f, a.geometry().axisCodes(), a.affine, null, null);
    }

    private Generated ctVolume(Path file, String name, Split split, SplittableRandom rng) throws IOException {
        CtCohort c = o.ctCohort;
        boolean lesion = rng.nextDouble() < c.lesionFraction();
        boolean high = rng.nextBoolean();
        // One head: every volume the same head scanned the same way, so only its tumour (and noise) tells it apart.
        SplittableRandom anatomy = c.oneHead() ? new SplittableRandom(o.seed ^ 0x4845414444L) : rng;
        Acquisition a = Acquisition.draw(anatomy, o.fov, o.inPlane, o.slice,
                anatomy.nextDouble() < o.nonRasFraction, c.maxRotationDeg());
        Subject s = Subject.draw(anatomy, rng, o.fov, lesion, high, 1.6 * maxSpacing(a), null, c.lesionScale());
        byte[] label = new byte[a.voxels()];
        byte et = o.etLabel();
        float[] hu = Renderer.render(s, a, new double[][] { Tissue.hounsfield() }, null, 0, et, label)[0];
        Findings f = Renderer.measure(s, a, label, et, o.fov);
        Renderer.gaussian(hu, o.ctNoiseHu, rng);
        short[] raw = new short[hu.length];
        for (int i = 0; i < raw.length; i++) {
            // Stored as HU + 1024 with scl_inter −1024, as CT scanners and CT-RATE store them.
            raw[i] = (short) Math.max(0, Math.min(Short.MAX_VALUE, Math.round(hu[i] + 1024)));
        }
        Files.createDirectories(file.getParent());
        NiftiWriter.write(new Volume(ArrayImgs.shorts(raw, a.dims[0], a.dims[1], a.dims[2]), a.geometry(), 1, -1024,
                null), file);
        String[] report = Reports.write(f, rng);
        return new Generated(name, split, List.of(file), null, f, a.geometry().axisCodes(), a.affine, report[0],
                report[1]);
    }

    /** The file-name token of a modality (BraTS 2021 spelling {@code t1ce} for T1c). */
    static String token(Modality m) {
        return m == Modality.T1C ? T1C_TOKEN : m.token();
    }

    private static double maxSpacing(Acquisition a) {
        return Math.max(a.spacing[0], Math.max(a.spacing[1], a.spacing[2]));
    }

    /** A seeded assignment of {@code n} items: round(n·test) to test, round(n·validation) to validation. */
    static Split[] splits(int n, SplittableRandom rng, double validation, double test) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int nTest = (int) Math.round(n * test), nVal = (int) Math.round(n * validation);
        Split[] s = new Split[n];
        for (int i = 0; i < n; i++) {
            s[order[i]] = i < nTest ? Split.TEST : i < nTest + nVal ? Split.VALIDATION : Split.TRAINING;
        }
        return s;
    }

    /** Settings of a {@link PhantomGenerator}; every one has a demo default. */
    public static final class Builder {
        private int studies = 24;
        private double[] fov = { 64, 64, 56 };
        private long seed = 7;
        private List<Modality> modalities = List.of(Modality.FLAIR, Modality.T1, Modality.T1C, Modality.T2,
                Modality.PD);
        private double nonRasFraction = 0.5;
        private double[] inPlane = { 1.0, 1.2 };
        private double[] slice = { 1.5, 2.0 };
        private double maxRotationDeg = 8;
        private double healthyFraction;
        private boolean brats2023;
        private boolean skullStripped;
        private boolean mimics;
        private double noise = 0.03;
        private double biasAmplitude = 0.15;
        private double validationFraction = 0.125;
        private double testFraction = 0.25;
        private int ctStudies;
        private CtCohort ctCohort = CtCohort.DRAWN;
        private double ctValidationFraction = 0.25;
        private int ctLabelled = Integer.MAX_VALUE;
        private double ctNoiseHu = CT_NOISE_HU;
        private String prefix = "demo";

        private Builder() {
        }

        /** @param studies MRI studies, default 24 @return this */
        public Builder optStudies(int studies) {
            this.studies = studies;
            return this;
        }

        /**
         * @param x field of view along world x (mm); the head fills about 84% of it, so sizes scale with it
         * @param y along y, default 64
         * @param z along z, default 56 (240, 240, 155 with {@link #optSpacing} 1, 1 gives BraTS-size volumes)
         * @return this
         */
        public Builder optSize(double x, double y, double z) {
            this.fov = new double[] { x, y, z };
            return this;
        }

        /**
         * @param inPlane in-plane spacing range {min, max} (mm), default 1.0–1.2
         * @param slice slice spacing range {min, max} (mm), default 1.5–2.0; both {1, 1} for isotropic 1 mm
         * @return this
         */
        public Builder optSpacing(double[] inPlane, double[] slice) {
            this.inPlane = inPlane.clone();
            this.slice = slice.clone();
            return this;
        }

        /** @param seed the seed of everything, default 7 @return this */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @param modalities MRI channels among flair, t1, t1c, t2, pd (default all five) @return this */
        public Builder optModalities(List<Modality> modalities) {
            this.modalities = List.copyOf(modalities);
            return this;
        }

        /**
         * @param list comma-separated modality names (any spelling {@link ModalityNames#defaults()} knows, e.g.
         *        {@code flair,t1,t1ce,t2})
         * @return this
         * @throws MedvpException naming an unknown name
         */
        public Builder optModalities(String list) {
            List<Modality> mods = new ArrayList<>();
            for (String t : list.split(",")) {
                if (!t.isBlank()) {
                    mods.add(ModalityNames.defaults().require(t.trim(), "modalities"));
                }
            }
            return optModalities(mods);
        }

        /** @param fraction share of files stored non-RAS (LPS, LAS, sagittal, coronal), default 0.5 @return this */
        public Builder optNonRasFraction(double fraction) {
            this.nonRasFraction = fraction;
            return this;
        }

        /**
         * @param degrees largest oblique rotation of an MRI study's grid (CT: {@link CtCohort}), default 8
         * @return this
         */
        public Builder optMaxRotation(double degrees) {
            this.maxRotationDeg = degrees;
            return this;
        }

        /** @param fraction share of MRI studies without tumour, default 0 @return this */
        public Builder optHealthyFraction(double fraction) {
            this.healthyFraction = fraction;
            return this;
        }

        /** @param brats2023 label enhancing tumour 3 (BraTS 2023) instead of 4, default false @return this */
        public Builder optBrats2023(boolean brats2023) {
            this.brats2023 = brats2023;
            return this;
        }

        /**
         * @param skullStripped MRI studies preprocessed as BraTS distributes them: every voxel outside the skull
         *     (scalp, fat, bone, air) is 0 in every modality, default false (the whole head, with noise in the air)
         * @return this
         */
        public Builder optSkullStripped(boolean skullStripped) {
            this.skullStripped = skullStripped;
            return this;
        }

        /**
         * @param mimics MRI studies also show healthy structures that look like tumour on their own: white-matter
         *     hyperintensities around the ventricles (bright on T2 and FLAIR, like oedema) and the choroid plexus
         *     (enhancing on T1c, like the tumour rim); label 0. Default false. The rest of each study (anatomy,
         *     tumour, acquisition, noise) is the same with and without them.
         * @return this
         */
        public Builder optMimics(boolean mimics) {
            this.mimics = mimics;
            return this;
        }

        /**
         * @param noise Rician noise sigma relative to white matter, default 0.03
         * @param biasAmplitude log-amplitude of the bias fields, default 0.15 (about ±15%)
         * @return this
         */
        public Builder optNoise(double noise, double biasAmplitude) {
            this.noise = noise;
            this.biasAmplitude = biasAmplitude;
            return this;
        }

        /**
         * @param validation share of validation studies, default 0.125
         * @param test share of test studies, default 0.25
         * @return this
         */
        public Builder optSplit(double validation, double test) {
            this.validationFraction = validation;
            this.testFraction = test;
            return this;
        }

        /** @param count CT volumes with reports (0, the default, for none) @return this */
        public Builder optCt(int count) {
            this.ctStudies = count;
            return this;
        }

        /** @param cohort how the CT volumes are drawn, default {@link CtCohort#DRAWN} @return this */
        public Builder optCtCohort(CtCohort cohort) {
            this.ctCohort = java.util.Objects.requireNonNull(cohort, "cohort");
            return this;
        }

        /**
         * @param count training volumes the CT lesion task lists as labelled (the first ones), default all; the
         *     task's test split is every validation volume
         * @return this
         */
        public Builder optCtLabelled(int count) {
            this.ctLabelled = count;
            return this;
        }

        /** @param prefix case-name prefix, default {@code demo} (no {@code _} or {@code -}) @return this */
        public Builder optPrefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        byte etLabel() {
            return (byte) (brats2023 ? 3 : 4);
        }

        /** @return the generator @throws MedvpException naming the bad setting */
        public PhantomGenerator build() {
            Settings.range("studies", studies, 1, 100_000);
            Settings.range("ct_studies", ctStudies, 0, 100_000);
            Settings.range("ct_labelled", ctLabelled, 1, Integer.MAX_VALUE);
            Settings.range("non_ras", nonRasFraction, 0, 1);
            Settings.range("healthy", healthyFraction, 0, 1);
            for (double f : fov) {
                if (!(f >= 16 && f <= 1024)) {
                    throw new MedvpException("size must be 16..1024 mm per axis, e.g. size=64,64,56");
                }
            }
            if (!(inPlane[0] > 0 && inPlane[1] >= inPlane[0] && slice[0] > 0 && slice[1] >= slice[0])) {
                throw new MedvpException("spacing ranges must be positive {min, max} pairs");
            }
            for (Modality m : modalities) {
                if (!Tissue.supports(m)) {
                    throw new MedvpException("modalities: the demo generator draws flair, t1, t1c, t2 and pd, not "
                            + m.token());
                }
            }
            if (modalities.isEmpty() || modalities.stream().distinct().count() != modalities.size()) {
                throw new MedvpException("modalities must be a non-empty list without repeats");
            }
            if (!(nonRasFraction >= 0 && nonRasFraction <= 1 && healthyFraction >= 0 && healthyFraction <= 1
                    && validationFraction >= 0 && testFraction >= 0 && validationFraction + testFraction <= 1)) {
                throw new MedvpException("fractions must be in 0..1 (non-RAS, healthy, validation + test)");
            }
            if (prefix.isEmpty() || prefix.contains("_") || prefix.contains("-")) {
                throw new MedvpException("prefix must be non-empty without '_' or '-' (they separate the modality)");
            }
            return new PhantomGenerator(this);
        }
    }
}
