package io.github.medvp.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.medvp.SettingsException;
import io.github.medvp.engine.DeviceList;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * What every workflow's settings record shares: its JSON form, which is both the run folder's {@code config.json} and
 * what a resumed run is compared against, and the range checks its compact constructor runs.
 * <p>
 * The JSON form is read off the record's components, so a new setting is a new component and nothing else: its key
 * is the component's name in snake case (the name users give on the command line), enums are lower case, paths
 * strings, and a component that is itself a record annotated {@link Inline} (the settings every trainer shares,
 * {@link TrainingSettings}) contributes its keys at the top level. Components annotated {@link Core} fix what the
 * run's checkpoints hold (model size, crop, method): a run resumes only with the same values.
 */
public final class Settings {

    private Settings() {
    }

    /** A setting that must not change when a run resumes. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Core {
    }

    /** A component whose own components are written at the top level of the JSON form. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Inline {
    }

    /** A value with a JSON form of its own (a label scheme), written as that form. */
    public interface Json {
        /** @return the JSON form */
        JsonElement toJson();
    }

    /**
     * @param settings a settings record
     * @return its JSON form: every component, in declaration order
     */
    public static JsonObject json(Record settings) {
        JsonObject o = new JsonObject();
        write(settings, o);
        return o;
    }

    /**
     * @param settings a settings record
     * @return the JSON keys of its {@link Core} components (inlined records included)
     */
    public static List<String> core(Record settings) {
        List<String> keys = new ArrayList<>();
        for (RecordComponent c : settings.getClass().getRecordComponents()) {
            if (c.isAnnotationPresent(Inline.class)) {
                keys.addAll(core((Record) value(settings, c)));
            } else if (c.isAnnotationPresent(Core.class)) {
                keys.add(key(c.getName()));
            }
        }
        return keys;
    }

