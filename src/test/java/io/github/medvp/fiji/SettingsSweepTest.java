package io.github.medvp.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.module.ModuleItem;

/**
 * Every numeric setting of every command, given a negative number, NaN or a huge number, is refused before any work
 * in one line naming it, with exit status 2: never a stack trace, never a bug. (Zero is allowed by many settings, where
 * it means "off" or "the preset's", and is checked by the records' own tests.)
 */
class SettingsSweepTest {

    /** Commands that read no numbers a user can get wrong, or that only report on the machine. */
    private static final Set<String> SKIPPED = Set.of("install-engine", "system-info", "test-echo");

    /** Settings that take any whole number (seeds), or -1 as a meaning of its own (no template warm-up). */
    private static final Set<String> ALLOWED = Set.of("seed=-1", "seed=99999999", "warmup_epochs=-1");

    @TempDir
    Path dir;

    @Test
    void everyNumericSettingIsRangeChecked() throws Exception {
        List<String> failures = new ArrayList<>();
        int tried = 0;
        try (Context context = new Context()) {
            MedvpCommands commands = new MedvpCommands(context);
            for (String name : List.of("bench", "brainmvp-pretrain", "classify", "demo", "evaluate",
                    "brainmvp-export-templates", "features", "finetune-cls", "finetune-seg", "demo-data", "inspect",
                    "mg3d-pretrain", "retrieve", "segment", "zeroshot")) {
                CommandInfo info = commands.find(name);
                if (info == null || SKIPPED.contains(name)) {
                    continue;
                }
                List<ModuleItem<?>> inputs = MedvpCommands.userInputs(info);
                for (ModuleItem<?> item : inputs) {
                    Class<?> t = item.getType();
                    boolean real = t == double.class || t == Double.class || t == float.class;
                    boolean whole = t == int.class || t == Integer.class || t == long.class || t == Long.class;
                    if (!real && !whole) {
                        continue;
                    }
                    if (item.getName().equals("seed")) {
                        continue;
                    }
                    for (String value : real ? List.of("-1", "NaN", "1e12") : List.of("-1", "99999999")) {
                        tried++;
                        String problem = check(name, inputs, item.getName(), value);
                        if (problem != null) {
                            failures.add(problem);
                        }
                    }
                }
            }
        }
        assertTrue(tried > 60, "swept " + tried + " values");
        assertEquals(List.of(), failures);
    }

    /** @return what went wrong, or null */
    private String check(String command, List<ModuleItem<?>> inputs, String setting, String value)
            throws Exception {
        Path missing = dir.resolve("missing-" + command);
        List<String> args = new ArrayList<>(List.of(command));
        for (ModuleItem<?> item : inputs) {
            if (item.isRequired() && item.getType() == File.class && !item.getName().equals(setting)) {
                args.add(item.getName() + "=" + missing.resolve(item.getName()));
            }
        }
        args.add(setting + "=" + value);
        Launched launched = Launched.run(args);
        int status = launched.status();
        String e = launched.err();
        String at = command + " " + setting + "=" + value + ": status " + status + ", " + e.strip();
        if (e.contains("bug") || e.contains("\tat ") || e.strip().contains("\n")) {
            return at + " (not one line)";
        }
        if (ALLOWED.contains(setting + "=" + value)) {
            return null;
        }
        if (status != 2) {
            return at + " (accepted)";
        }
        if (!e.contains("'" + setting + "'")) {
            return at + " (does not name the setting)";
        }
        if (Files.exists(missing)) {
            return at + " (wrote " + missing + ")";
        }
        return null;
    }
}
