package io.github.medvp.data.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.github.medvp.io.NiftiReader;

/**
 * Finds studies in a folder. Two layouts:
 * <ul>
 * <li>flat, {@code <case>_<modality>.nii.gz} side by side (BraTS 2021 {@code BraTS2021_00000_flair.nii.gz},
 * BraTS 2023 {@code BraTS-GLI-00000-000-t2f.nii.gz}): files are grouped by the name before the last token;</li>
 * <li>one folder per study (any file names inside; the study id is the folder name).</li>
 * </ul>
 * The layout is flat when the folder itself holds NIfTI files. Files whose token is {@code seg}, {@code label},
 * {@code mask} or {@code msk} are the label map. Channels are put in template order (flair, t1, t1c, ...; unknown
 * tokens last, by name) so every study of a folder has the same channel order. Hidden files are ignored.
 */
final class FolderDiscovery {

    /** Tokens that mark a label map. */
    static final Set<String> LABEL_TOKENS = Set.of("seg", "label", "labels", "mask", "msk");

    private FolderDiscovery() {
    }

    static List<Study> discover(Path root, ModalityNames names) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": no such folder");
        }
        List<Path> files = niftiFiles(root);
        List<Study> studies = new ArrayList<>();
        if (!files.isEmpty()) {
            Map<String, List<Path>> cases = new LinkedHashMap<>();
            for (Path f : files) {
                String c = ModalityNames.caseName(f);
                cases.computeIfAbsent(c.isEmpty() ? ModalityNames.stripExtension(f.getFileName().toString()) : c,
                        k -> new ArrayList<>()).add(f);
            }
            for (Map.Entry<String, List<Path>> e : cases.entrySet()) {
                studies.add(study(e.getKey(), e.getValue(), names, root.toString()));
            }
            return studies;
        }
        try (Stream<Path> s = Files.list(root)) {
            List<Path> dirs = s.filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList();
            for (Path d : dirs) {
                studies.add(study(d.getFileName().toString(), niftiFiles(d), names, d.toString()));
            }
        }
        return studies;
    }

    private static Study study(String id, List<Path> files, ModalityNames names, String source) {
        List<Study.Channel> channels = new ArrayList<>();
        Path label = null;
        for (Path f : files) {
            String token = ModalityNames.token(f);
            if (label == null && LABEL_TOKENS.contains(token.toLowerCase(Locale.ROOT))) {
                label = f;
            } else {
                channels.add(new Study.Channel(token, names.resolve(token), f));
            }
        }
        channels.sort(Comparator.comparingInt((Study.Channel c) -> c.modality() == null ? Integer.MAX_VALUE
                : c.modality().ordinal()).thenComparing(Study.Channel::token));
        return new Study(id, channels, label, null, null, source);
    }

    private static List<Path> niftiFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !hidden(p))
                    .filter(p -> NiftiReader.isNiftiName(p.getFileName().toString()))
                    // The .img of a pair is read through its .hdr; list the pair once.
                    .filter(p -> !p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.img(\\.gz)?"))
                    .sorted().toList();
        }
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }
}
