package io.github.medvp.fiji;

import io.github.medvp.MedvpException;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.module.ModuleItem;
import org.scijava.service.Service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * MedVP's commands as SciJava knows them, found by short name or by title, with their user-facing inputs.
 */
public final class MedvpCommands {

    private static final String PACKAGE = "io.github.medvp.";

    private final Context context;
    private final List<CommandInfo> commands = new ArrayList<>();

    MedvpCommands(Context context) {
        this.context = context;
        for (CommandInfo info : context.service(CommandService.class).getCommands()) {
            if (info.getDelegateClassName().startsWith(PACKAGE) && info.getName() != null) {
                commands.add(info);
            }
        }
        commands.sort(Comparator.comparing(CommandInfo::getName));
    }

    /** The command whose short name, title or class name is {@code key}, or null. */
    CommandInfo find(String key) {
        String title = key.replace('_', ' ');
        for (CommandInfo info : commands) {
            if (key.equals(info.getName()) || title.equals(info.getTitle())
                    || key.equals(info.getDelegateClassName())) {
                return info;
            }
        }
        return null;
    }

    /** The inputs a user sets: not services, not the context, not Fiji-resolved images. */
    static List<ModuleItem<?>> userInputs(CommandInfo info) {
        List<ModuleItem<?>> items = new ArrayList<>();
        for (ModuleItem<?> item : info.inputs()) {
            Class<?> type = item.getType();
            if (Service.class.isAssignableFrom(type) || Context.class.isAssignableFrom(type)
                    || type.getName().startsWith("ij.") || item.getVisibility() == org.scijava.ItemVisibility.MESSAGE) {
                continue;
            }
            items.add(item);
        }
        return items;
    }

    /** Rejects unknown settings and values that cannot become the input's type, naming the setting. */
    void checkInputs(CommandInfo info, Map<String, Object> inputs) {
        ConvertService convert = context.service(ConvertService.class);
        List<ModuleItem<?>> known = userInputs(info);
        for (Map.Entry<String, Object> e : inputs.entrySet()) {
            ModuleItem<?> item = known.stream().filter(i -> i.getName().equals(e.getKey())).findFirst()
                    .orElseThrow(() -> new MedvpException("'" + info.getName() + "' has no setting '" + e.getKey()
                            + "'; its settings are: " + names(known)));
            Object value = e.getValue();
            if (value != null && !convertible(convert, value, item.getType())) {
                throw new MedvpException("setting '" + e.getKey() + "' of '" + info.getName() + "': '" + value
                        + "' is not " + describe(item.getType()));
            }
            List<?> choices = item.getChoices();
            if (choices != null && !choices.isEmpty() && !choices.contains(String.valueOf(value))) {
                throw new MedvpException("setting '" + e.getKey() + "' of '" + info.getName() + "' must be one of "
                        + choices + ", got '" + value + "'");
            }
        }
    }

    /** ConvertService claims it can turn any string into a number; check that it really does. */
    private static boolean convertible(ConvertService convert, Object value, Class<?> type) {
        if (type.isInstance(value)) {
            return true;
        }
        Class<?> boxed = org.scijava.util.Types.box(type);
        if (value instanceof String && (Number.class.isAssignableFrom(boxed) || boxed == Boolean.class)) {
            String text = ((String) value).trim();
            if (boxed == Boolean.class) {
                return text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false");
            }
            try {
                java.math.BigDecimal number = new java.math.BigDecimal(text);
                boolean whole = boxed == Integer.class || boxed == Long.class || boxed == Short.class
                        || boxed == Byte.class;
                return !whole || number.stripTrailingZeros().scale() <= 0;
            } catch (NumberFormatException ex) {
                return false;
            }
        }
        return convert.supports(value, type) && convert.convert(value, type) != null;
    }

    private static String describe(Class<?> type) {
        Class<?> boxed = org.scijava.util.Types.box(type);
        if (boxed == Integer.class || boxed == Long.class || boxed == Short.class || boxed == Byte.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(boxed)) {
            return "a number";
        }
        if (boxed == Boolean.class) {
            return "true or false";
        }
        return "a " + type.getSimpleName();
    }

    private static String names(List<ModuleItem<?>> items) {
        return items.isEmpty() ? "(none)"
                : String.join(", ", items.stream().map(ModuleItem::getName).toArray(String[]::new));
    }

    String overview() {
        StringBuilder sb = new StringBuilder("MedVP commands (./medvp <name> key=value ...  or  ./medvp --run "
                + "\"<title>\" \"key='value',...\"):\n");
        int w = commands.stream().mapToInt(c -> c.getName().length()).max().orElse(0);
        for (CommandInfo c : commands) {
            sb.append(String.format("  %-" + w + "s  %s%s\n", c.getName(), c.getTitle(),
                    c.getDescription() == null || c.getDescription().isEmpty() ? "" : ": " + c.getDescription()));
        }
        sb.append("Run ./medvp help <name> for a command's settings.\n");
        return sb.toString();
    }

    String usage(CommandInfo info) {
        StringBuilder sb = new StringBuilder(info.getName() + " (\"" + info.getTitle() + "\")");
        if (info.getDescription() != null && !info.getDescription().isEmpty()) {
            sb.append(": ").append(info.getDescription());
        }
        sb.append('\n');
        // A fresh instance holds the field initialisers, which are the defaults the launcher applies.
        org.scijava.module.Module fresh = context.service(org.scijava.module.ModuleService.class).createModule(info);
        for (ModuleItem<?> item : userInputs(info)) {
            sb.append("  ").append(item.getName()).append(" (").append(item.getType().getSimpleName());
            if (item.getChoices() != null && !item.getChoices().isEmpty()) {
                sb.append(", one of ").append(item.getChoices());
            }
            Object value = item.getValue(fresh);
            if (!item.isRequired() && value != null && !String.valueOf(value).isEmpty()) {
                sb.append(", default ").append(value);
            }
            sb.append(item.isRequired() ? ")" : ", optional)");
            if (item.getDescription() != null && !item.getDescription().isEmpty()) {
                sb.append("  ").append(item.getDescription());
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
