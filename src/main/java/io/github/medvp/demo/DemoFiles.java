package io.github.medvp.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.github.medvp.data.manifest.Split;
import io.github.medvp.io.AtomicFiles;
import io.github.medvp.tasks.metrics.MetricsReport;

/**
 * The index files of generated data: manifests ({@code StudyManifest.readJson} format, paths relative to the
 * manifest's folder so the data folder can move), {@code labels.csv} and CT-RATE's {@code reports.csv}.
 */
final class DemoFiles {

    /** Label columns of {@code reports.csv}, 0/1. */
    static final List<String> REPORT_LABELS = List.of("Lesion", "Enhancement", "Necrosis", "Oedema", "Midline shift");

    /** Class names of the CT lesion classification task, index = class. */
    static final List<String> CT_CLASSES = List.of("no lesion", "lesion");

    private DemoFiles() {
    }

    static void writeMriManifest(List<PhantomGenerator.Generated> studies, Path base, Path json, byte etLabel)
            throws IOException {
        JsonObject root = new JsonObject();
        root.addProperty("name", "MedVP demo phantoms");
        JsonObject labels = new JsonObject();
        labels.addProperty("0", "background");
        labels.addProperty("1", "NCR");
        labels.addProperty("2", "ED");
        labels.addProperty(String.valueOf(etLabel), "ET");
        root.add("labels", labels);
        JsonObject classes = new JsonObject();
        classes.addProperty("0", "low grade");
        classes.addProperty("1", "high grade");
        root.add("classes", classes);
        for (Split split : Split.values()) {
            JsonArray list = new JsonArray();
            for (PhantomGenerator.Generated g : studies) {
                if (g.split() != split) {
                    continue;
                }
                JsonObject r = new JsonObject();
                r.addProperty("id", g.id());
                JsonArray images = new JsonArray();
                for (Path p : g.images()) {
                    images.add(relative(base, p));
                }
                r.add("image", images);
                r.addProperty("label", relative(base, g.label()));
                r.addProperty("class", g.classLabel());
                list.add(r);
            }
            root.add(split.key(), list);
        }
        writeJson(root, json);
    }

    static void writeCtManifest(List<PhantomGenerator.Generated> volumes, Path base, Path json) throws IOException {
        JsonObject root = new JsonObject();
        root.addProperty("name", "MedVP demo head CT with reports");
        for (Split split : Split.values()) {
            JsonArray list = new JsonArray();
            for (PhantomGenerator.Generated g : volumes) {
                if (g.split() != split) {
                    continue;
                }
                JsonObject r = new JsonObject();
                r.addProperty("id", g.id());
                r.addProperty("image", relative(base, g.images().get(0)));
                r.addProperty("report", g.findingsText() + " " + g.impressionText());
                list.add(r);
            }
            if (!list.isEmpty()) {
                root.add(split.key(), list);
            }
        }
        writeJson(root, json);
    }

    /**
     * The CT lesion classification task: the first {@code labelled} MG-3D training volumes for fine-tuning (a few
     * labelled volumes beside many pre-training pairs, as the paper's transfer setting) and the validation volumes
     * (held out from MG-3D pre-training too) as its test split; class 1 when the volume has a lesion, one {@code ct}
     * channel.
     */
    static void writeCtClassification(List<PhantomGenerator.Generated> volumes, int labelled, Path base, Path json)
            throws IOException {
        JsonObject root = new JsonObject();
        root.addProperty("name", "MedVP demo head CT: lesion or none");
        JsonArray modalities = new JsonArray();
        modalities.add("ct");
        root.add("modalities", modalities);
        JsonObject classes = new JsonObject();
        classes.addProperty("0", CT_CLASSES.get(0));
        classes.addProperty("1", CT_CLASSES.get(1));
        root.add("classes", classes);
        JsonArray training = new JsonArray();
        JsonArray test = new JsonArray();
        for (PhantomGenerator.Generated g : volumes) {
            JsonObject r = new JsonObject();
            r.addProperty("id", g.id());
            r.addProperty("image", relative(base, g.images().get(0)));
            r.addProperty("class", g.findings().lesion() ? 1 : 0);
            if (g.split() != Split.TRAINING) {
                test.add(r);
            } else if (training.size() < labelled) {
                training.add(r);
            }
        }
        root.add(Split.TRAINING.key(), training);
        root.add(Split.TEST.key(), test);
        writeJson(root, json);
    }

    static void writeLabels(List<PhantomGenerator.Generated> studies, Path csv) throws IOException {
        StringBuilder sb = new StringBuilder("case,class,grade,split\n");
        for (PhantomGenerator.Generated g : studies) {
            sb.append(g.id()).append(',').append(g.classLabel()).append(',')
                    .append(g.findings().lesion() ? g.classLabel() == 1 ? "high" : "low" : "none").append(',')
                    .append(g.split().key()).append('\n');
        }
        AtomicFiles.write(csv, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void writeReports(List<PhantomGenerator.Generated> volumes, Path csv) throws IOException {
        StringBuilder sb = new StringBuilder(
                "VolumeName,ClinicalInformation_EN,Technique_EN,Findings_EN,Impressions_EN");
        for (String l : REPORT_LABELS) {
            sb.append(',').append(MetricsReport.cell(l));
        }
        sb.append('\n');
        String[] clinical = { "Headache.", "Seizure.", "Not given.", "Dizziness, rule out mass.",
            "Follow-up." };
        int i = 0;
        for (PhantomGenerator.Generated g : volumes) {
            Findings f = g.findings();
            // The clinical line cycles independently of the findings so it carries no label information.
            sb.append(g.id()).append(".nii.gz,").append(MetricsReport.cell(clinical[i++ % clinical.length]))
                    .append(',').append(MetricsReport.cell(technique(g))).append(',')
                    .append(MetricsReport.cell(g.findingsText())).append(',')
                    .append(MetricsReport.cell(g.impressionText()));
            for (boolean b : new boolean[] { f.lesion(), f.enhancing(), f.necrosis(), f.oedema(),
                f.midlineShift() }) {
                sb.append(',').append(b ? 1 : 0);
            }
            sb.append('\n');
        }
        AtomicFiles.write(csv, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String technique(PhantomGenerator.Generated g) {
        return Reports.technique(sliceThickness(g.affine()));
    }

    /** Spacing of the third voxel axis, the slice thickness. */
    private static double sliceThickness(double[][] a) {
        return Math.sqrt(a[0][2] * a[0][2] + a[1][2] * a[1][2] + a[2][2] * a[2][2]);
    }

    private static String relative(Path base, Path p) {
        return base.toAbsolutePath().relativize(p.toAbsolutePath()).toString().replace('\\', '/');
    }

    private static void writeJson(JsonObject root, Path json) throws IOException {
        AtomicFiles.write(json, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root)
                .getBytes(StandardCharsets.UTF_8));
    }
}
