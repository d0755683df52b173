package io.github.medvp.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.medvp.MedvpException;
import io.github.medvp.data.LabelToRegions;
import io.github.medvp.data.Sample;

/**
 * What the values of a label map mean for a task, as a user writes it in a setting:
 * <ul>
 * <li>{@code brats}: BraTS 2018–2021 regions TC, WT, ET = {1, 4}, {1, 2, 4}, {4} (overlapping, one sigmoid output
 * each);</li>
 * <li>{@code brats2023}: the same after remapping BraTS 2023's enhancing-tumour label 3 to 4 (spec §6 item 10);</li>
 * <li>{@code classes:1,2,3} or {@code classes:CSF=1,GM=2,WM=3}: mutually exclusive classes (softmax with a
 * background channel 0), one region per listed value, named as given (by default {@code label<value>}).</li>
 * </ul>
 * The description turns label maps into region masks ({@link #regions()}, {@link #masks}) and region masks back into
 * label maps ({@link #labelMap}).
 */
public final class LabelDescription {

    private final String text;
    private final List<String> names;
    private final int[][] values;
    private final int[][] remap;
    private final boolean exclusive;
    private final List<Postprocess.Paint> paints;

    private LabelDescription(String text, List<String> names, int[][] values, int[][] remap, boolean exclusive,
            List<Postprocess.Paint> paints) {
        this.text = text;
        this.names = List.copyOf(names);
        this.values = values;
        this.remap = remap;
        this.exclusive = exclusive;
        this.paints = List.copyOf(paints);
    }

    /**
     * Parses a description (see the class comment).
     *
     * @param text e.g. {@code brats}, {@code brats2023}, {@code classes:CSF=1,GM=2,WM=3}
     * @throws MedvpException naming the setting when it is not one of the forms
     */
    public static LabelDescription parse(String text) {
        String t = text == null ? "" : text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        int[][] brats = { { 1, 4 }, { 1, 2, 4 }, { 4 } };
        if (lower.equals("brats")) {
            return new LabelDescription(t, List.of("TC", "WT", "ET"), brats, new int[0][], false, Postprocess.BRATS);
        }
        if (lower.equals("brats2023")) {
            return new LabelDescription(t, List.of("TC", "WT", "ET"), brats, new int[][] { { 3, 4 } }, false,
                    Postprocess.BRATS_2023);
        }
        if (lower.startsWith("classes:")) {
            String[] parts = t.substring("classes:".length()).split(",");
            List<String> names = new ArrayList<>();
            List<Postprocess.Paint> paints = new ArrayList<>();
            int[][] v = new int[parts.length][];
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i].trim();
                int eq = p.indexOf('=');
                int value;
                try {
                    value = Integer.parseInt(eq < 0 ? p : p.substring(eq + 1).trim());
                } catch (NumberFormatException e) {
                    throw bad(text);
                }
                if (value < 1 || value > 255) {
                    throw new MedvpException("labels '" + text + "': class values must be 1..255 (0 is background)");
                }
                names.add(eq < 0 ? "label" + value : p.substring(0, eq).trim());
                v[i] = new int[] { value };
                paints.add(new Postprocess.Paint(i, value));
            }
            if (names.stream().distinct().count() != names.size() || names.contains(MetricsReport.MEAN_OVER_REGIONS)
                    || names.stream().anyMatch(String::isEmpty)) {
                throw new MedvpException("labels '" + text + "': class names must be distinct, non-empty and not '"
                        + MetricsReport.MEAN_OVER_REGIONS + "'");
            }
            return new LabelDescription(t, names, v, new int[0][], true, paints);
        }
        throw bad(text);
    }

    private static MedvpException bad(String text) {
        return new MedvpException("labels '" + text + "' is not a label description: use brats (ET=4), brats2023 "
                + "(ET=3) or classes:1,2,3 / classes:CSF=1,GM=2,WM=3");
    }

    /** Region (or class) names, in output-channel order. */
    public List<String> names() {
        return names;
    }

    /** True for mutually exclusive classes (softmax, background channel 0), false for overlapping regions. */
    public boolean exclusive() {
        return exclusive;
    }

    /** The label map to region channels transform (with the remap), e.g. for a data pipeline. */
    public LabelToRegions regions() {
        return new LabelToRegions(values, remap);
    }

    /** How region masks are painted into a label map (later paints win). */
    public List<Postprocess.Paint> paints() {
        return paints;
    }

    /**
     * The region masks of a label map, remapped as described ({@link #regions()} then {@link Postprocess#masks}).
     *
     * @param labels label values as floats (rounded), X fastest over {@code dims}
     * @param dims (X, Y, Z)
     * @return one mask per region
     */
    public boolean[][] masks(float[] labels, int[] dims) {
        Sample s = Sample.of(dims, null, List.of(), new float[][] { labels }, null);
        return Postprocess.masks(regions().apply(s, null).label());
    }

    /** A label map from region masks ({@link Postprocess#labelMap} with {@link #paints()}). */
    public int[] labelMap(boolean[][] masks) {
        return Postprocess.labelMap(masks, paints);
    }

    @Override
    public String toString() {
        return text;
    }
}
