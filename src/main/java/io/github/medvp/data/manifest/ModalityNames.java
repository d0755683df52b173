package io.github.medvp.data.manifest;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import io.github.medvp.MedvpException;

/**
 * Maps the spellings found in file names and settings to {@link Modality}: the reference code's table
 * (t1ce/T1c/t1c→t1c, t1n/T1→t1, t2w/T2→t2, t2f/FLAIR→flair, MRA→mra, PD→pd, DWI→dwi, ADC→adc; case-insensitive)
 * plus aliases the user adds, e.g. {@code "T1GD=t1c,FLAIR_reg=flair"}.
 * <p>
 * Immutable and thread-safe.
 */
public final class ModalityNames {

    private static final ModalityNames DEFAULT = new ModalityNames(defaultTable());

    /** Lower-cased alias → modality, in the order shown to users. */
    private final Map<String, Modality> table;

    private ModalityNames(Map<String, Modality> table) {
        this.table = Collections.unmodifiableMap(table);
    }

    /** The reference code's names only. */
    public static ModalityNames defaults() {
        return DEFAULT;
    }

    private static Map<String, Modality> defaultTable() {
        Map<String, Modality> t = new LinkedHashMap<>();
        for (Modality m : Modality.values()) {
            t.put(m.token(), m);
        }
        t.put("t1ce", Modality.T1C);
        t.put("t1n", Modality.T1);
        t.put("t2w", Modality.T2);
        t.put("t2f", Modality.FLAIR);
        return t;
    }

    /**
     * These names plus user aliases.
     *
     * @param spec comma-separated {@code alias=canonical} pairs (canonical being any name already known, e.g.
     *        {@code t1ce}); {@code null} or blank adds nothing
     * @throws MedvpException naming the bad pair when the syntax is wrong or the target is unknown
     */
    public ModalityNames withAliases(String spec) {
        if (spec == null || spec.isBlank()) {
            return this;
        }
        Map<String, Modality> t = new LinkedHashMap<>(table);
        for (String pair : spec.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new MedvpException("modality alias '" + pair.trim()
                        + "': write alias=modality, e.g. T1GD=t1c,FLAIR_reg=flair");
            }
            String alias = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String target = pair.substring(eq + 1).trim();
            Modality m = resolve(target);
            if (m == null) {
                throw new MedvpException("modality alias '" + pair.trim() + "': unknown modality '" + target
                        + "'; accepted: " + accepted());
            }
            t.put(alias, m);
        }
        return new ModalityNames(t);
    }

    /** The modality for a name (case-insensitive), or {@code null} when unknown. */
    public Modality resolve(String name) {
        return name == null ? null : table.get(name.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * The modality for a name.
     *
     * @param what where the name came from, for the message (a file or setting)
     * @throws MedvpException naming {@code what} and listing the accepted names
     */
    public Modality require(String name, String what) {
        Modality m = resolve(name);
        if (m == null) {
            throw new MedvpException(what + ": unknown modality '" + name + "'; accepted: " + accepted()
                    + " (add others with aliases such as T1GD=t1c)");
        }
        return m;
    }

    /**
     * The modality token of a file name: the last token of the name without its NIfTI extension after splitting
     * on {@code -}, {@code _} and {@code |} (BrainMVP's {@code load_mmri_sampled_list} in {@code utils/data_utils.py}),
     * e.g. {@code BraTS-GLI-00000-000-t2f.nii.gz} → {@code t2f}.
     */
    public static String token(Path file) {
        String base = stripExtension(file.getFileName().toString());
        int cut = Math.max(base.lastIndexOf('-'), Math.max(base.lastIndexOf('_'), base.lastIndexOf('|')));
        return base.substring(cut + 1);
    }

    /** The name of a file without its token and separator ({@code BraTS2021_00000_flair.nii.gz} → {@code BraTS2021_00000}). */
    public static String caseName(Path file) {
        String base = stripExtension(file.getFileName().toString());
        int cut = Math.max(base.lastIndexOf('-'), Math.max(base.lastIndexOf('_'), base.lastIndexOf('|')));
        return cut < 0 ? "" : base.substring(0, cut);
    }

    /** The file name without .nii, .nii.gz, .hdr(.gz), .img(.gz), .mha, .nrrd. */
    public static String stripExtension(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
            lower = lower.substring(0, lower.length() - 3);
        }
        for (String ext : new String[] { ".nii", ".hdr", ".img", ".mha", ".mhd", ".nrrd" }) {
            if (lower.endsWith(ext)) {
                return name.substring(0, name.length() - ext.length());
            }
        }
        return name;
    }

    /** The modality of a file from its name (see {@link #token}), or {@code null} when the token is unknown. */
    public Modality ofFile(Path file) {
        return resolve(token(file));
    }

    /** The accepted names, grouped by modality: {@code flair (t2f, ...), t1 (t1n), ...}. */
    public String accepted() {
        StringJoiner all = new StringJoiner(", ");
        for (Modality m : Modality.values()) {
            StringJoiner aliases = new StringJoiner(", ", " (", ")").setEmptyValue("");
            for (Map.Entry<String, Modality> e : table.entrySet()) {
                if (e.getValue() == m && !e.getKey().equals(m.token())) {
                    aliases.add(e.getKey());
                }
            }
            all.add(m.token() + aliases);
        }
        return all.toString();
    }
}
