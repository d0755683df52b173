package io.github.medvp.data.transform;

import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.Volumes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import io.github.medvp.MedvpException;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Volume;

/**
 * Reads the files of a sample's modalities (in the sample's channel order, so {@link ModalitySubsample} can run
 * first) and its label map, and stacks them as channels (MONAI {@code LoadImage} + {@code EnsureChannelFirst}).
 * Values are the files' scaled values as float; the geometry is the first channel's.
 * <p>
 * Each file is read once even when it supplies several channels (a 4D file, a repeated modality). All channels and
 * the label must have the same shape; a mismatch or an unreadable file is a {@link MedvpException} naming the
 * study and the file.
 */
public final class LoadStudy implements Transform {

    private final boolean label;

    /** @param label whether to load the study's label map too (when it has one) */
    public LoadStudy(boolean label) {
        this.label = label;
    }

    /** Loads images and, when present, the label map. */
    public LoadStudy() {
        this(true);
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        Study study = s.study();
        if (study == null) {
            throw new IllegalStateException("LoadStudy needs a sample made by Sample.of(Study)");
        }
        Map<Modality, Study.Channel> images = study.images();
        List<Modality> mods = s.modalities();
        if (mods.isEmpty()) {
            throw new MedvpException("study " + study.id() + " (" + study.source() + ") has no image to load");
        }
        Map<Path, Volume> read = new HashMap<>();
        Map<Path, float[]> values = new HashMap<>();
        Map<float[], Boolean> handedOut = new IdentityHashMap<>();
        float[][] channels = new float[mods.size()][];
        int[] shape = null;
        Geometry geometry = null;
        Path first = null;
        for (int c = 0; c < mods.size(); c++) {
            Study.Channel ch = images.get(mods.get(c));
            if (ch == null) {
                throw new MedvpException("study " + study.id() + " has no " + mods.get(c) + " image");
            }
            Volume v = read.computeIfAbsent(ch.path(), p -> read(study, p));
            float[] data = channelData(study, ch, v, values.computeIfAbsent(ch.path(), p -> Volumes.take(v)));
            // A file behind two channels gives its array once; later channels copy it so none share an array.
            channels[c] = handedOut.put(data, Boolean.TRUE) == null ? data : data.clone();
            int[] sh = Volumes.shape(v);
            if (shape == null) {
                shape = sh;
                geometry = v.geometry();
                first = ch.path();
            } else if (!Arrays.equals(shape, sh)) {
                throw mismatch(study, first, shape, ch.path(), sh);
            }
        }
        float[][] labels = null;
        if (label && study.label() != null) {
            Volume v = read(study, study.label());
            int[] sh = Volumes.shape(v);
            if (!Arrays.equals(shape, sh)) {
                throw mismatch(study, first, shape, study.label(), sh);
            }
            if (Volumes.volumes(v) != 1) {
                throw new MedvpException("study " + study.id() + ": label " + study.label() + " has "
                        + Volumes.volumes(v) + " volumes; a label map must be 3D");
            }
            labels = new float[][] { Volumes.take(v) };
        }
        return new Sample(study, shape, channels, mods, labels, geometry, s.meta());
    }

    private static Volume read(Study study, Path p) {
        try {
            return NiftiReader.read(p);
        } catch (IOException e) {
            // The reader's message names the file and the problem.
            throw new MedvpException("study " + study.id() + ": " + e.getMessage(), e);
        }
    }

    /** The X-fastest floats of one channel: the whole file, or one 3D volume of a 4D file. */
    private static float[] channelData(Study study, Study.Channel ch, Volume v, float[] all) {
        long volumes = Volumes.volumes(v);
        if (ch.volume() < 0) {
            if (volumes != 1) {
                throw new MedvpException("study " + study.id() + ": " + ch.path() + " has " + volumes
                        + " volumes; list its channel names (\"modalities\") in the manifest");
            }
            return all;
        }
        if (ch.volume() >= volumes) {
            throw new MedvpException("study " + study.id() + ": " + ch.path() + " has " + volumes
                    + " volumes, no volume " + ch.volume() + " for " + ch.token());
        }
        int[] sh = Volumes.shape(v);
        int n = sh[0] * sh[1] * sh[2];
        // Volumes of a 4D file are consecutive blocks of the X-fastest array.
        return Arrays.copyOfRange(all, ch.volume() * n, (ch.volume() + 1) * n);
    }

    private static MedvpException mismatch(Study study, Path a, int[] sa, Path b, int[] sb) {
        return new MedvpException("study " + study.id() + ": " + b + " has shape " + Arrays.toString(sb) + " but "
                + a + " has " + Arrays.toString(sa) + "; all files of a study must share one grid");
    }

    @Override
    public String toString() {
        return label ? "LoadStudy" : "LoadStudy[images only]";
    }
}
