package io.github.medvp.tasks.segmentation;

import io.github.medvp.train.Settings;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.data.transform.LabelToRegions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a segmentation model predicts from a label map: overlapping <b>regions</b> (one sigmoid channel each, e.g.
 * BraTS TC/WT/ET) or mutually exclusive <b>classes</b> (softmax over a background channel plus one channel per class,
 * e.g. CSF/GM/WM), each a set of label values, after an optional remapping of label values (BraTS 2023's enhancing
 * tumour 3 → 2018's 4, which MONAI's {@code ConvertToMultiChannelBasedOnBratsClassesD} in BrainMVP's
 * {@code Downstream/dataset/transforms.py} expects).
 * <p>
 * Written as text by users and commands:
 * <pre>
 * brats                         regions TC={1,4}, WT={1,2,4}, ET={4} (BraTS 2018-2021)
 * brats2023                     the same after remapping 3 to 4
 * binary                        one region "lesion" = every label value above 0
 * regions:TC=1,4;WT=1,2,4;ET=4  regions by name (add ;remap=3:4 for remapping)
 * classes:CSF=1;GM=2;WM=3       exclusive classes (background = 0)
 * </pre>
 * A label file holding other values (not whole numbers, or not 0 and not in a region or class after the remapping)
 * is refused before training and evaluation ({@link LabelCheck}); {@code ;remap=7:0} makes a value background.
 *
 * @param exclusive true for softmax classes, false for sigmoid regions
 * @param names one name per region or class (no background)
 * @param values the label values of each region or class (after remapping)
 * @param remap pairs {from, to} applied to the label values first
 */
