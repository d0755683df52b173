package io.github.medvp.fiji;

import io.github.medvp.MedvpException;
import org.scijava.command.CommandInfo;
import org.scijava.module.ModuleItem;
import org.scijava.util.Types;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ImageJ 1 macro option strings, as macro recording writes them: {@code data=[/path with spaces] epochs=5 resume}.
 * <p>
 * The rules are ImageJ 1's ({@code ij.Macro.getValue} and {@code GenericDialog}): {@code key=value} ends at the next
 * space, {@code key=[value]} at the closing bracket; a key alone is a ticked checkbox. A boolean setting whose key is
 * absent is therefore false, exactly as a recorded dialog with the box unticked; every other setting that is absent
 * keeps the command's default. Keys are the setting names of {@code ./medvp help <command>}, case-insensitive.
 */
final class MacroOptions {

    private MacroOptions() {
    }

    /**
     * Splits an option string into keys (lower case) and values; a bare key maps to {@code "true"}.
     *
     * @throws MedvpException when a bracket is not closed or a key is given twice
     */
    static Map<String, String> parse(String options) {
        Map<String, String> out = new LinkedHashMap<>();
        String s = options == null ? "" : options;
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && s.charAt(i) == ' ') {
                i++;
            }
            if (i >= n) {
                break;
            }
            int keyStart = i;
            while (i < n && s.charAt(i) != ' ' && s.charAt(i) != '=') {
                i++;
            }
            String key = s.substring(keyStart, i).toLowerCase(Locale.ROOT);
            String value = "true";
            if (i < n && s.charAt(i) == '=') {
                i++;
                if (i < n && s.charAt(i) == '[') {
                    int close = s.indexOf(']', i + 1);
                    if (close < 0) {
                        throw new MedvpException("macro options: the value of '" + key + "' opens '[' without a "
                                + "closing ']'");
                    }
                    value = s.substring(i + 1, close);
                    i = close + 1;
                } else {
                    int start = i;
                    while (i < n && s.charAt(i) != ' ') {
                        i++;
                    }
                    value = s.substring(start, i);
                }
            }
            if (out.put(key, value) != null) {
                throw new MedvpException("macro options: '" + key + "' is given twice");
            }
        }
        return out;
    }

    /**
     * The command's inputs from an option string: keys matched to setting names, booleans absent set to false.
     *
     * @throws MedvpException naming an unknown key and listing the command's settings
     */
    static Map<String, Object> inputs(CommandInfo info, String options) {
        Map<String, String> given = parse(options);
        List<ModuleItem<?>> items = MedvpCommands.userInputs(info);
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            ModuleItem<?> item = items.stream().filter(it -> it.getName().equalsIgnoreCase(e.getKey())).findFirst()
                    .orElse(null);
            // Unknown keys are left for MedvpCommands.checkInputs, which names them and lists the settings.
            inputs.put(item == null ? e.getKey() : item.getName(), e.getValue());
        }
        for (ModuleItem<?> item : items) {
            if (Types.box(item.getType()) == Boolean.class && !inputs.containsKey(item.getName())) {
                inputs.put(item.getName(), "false");
            }
        }
        return inputs;
    }

    /**
     * Formats one value as a recorder would: bracketed when it holds a space or is empty.
     */
    static String format(String key, Object value) {
        String text = String.valueOf(value);
        return key + "=" + (text.isEmpty() || text.indexOf(' ') >= 0 || text.indexOf('[') >= 0
                ? "[" + text + "]" : text);
    }
}
