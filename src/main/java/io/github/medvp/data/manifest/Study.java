package io.github.medvp.data.manifest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One subject at one time: its image files (one per modality, in a fixed channel order), an optional label map,
 * an optional class label and report, and where the record came from.
 * <p>
 * Channels keep what the manifest said even when it is wrong (an unknown token, a modality twice) so that
 * {@link ManifestValidator} can report every problem at once; {@link #images()} is the usable view. Immutable.
 */
public final class Study {

    /**
     * One image channel.
     *
     * @param token the name the manifest or file name gave (for messages)
     * @param modality the resolved modality, {@code null} when the token is unknown
     * @param path the file
     * @param volume index along the 4th axis of a multi-channel file, or -1 for a 3D file
     */
    public record Channel(String token, Modality modality, Path path, int volume) {
        public Channel {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(path, "path");
        }

        /** A 3D file. */
        public Channel(String token, Modality modality, Path path) {
            this(token, modality, path, -1);
        }

        @Override
        public String toString() {
            return path + (volume >= 0 ? "[" + volume + "]" : "");
        }
    }

    private final String id;
    private final List<Channel> channels;
    private final Path label;
    private final Integer classLabel;
    private final String report;
    private final String source;

    /**
     * @param id a name unique in its manifest (case name or folder name)
     * @param channels the image channels in channel order
     * @param label the label-map file, or {@code null}
     * @param classLabel the class index for classification, or {@code null}
     * @param report free-text report, or {@code null}
     * @param source where the record came from (a JSON file and key, a folder), for messages
     */
    public Study(String id, List<Channel> channels, Path label, Integer classLabel, String report, String source) {
        this.id = Objects.requireNonNull(id, "id");
        this.channels = List.copyOf(channels);
        this.label = label;
        this.classLabel = classLabel;
        this.report = report;
        this.source = source == null ? "" : source;
    }

    /** The study id, unique within its manifest. */
    public String id() {
        return id;
    }

    /** The channels as listed, including unknown or repeated modalities. */
    public List<Channel> channels() {
        return channels;
    }

    /**
     * The usable image files: modality → file in channel order; a modality listed twice keeps its first file and
     * channels with unknown modality are left out (the validator reports both).
     */
    public Map<Modality, Channel> images() {
        Map<Modality, Channel> m = new LinkedHashMap<>();
        for (Channel c : channels) {
            if (c.modality() != null) {
                m.putIfAbsent(c.modality(), c);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** The modalities of {@link #images()} in channel order. */
    public List<Modality> modalities() {
        return List.copyOf(images().keySet());
    }

    /** The label-map file, or {@code null}. */
    public Path label() {
        return label;
    }

    /** The class index, or {@code null}. */
    public Integer classLabel() {
        return classLabel;
    }

    /** The report text, or {@code null}. */
    public String report() {
        return report;
    }

    /** Where the record came from. */
    public String source() {
        return source;
    }

    /** Every file of the study (images, then the label), each once. */
    public List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (Channel c : channels) {
            if (!files.contains(c.path())) {
                files.add(c.path());
            }
        }
        if (label != null && !files.contains(label)) {
            files.add(label);
        }
        return files;
    }

    /** This study with its channels in another order (for the pre-training's once-per-run modality shuffle). */
    public Study withChannels(List<Channel> reordered) {
        return new Study(id, reordered, label, classLabel, report, source);
    }

    @Override
    public String toString() {
        return "Study[" + id + " " + modalities() + (label != null ? " +label" : "")
                + (classLabel != null ? " class " + classLabel : "") + "]";
    }
}