public record LabelSpec(boolean exclusive, List<String> names, int[][] values, int[][] remap)
        implements Settings.Json {

    private static final int MAX_LABEL = 255;

    /** Checks and copies. */
    public LabelSpec {
        names = List.copyOf(names);
        if (names.isEmpty() || names.size() != values.length) {
            throw new MedvpException("a label description needs one or more names, each with label values");
        }
        values = Arrays.stream(values).map(int[]::clone).toArray(int[][]::new);
        remap = Arrays.stream(remap).map(int[]::clone).toArray(int[][]::new);
        for (int[] v : values) {
            if (v.length == 0 || Arrays.stream(v).anyMatch(x -> x < 1 || x > MAX_LABEL)) {
                throw new MedvpException("label values must be in 1.." + MAX_LABEL + " (0 is background): "
                        + Arrays.toString(v));
            }
        }
        for (int[] p : remap) {
            if (p.length != 2 || p[0] < 0 || p[0] > MAX_LABEL || p[1] < 0 || p[1] > MAX_LABEL) {
                throw new MedvpException("label remapping needs pairs from:to in 0.." + MAX_LABEL);
            }
        }
    }

    /** BraTS 2018-2021: regions TC, WT, ET = {1,4}, {1,2,4}, {4}. */
    public static LabelSpec brats() {
        return new LabelSpec(false, List.of("TC", "WT", "ET"), new int[][] {{1, 4}, {1, 2, 4}, {4}}, new int[0][]);
    }

    /** BraTS 2023 (ET labelled 3): {@link #brats()} after remapping 3 to 4. */
    public static LabelSpec brats2023() {
        return new LabelSpec(false, List.of("TC", "WT", "ET"), new int[][] {{1, 4}, {1, 2, 4}, {4}},
                new int[][] {{3, 4}});
    }

    /** One region, every label value above 0 (ISLES, VSseg, generated lesions). */
    public static LabelSpec binary() {
        int[] all = new int[MAX_LABEL];
        for (int i = 0; i < MAX_LABEL; i++) {
            all[i] = i + 1;
        }
        return new LabelSpec(false, List.of("lesion"), new int[][] {all}, new int[0][]);
    }

    /**
     * Parses the text form (see the class comment).
     *
     * @param text e.g. {@code brats2023} or {@code classes:CSF=1;GM=2;WM=3}
     * @return the description
     * @throws MedvpException naming the setting {@code labels} when the text is malformed
     */
    public static LabelSpec parse(String text) {
        String t = text == null ? "" : text.trim();
        switch (t.toLowerCase(Locale.ROOT)) {
            case "brats":
            case "brats2018":
            case "brats2021":
                return brats();
            case "brats2023":
                return brats2023();
            case "binary":
            case "lesion":
                return binary();
            default:
                break;
        }
        int colon = t.indexOf(':');
        String kind = colon < 0 ? "" : t.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        if (!kind.equals("regions") && !kind.equals("classes")) {
            throw new MedvpException("labels '" + text + "': use brats, brats2023, binary, "
                    + "regions:TC=1,4;WT=1,2,4;ET=4 or classes:CSF=1;GM=2;WM=3");
        }
        List<String> names = new ArrayList<>();
        List<int[]> values = new ArrayList<>();
        List<int[]> remap = new ArrayList<>();
        try {
            for (String entry : t.substring(colon + 1).split(";")) {
                if (entry.isBlank()) {
                    continue;
                }
                String[] kv = entry.split("=", 2);
                String name = kv[0].trim();
                if (kv.length != 2 || name.isEmpty()) {
                    throw new NumberFormatException(entry);
                }
                if (name.equalsIgnoreCase("remap")) {
                    for (String pair : kv[1].split(",")) {
                        String[] ft = pair.split(":");
                        remap.add(new int[] {Integer.parseInt(ft[0].trim()), Integer.parseInt(ft[1].trim())});
                    }
                } else {
                    names.add(name);
                    values.add(Arrays.stream(kv[1].split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray());
                }
            }
        } catch (RuntimeException e) {
            throw new MedvpException("labels '" + text + "' is malformed near '" + e.getMessage() + "': write "
                    + kind + ":NAME=v1,v2;NAME=v3[;remap=from:to]");
        }
        return new LabelSpec(kind.equals("classes"), names, values.toArray(new int[0][]),
                remap.toArray(new int[0][]));
    }

    /** @return output channels of the network: the regions, or background plus the classes */
    public int outChannels() {
        return exclusive ? names.size() + 1 : names.size();
    }

    /**
     * @return the data transform making the target channels: one binary channel per region or class (classes
     *     without the background channel, which the loss derives)
     */
    public LabelToRegions transform() {
        return new LabelToRegions(values, remap);
    }

    /**
     * The label value a voxel of region or class {@code k} gets in an output label map: the values of the region not
     * shared with a region nested in it (BraTS: WT → 2, TC → 1, ET → 4), mapped back through the remapping (BraTS
     * 2023's ET → 3), so outputs use the labels of the input data.
     *
     * @param k region or class index
     * @return the label value
     */
    public int outputValue(int k) {
        int value = values[k][0];
        if (!exclusive) {
            for (int v : values[k]) {
                boolean inNested = false;
                for (int j = 0; j < values.length; j++) {
                    if (j != k && values[j].length < values[k].length && contains(values[j], v)) {
                        inNested = true;
                    }
                }
                if (!inNested) {
                    value = v;
                    break;
                }
            }
        }
        for (int[] p : remap) {
            if (p[1] == value && p[0] != value) {
                return p[0];
            }
        }
        return value;
    }

    /**
     * The label map of a prediction: regions painted from the largest to the smallest (nested regions win), each
     * where {@code sigmoid(logit) > 0.5}; classes by the largest logit (channel 0 = background = 0).
     *
     * @param logits one X-fastest array per output channel
     * @return the label value of every voxel
     */
    public int[] labelMap(float[][] logits) {
        if (logits.length != outChannels()) {
            throw new IllegalArgumentException(logits.length + " channels for " + outChannels() + " outputs");
        }
        if (exclusive) {
            int[] arg = Postprocess.argmax(logits);
            int[] lut = new int[outChannels()];
            for (int k = 1; k < lut.length; k++) {
                lut[k] = outputValue(k - 1);
            }
            for (int i = 0; i < arg.length; i++) {
                arg[i] = lut[arg[i]];
            }
            return arg;
        }
        Integer[] order = new Integer[values.length];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(values[b].length, values[a].length));
        List<Postprocess.Paint> paints = new ArrayList<>();
        for (int k : order) {
            paints.add(new Postprocess.Paint(k, outputValue(k)));
        }
        return Postprocess.labelMap(Postprocess.sigmoidMasks(logits, 0.5), paints);
    }

    /**
     * Masks per region or class of a prediction, for Dice.
     *
     * @param logits one X-fastest array per output channel
     * @return one mask per name
     */
    public boolean[][] masks(float[][] logits) {
        if (!exclusive) {
            return Postprocess.sigmoidMasks(logits, 0.5);
        }
        int[] arg = Postprocess.argmax(logits);
        int[] classes = new int[names.size()];
        for (int k = 0; k < classes.length; k++) {
            classes[k] = k + 1;
        }
        return Postprocess.classMasks(arg, classes);
    }

    private static boolean contains(int[] a, int v) {
        return Arrays.stream(a).anyMatch(x -> x == v);
    }

    /** @return the JSON form stored in checkpoint headers */
    @Override
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("kind", exclusive ? "classes" : "regions");
        JsonArray n = new JsonArray();
        names.forEach(n::add);
        o.add("names", n);
        o.add("values", ints(values));
        o.add("remap", ints(remap));
        return o;
    }

    /**
     * @param o the JSON form
     * @return the description
     */
    public static LabelSpec fromJson(JsonObject o) {
        List<String> names = new ArrayList<>();
        o.getAsJsonArray("names").forEach(e -> names.add(e.getAsString()));
        return new LabelSpec("classes".equals(o.get("kind").getAsString()), names, ints(o.getAsJsonArray("values")),
                o.has("remap") ? ints(o.getAsJsonArray("remap")) : new int[0][]);
    }

    private static JsonArray ints(int[][] a) {
        JsonArray out = new JsonArray();
        for (int[] row : a) {
            JsonArray r = new JsonArray();
            Arrays.stream(row).forEach(r::add);
            out.add(r);
        }
        return out;
    }

    private static int[][] ints(JsonArray a) {
        int[][] out = new int[a.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonArray r = a.get(i).getAsJsonArray();
            out[i] = new int[r.size()];
            int j = 0;
            for (JsonElement e : r) {
                out[i][j++] = e.getAsInt();
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSpec l && l.exclusive == exclusive && l.names.equals(names)
                && Arrays.deepEquals(l.values, values) && Arrays.deepEquals(l.remap, remap);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        return (exclusive ? "classes" : "regions") + names;
    }
}
