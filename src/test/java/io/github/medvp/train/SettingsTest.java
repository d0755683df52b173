package io.github.medvp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import io.github.medvp.SettingsException;
import io.github.medvp.engine.DeviceList;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsTest {

    enum Size { TINY, LARGE }

    record Example(@Settings.Inline TrainingSettings training, @Settings.Core Size size, int[] grid, double lr,
            @Settings.Core int batchSize, List<String> names) {
    }

    private static Example example() {
        return new Example(new TrainingSettings(Path.of("d"), Path.of("out"), false, 7, DeviceList.parse("cpu"), 2,
                5), Size.TINY, new int[] {1, 2, 3}, 1e-3, 4, List.of("a", "b"));
    }

    @Test
    void theJsonFormListsEveryComponentInSnakeCaseWithTheSharedSettingsInlined() {
        JsonObject o = Settings.json(example());
        assertEquals(List.of("data", "output", "resume", "seed", "device", "workers", "log_every", "size", "grid",
                "lr", "batch_size", "names"), List.copyOf(o.keySet()));
        assertEquals("d", o.get("data").getAsString());
        assertEquals("cpu", o.get("device").getAsString());
        assertEquals("tiny", o.get("size").getAsString());
        assertEquals("[1,2,3]", o.get("grid").toString());
        assertEquals("[\"a\",\"b\"]", o.get("names").toString());
    }

    @Test
    void coreKeysComeFromTheAnnotations() {
        assertEquals(List.of("seed", "size", "batch_size"), Settings.core(example()));
    }

    @Test
    void outOfRangeValuesNameTheSettingTheValueAndWhatIsAllowed() {
        SettingsException e = assertThrows(SettingsException.class, () -> Settings.range("batch", 0, 1, 4096));
        assertEquals("setting 'batch': 0 is not allowed; use a whole number from 1 to 4096", e.getMessage());
        e = assertThrows(SettingsException.class, () -> Settings.positive("lr", Double.NaN, 10));
        assertEquals("setting 'lr': NaN is not allowed; use a number above 0 and at most 10", e.getMessage());
        e = assertThrows(SettingsException.class, () -> Settings.multiple("crop", 40, 32, 32, 1024));
        assertEquals("setting 'crop': 40 is not allowed; use a multiple of 32 from 32 to 1024", e.getMessage());
        e = assertThrows(SettingsException.class, () -> Settings.range("overlap", 1.0, 0, 0.99));
        assertEquals("setting 'overlap': 1.0 is not allowed; use a number from 0 to 0.99", e.getMessage());
        e = assertThrows(SettingsException.class, () -> Settings.choice("optimiser", Adam.Mode.class, "sgd"));
        assertEquals("setting 'optimiser': 'sgd' is not allowed; use one of adam, adamw", e.getMessage());
        e = assertThrows(SettingsException.class, () -> Settings.ints("size", "32,x,32", 3));
        assertEquals("setting 'size': '32,x,32' is not allowed; use 3 whole numbers separated by commas",
                e.getMessage());
        assertThrows(SettingsException.class, () -> Settings.doubles("weights", "1,Infinity"));
        assertEquals("[128, 96, 128]", java.util.Arrays.toString(Settings.ints("size", "128x96x128", 3)));
        assertThrows(SettingsException.class, () -> DeviceList.parse("gpu:x"));
        assertEquals(List.of("gpu:0", "gpu:1"), DeviceList.parse("GPU:0, gpu:1").devices());
    }

    @Test
    void theSharedSettingsAreCheckedWhenMade() {
        assertThrows(SettingsException.class, () -> TrainingSettings.of(Path.of("o"), 1).withWorkers(-2));
        assertThrows(SettingsException.class, () -> TrainingSettings.of(Path.of("o"), 1).withLogEvery(0));
    }
}
