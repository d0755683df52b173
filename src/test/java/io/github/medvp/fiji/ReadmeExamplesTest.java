package io.github.medvp.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ./medvp} line of the README's code blocks runs as written on generated data: the README's file names
 * stand for generated files, and each command gets the tiny sizes of the tests (one epoch, 32³ crops, the CPU) on top
 * of what the README gives. A README example that stops working, or a new one naming a file this test does not know,
 * fails here.
 */
class ReadmeExamplesTest {

    /** Lines that need a GPU, the network or a whole demo run; the demo has its own tests. */
    private static final Set<String> SKIPPED = Set.of("demo", "help", "install-engine");

    /** The test's sizes, added to each command's own settings (replacing the README's where both give one). */
    private static final Map<String, String> TINY = Map.of(
            "brainmvp-pretrain", "preset=tiny epochs=1 crop=32 grid=80,80,72 batch=2 accumulation=1 workers=1",
            "mg3d-pretrain", "preset=tiny epochs=1 batch=2 size=32,32,32",
            "finetune-seg", "preset=tiny epochs=1 crop=32 batch=2 workers=1 validate_every=1",
            "finetune-cls", "preset=tiny epochs=1 crop=32 batch=2 workers=1 validate_every=1",
            "demo-data", "studies=6",
            "bench", "preset=tiny batch=1 repeats=1");

    /** Commands that take a device: the CPU here. */
    private static final Set<String> DEVICE = Set.of("brainmvp-pretrain", "features", "mg3d-pretrain", "zeroshot",
            "retrieve", "finetune-seg", "finetune-cls", "segment", "classify", "bench");

    @TempDir
    Path dir;

    @Test
    void everyExampleRunsOnGeneratedData() throws IOException {
        Path readme = Path.of("README.md");
        Assumptions.assumeTrue(Files.isRegularFile(readme), "README.md not found from " + Path.of("").toAbsolutePath());
        Path gen = dir.resolve("generated");
        Launched.run(List.of("demo-data", "output=" + gen, "studies=8", "ct=true", "ct_studies=8",
                "brats2023=true", "seed=3")).expect(0);
        Map<String, Path> files = files(gen);
        List<String> examples = examples(readme);
        assertTrue(examples.size() >= 15, "README examples: " + examples);
        for (String line : examples) {
            List<String> args = args(line, files);
            if (args.isEmpty()) {
                continue;
            }
            Launched launched = Launched.run(args);
            assertEquals(0, launched.status(), () -> line + "\nran as " + args + "\n" + launched.err());
        }
    }

    /** The README's example file names and what stands for them. */
    private Map<String, Path> files(Path gen) throws IOException {
        Path mri = gen.resolve("mri");
        Path t1;
        try (Stream<Path> s = Files.walk(mri)) {
            t1 = s.filter(p -> p.getFileName().toString().endsWith("_t1.nii.gz")).sorted().findFirst().orElseThrow();
        }
        // The same studies without their T2 files: a modality to fill.
        Path noT2 = dir.resolve("no_t2");
        try (Stream<Path> s = Files.walk(mri)) {
            for (Path p : s.filter(p -> !p.getFileName().toString().contains("_t2.")).toList()) {
                Path to = noT2.resolve(mri.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Files.createDirectories(dir.resolve("out"));
        Map<String, Path> m = new LinkedHashMap<>();
        m.put("studies/", mri);
        m.put("brats/", mri);
        m.put("brats-val/", mri);
        m.put("new_studies/", mri);
        m.put("no_t2/", noT2);
        m.put("brain.nii.gz", t1);
        m.put("t1.nii.gz", t1);
        m.put("ct/reports.csv", gen.resolve("ct").resolve("train_reports.csv"));
        m.put("ct/val.csv", gen.resolve("ct").resolve("validation_reports.csv"));
        // The generator's case,class table: the classes of its studies.
        m.put("grades.csv", gen.resolve("labels.csv"));
        return m;
    }

    /** The {@code ./medvp} lines of the README's fenced code blocks, comments removed. */
    static List<String> examples(Path readme) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean code = false;
        for (String l : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
            if (l.startsWith("```")) {
                code = !code;
            } else if (code && l.startsWith("./medvp ")) {
                int hash = l.indexOf(" #");
                lines.add((hash >= 0 ? l.substring(0, hash) : l).strip());
            }
        }
        return lines;
    }

    /** The launcher's arguments for one README line, or none when it is skipped. */
    private List<String> args(String line, Map<String, Path> files) {
        List<String> words = words(line.substring("./medvp ".length()));
        String command = words.get(0);
        if (SKIPPED.contains(command)) {
            return List.of();
        }
        if (command.equals("--run")) {
            // Fiji's form: the title and one argument string, names quoted as Fiji's macro recorder writes them.
            String settings = words.get(2);
            for (Map.Entry<String, Path> f : files.entrySet()) {
                settings = settings.replace("'" + f.getKey() + "'", "'" + f.getValue() + "'");
            }
            return List.of("--run", words.get(1), settings);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String w : words.subList(1, words.size())) {
            int eq = w.indexOf('=');
            String key = w.substring(0, eq);
            settings.put(key, value(w.substring(eq + 1), files));
        }
        for (String w : TINY.getOrDefault(command, "").split(" ")) {
            if (!w.isEmpty()) {
                settings.put(w.substring(0, w.indexOf('=')), w.substring(w.indexOf('=') + 1));
            }
        }
        if (DEVICE.contains(command)) {
            settings.put("device", "cpu");
        }
        if (command.equals("demo-data")) {
            // Its README folder name is the data the other examples read: generate beside it instead.
            settings.put("output", dir.resolve("demo-data").toString());
        }
        List<String> args = new ArrayList<>(List.of(command));
        settings.forEach((k, v) -> args.add(k + "=" + v));
        return args;
    }

    /** A README value: a known example file, another relative path (in the test folder) or the value itself. */
    private String value(String v, Map<String, Path> files) {
        if (files.containsKey(v)) {
            return files.get(v).toString();
        }
        boolean path = v.contains("/") || v.matches(".*\\.(nii\\.gz|csv|json|safetensors|pt)");
        if (path && (v.startsWith("runs/") || !v.contains("."))) {
            return dir.resolve(v).toString();
        }
        if (path) {
            // Outputs the README names (x4.nii.gz, classes.csv) are written in the test folder.
            return dir.resolve("out").resolve(v).toString();
        }
        return v;
    }

    /** Words split at spaces outside double quotes, the quotes removed. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        for (char c : s.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ' ' && !quoted) {
                if (w.length() > 0) {
                    out.add(w.toString());
                    w.setLength(0);
                }
            } else {
                w.append(c);
            }
        }
        if (w.length() > 0) {
            out.add(w.toString());
        }
        return out;
    }
}