    /**
     * @param name a component name ({@code batchSize})
     * @return the setting's name as users write it ({@code batch_size})
     */
    public static String key(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static void write(Record settings, JsonObject o) {
        for (RecordComponent c : settings.getClass().getRecordComponents()) {
            Object v = value(settings, c);
            if (c.isAnnotationPresent(Inline.class)) {
                write((Record) v, o);
            } else {
                o.add(key(c.getName()), element(v));
            }
        }
    }

    private static Object value(Record r, RecordComponent c) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("settings component " + c.getName() + " is not readable", e);
        }
    }

    private static JsonElement element(Object v) {
        if (v == null) {
            return JsonNull.INSTANCE;
        } else if (v instanceof Number n) {
            return new JsonPrimitive(n);
        } else if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        } else if (v instanceof Enum<?> e) {
            return new JsonPrimitive(e.name().toLowerCase(Locale.ROOT));
        } else if (v instanceof DeviceList d) {
            return new JsonPrimitive(d.toString());
        } else if (v instanceof Json j) {
            return j.toJson();
        } else if (v instanceof Record r) {
            return json(r);
        } else if (v instanceof int[] a) {
            JsonArray out = new JsonArray();
            for (int x : a) {
                out.add(x);
            }
            return out;
        } else if (v instanceof double[] a) {
            JsonArray out = new JsonArray();
            for (double x : a) {
                out.add(x);
            }
            return out;
        } else if (v instanceof Collection<?> list) {
            JsonArray out = new JsonArray();
            for (Object x : list) {
                out.add(element(x));
            }
            return out;
        }
        // Paths, device lists and anything else users write as text.
        return new JsonPrimitive(v instanceof Path p ? p.toString() : v.toString());
    }

    /**
     * @param setting the setting's name
     * @param value its value
     * @param min the smallest allowed
     * @param max the largest allowed
     * @return {@code value}
     * @throws SettingsException outside [min, max]
     */
    public static int range(String setting, int value, int min, int max) {
        if (value < min || value > max) {
            throw SettingsException.of(setting, value, max == Integer.MAX_VALUE ? "at least " + min
                    : "a whole number from " + min + " to " + max);
        }
        return value;
    }

    /**
     * @param setting the setting's name
     * @param value its value
     * @param min the smallest allowed
     * @param max the largest allowed
     * @return {@code value}
     * @throws SettingsException outside [min, max]
     */
    public static long range(String setting, long value, long min, long max) {
        if (value < min || value > max) {
            throw SettingsException.of(setting, value, max == Long.MAX_VALUE ? "at least " + min
                    : "a whole number from " + min + " to " + max);
        }
        return value;
    }

    /**
     * A closed range [min, max]; NaN and infinities are refused whatever the bounds.
     *
     * @param setting the setting's name
     * @param value its value
     * @param min the smallest allowed
     * @param max the largest allowed
     * @return {@code value}
     * @throws SettingsException outside the range
     */
    public static double range(String setting, double value, double min, double max) {
        if (!Double.isFinite(value) || value < min || value > max) {
            throw SettingsException.of(setting, value, "a number from " + num(min) + " to " + num(max));
        }
        return value;
    }

    /**
     * @param setting the setting's name
     * @param value its value
     * @param max the largest allowed
     * @return {@code value}
     * @throws SettingsException unless 0 < value <= max
     */
    public static double positive(String setting, double value, double max) {
        if (!Double.isFinite(value) || value <= 0 || value > max) {
            throw SettingsException.of(setting, value, "a number above 0 and at most " + num(max));
        }
        return value;
    }

    /**
     * @param setting the setting's name
     * @param value its value
     * @param multiple what it must be a multiple of
     * @param min the smallest allowed
     * @param max the largest allowed
     * @return {@code value}
     * @throws SettingsException unless a multiple of {@code multiple} in [min, max]
     */
    public static int multiple(String setting, int value, int multiple, int min, int max) {
        if (value < min || value > max || value % multiple != 0) {
            throw SettingsException.of(setting, value, "a multiple of " + multiple + " from " + min + " to " + max);
        }
        return value;
    }

    /**
     * @param setting the setting's name
     * @param value the value, which must be given
     * @param what what it is, for the message ({@code a run folder})
     * @param <T> its type
     * @return {@code value}
     * @throws SettingsException when it is null
     */
    public static <T> T required(String setting, T value, String what) {
        if (value == null || value instanceof Path p && p.toString().isEmpty()) {
            throw new SettingsException("setting '" + setting + "' is required: give " + what);
        }
        return value;
    }

    /**
     * @param setting the setting's name
     * @param values its values
     * @param length how many there must be
     * @return {@code values}
     * @throws SettingsException when the count differs
     */
    public static double[] length(String setting, double[] values, int length) {
        if (values == null || values.length != length) {
            throw SettingsException.of(setting, values == null ? "''" : java.util.Arrays.toString(values),
                    length + " numbers separated by commas");
        }
        return values;
    }

    /**
     * @param setting the setting's name
     * @param value numbers as users write them, separated by commas or spaces
     * @return the numbers, none for blank
     * @throws SettingsException naming the setting for a part that is not a number
     */
    public static double[] doubles(String setting, String value) {
        if (value == null || value.isBlank()) {
            return new double[0];
        }
        String[] parts = value.trim().split("\\s*[, ]\\s*", -1);
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i]);
            } catch (NumberFormatException e) {
                throw SettingsException.of(setting, "'" + value + "'", "numbers separated by commas");
            }
            if (!Double.isFinite(out[i])) {
                throw SettingsException.of(setting, "'" + value + "'", "finite numbers separated by commas");
            }
        }
        return out;
    }

    /**
     * @param setting the setting's name
     * @param value whole numbers separated by commas, spaces or {@code x} ({@code 128x96x128})
     * @param length how many there must be
     * @return the numbers
     * @throws SettingsException naming the setting when a part is not a whole number or the count differs
     */
    public static int[] ints(String setting, String value, int length) {
        String[] parts = value == null ? new String[0] : value.trim().split("\\s*[,x ]\\s*", -1);
        if (parts.length != length) {
            throw SettingsException.of(setting, "'" + value + "'", length + " whole numbers separated by commas");
        }
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw SettingsException.of(setting, "'" + value + "'", length + " whole numbers separated by commas");
            }
        }
        return out;
    }

    /**
     * @param setting the setting's name
     * @param type the enum
     * @param value its name in any case ({@code adamw})
     * @param <E> the enum
     * @return the constant
     * @throws SettingsException naming the setting and the allowed names
     */
    public static <E extends Enum<E>> E choice(String setting, Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw SettingsException.of(setting, "'" + value + "'", "one of " + String.join(", ", names));
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
