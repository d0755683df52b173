package io.github.medvp.tasks.inference;

import io.github.medvp.tasks.TaskSpec;
import io.github.medvp.MedvpException;
import io.github.medvp.data.transform.LoadStudy;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.manifest.ModalityNames;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.io.NiftiHeader;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The studies of an inference input, loaded one at a time: a folder of studies or a manifest (every split), or one
 * NIfTI file whose channels are named by the caller, by the model (a 4D file with the model's channel count) or by
 * the file name's modality token (a 3D file). A study with a file whose modality name is unknown is refused, as in
 * training.
 */
public final class InferenceInputs {

    private InferenceInputs() {
    }

    /** One study to predict; {@link #load} reads it. */
    public interface Item {
        String id();

        /** The study on its original grid. */
        Sample load();

        /** The original file's header, or null. */
        NiftiHeader header();
    }

    public static List<Item> list(Path input, List<Modality> modalities, String aliases, TaskSpec spec) throws IOException {
        ModalityNames names = ModalityNames.defaults().withAliases(aliases == null ? "" : aliases);
        if (!Files.exists(input)) {
            throw new MedvpException("input " + input + " does not exist: give a NIfTI file, a folder of studies "
                    + "or a manifest .json");
        }
        String name = input.getFileName().toString();
        if (Files.isDirectory(input) || name.toLowerCase(Locale.ROOT).endsWith(".json")) {
            List<Item> items = new ArrayList<>();
            for (Study s : StudyManifest.load(input, names).all()) {
                refuseUnknownModalities(s, names);
                items.add(new Item() {
                    @Override
                    public String id() {
                        return s.id();
                    }

                    @Override
                    public Sample load() {
                        // Deterministic: the generator is never drawn from.
                        return new LoadStudy(false).apply(Sample.of(s), new SplittableRandom(0));
                    }

                    @Override
                    public NiftiHeader header() {
                        return null;
                    }
                });
            }
            if (items.isEmpty()) {
                throw new MedvpException("input " + input + " holds no studies");
            }
            return items;
        }
        if (!NiftiReader.isNiftiName(name)) {
            throw new MedvpException("input " + input + " is neither a NIfTI file, a folder of studies nor a manifest "
                    + ".json");
        }
        Volume v = NiftiReader.read(input);
        long[] d = v.dimensions();
        int channels = d.length > 3 ? Math.toIntExact(d[3]) : 1;
        List<Modality> mods = channelModalities(channels, modalities, names.ofFile(input), spec, "input " + input);
        List<Modality> channelModalities = mods;
        String id = caseName(input, names);
        return List.of(new Item() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public Sample load() {
                return InferenceGeometry.sample(v, channelModalities);
            }

            @Override
            public NiftiHeader header() {
                return v.header();
            }
        });
    }

    /**
     * The modalities of a volume's channels: as given, else the model's when the channel count matches (and the
     * name says nothing else), else the modality the name says for a single channel.
     */
    public static List<Modality> channelModalities(int channels, List<Modality> given, Modality fromName, TaskSpec spec,
            String what) {
        if (given != null && !given.isEmpty()) {
            return given;
        }
        if (channels == spec.inChannels() && (channels > 1 || fromName == null)) {
            return spec.modalities();
        }
        if (channels == 1 && fromName != null) {
            return List.of(fromName);
        }
        throw new MedvpException(what + " has " + channels + " channel(s); name their modalities (setting "
                + "'modalities', e.g. t1,flair); the model takes " + spec.modalities());
    }

    /**
     * Training refuses a file whose modality name it does not know ({@code ManifestValidator}); inference does too,
     * rather than leave the file out and fill its channel from templates or means as if the study lacked it.
     */
    private static void refuseUnknownModalities(Study s, ModalityNames names) {
        for (Study.Channel c : s.channels()) {
            if (c.modality() == null) {
                throw new MedvpException("study " + s.id() + ": unknown modality '" + c.token() + "' of " + c.path()
                        + "; accepted: " + names.accepted() + " (the setting aliases adds names, e.g. T1GD=t1c)");
            }
        }
    }

    /** The case part of a file name ({@code BraTS_001_t1.nii.gz} → {@code BraTS_001}), or the name itself. */
    private static String caseName(Path file, ModalityNames names) {
        String base = file.getFileName().toString().replaceAll("(?i)\\.nii(\\.gz)?$", "");
        if (names.ofFile(file) != null) {
            String c = ModalityNames.caseName(file);
            if (!c.isEmpty()) {
                return c;
            }
        }
        return base;
    }

}
