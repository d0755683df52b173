package io.github.medvp.data.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.medvp.Progress;
import io.github.medvp.io.NiftiHeader;
import io.github.medvp.io.NiftiReader;

/**
 * The one check of a manifest before training, from NIfTI headers only (no voxel data is read, so thousands of
 * studies take seconds). Per study it reports: no image at all, missing files, unreadable headers, unknown
 * modality tokens, a modality listed twice, a missing label map when labels are required, spatial shapes or
 * affines that differ between the files of the study (label included), and multi-volume files used as one channel
 * or a channel index beyond the file's volumes.
 */
public final class ManifestValidator {

    /** Largest difference of affine entries (mm) still counted as the same grid, MONAI's affine tolerance. */
    static final double AFFINE_TOLERANCE = 1e-3;

    private final ModalityNames names;
    private final boolean requireLabels;

    /**
     * @param names for the list of accepted names in unknown-modality messages
     * @param requireLabels whether every study needs a label map (segmentation fine-tuning)
     */
    public ManifestValidator(ModalityNames names, boolean requireLabels) {
        this.names = names;
        this.requireLabels = requireLabels;
    }

    /** Checks {@code studies}, reporting progress per study; stops with a cancellation when asked to. */
    public ValidationReport validate(List<Study> studies, Progress progress) {
        List<ValidationReport.StudyProblems> bad = new ArrayList<>();
        int files = 0;
        for (int i = 0; i < studies.size(); i++) {
            progress.checkCancelled();
            Study s = studies.get(i);
            files += s.files().size();
            List<String> problems = check(s);
            if (!problems.isEmpty()) {
                bad.add(new ValidationReport.StudyProblems(s, problems));
            }
            progress.tick("Checking studies", i + 1, studies.size(), null);
        }
        return new ValidationReport(studies.size(), files, bad);
    }

    /** The problems of one study (empty when usable). */
    public List<String> check(Study s) {
        List<String> problems = new ArrayList<>();
        if (s.channels().isEmpty()) {
            problems.add("no image files");
        }
        Map<Modality, Path> seen = new EnumMap<>(Modality.class);
        for (Study.Channel c : s.channels()) {
            if (c.modality() == null) {
                problems.add("unknown modality '" + c.token() + "' of " + c.path() + "; accepted: "
                        + names.accepted());
            } else if (seen.containsKey(c.modality())) {
                problems.add(c.modality() + " twice: " + seen.get(c.modality()) + " and " + c);
            } else {
                seen.put(c.modality(), c.path());
            }
        }
        if (requireLabels && s.label() == null) {
            problems.add("no label map");
        }
        Map<Path, NiftiHeader> headers = new HashMap<>();
        for (Path p : s.files()) {
            NiftiHeader h = header(p, problems);
            if (h != null) {
                headers.put(p, h);
            }
        }
        Path ref = null;
        for (Study.Channel c : s.channels()) {
            NiftiHeader h = headers.get(c.path());
            if (h == null) {
                continue;
            }
            long volumes = volumes(h);
            if (c.volume() < 0 && volumes != 1) {
                problems.add(c.path() + " has " + volumes + " volumes; name its channels (\"modalities\")");
            } else if (c.volume() >= volumes) {
                problems.add(c.path() + " has " + volumes + " volumes, none for channel " + c.volume() + " ("
                        + c.token() + ")");
            }
            ref = compare(ref, c.path(), headers, problems);
        }
        if (s.label() != null && headers.containsKey(s.label())) {
            if (volumes(headers.get(s.label())) != 1) {
                problems.add("label " + s.label() + " has " + volumes(headers.get(s.label())) + " volumes");
            }
            compare(ref, s.label(), headers, problems);
        }
        return problems;
    }

    /** Compares {@code p}'s grid with {@code ref}'s (once per distinct file); returns the reference to use next. */
    private static Path compare(Path ref, Path p, Map<Path, NiftiHeader> headers, List<String> problems) {
        if (ref == null || ref.equals(p)) {
            return p;
        }
        NiftiHeader a = headers.get(ref), b = headers.get(p);
        long[] sa = spatial(a), sb = spatial(b);
        if (!Arrays.equals(sa, sb)) {
            String problem = "shape " + Arrays.toString(sb) + " of " + p + " differs from " + Arrays.toString(sa)
                    + " of " + ref;
            if (!problems.contains(problem)) {
                problems.add(problem);
            }
        } else if (!sameAffine(a.bestAffine(), b.bestAffine())) {
            String problem = "affine of " + p + " differs from that of " + ref + " (different grids)";
            if (!problems.contains(problem)) {
                problems.add(problem);
            }
        }
        return ref;
    }

    private static NiftiHeader header(Path p, List<String> problems) {
        if (!Files.exists(p)) {
            problems.add("missing file " + p);
            return null;
        }
        try {
            NiftiHeader h = NiftiReader.readHeader(p);
            if (h.ndim() < 2) {
                problems.add(p + " has " + h.ndim() + " dimensions; an image needs at least 2");
                return null;
            }
            return h;
        } catch (IOException | RuntimeException e) {
            problems.add("unreadable header: " + e.getMessage());
            return null;
        }
    }

    static long[] spatial(NiftiHeader h) {
        long[] s = h.shape();
        long[] out = { 1, 1, 1 };
        System.arraycopy(s, 0, out, 0, Math.min(3, s.length));
        return out;
    }

    static long volumes(NiftiHeader h) {
        long[] s = h.shape();
        long n = 1;
        for (int i = 3; i < s.length; i++) {
            n *= s[i];
        }
        return n;
    }

    static boolean sameAffine(double[][] a, double[][] b) {
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                if (!(Math.abs(a[r][c] - b[r][c]) <= AFFINE_TOLERANCE)) {
                    return false;
                }
            }
        }
        return true;
    }
}
