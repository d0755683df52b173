package io.github.medvp.fiji.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.SettingsException;
import io.github.medvp.pretrain.brainmvp.BrainMvpSettings;
import io.github.medvp.pretrain.mg3d.Mg3dSettings;
import io.github.medvp.tasks.FineTuneSettings;
import io.github.medvp.train.Settings;
import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A command's defaults are the settings record's: a command given only its data and run folder makes the same
 * settings as the record's builder, so the two places a default is written cannot drift apart.
 */
class CommandDefaultsTest {

    private static final Path DATA = Path.of("data");
    private static final Path RUN = Path.of("run");

    private static <C extends TrainCommand> C given(C command) throws ReflectiveOperationException {
        set(command, TrainCommand.class, "data", DATA.toFile());
        set(command, TrainCommand.class, "output", RUN.toFile());
        return command;
    }

    private static void set(Object target, Class<?> owner, String name, Object value)
            throws ReflectiveOperationException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        f.set(target, value);
    }

    @Test
    void brainMvpPretrainMakesTheRecordsDefaults() throws Exception {
        assertEquals(Settings.json(BrainMvpSettings.builder().data(DATA).run(RUN).build()),
                Settings.json(given(new BrainMvpPretrainCommand()).settings()));
    }

    @Test
    void mg3dPretrainMakesTheRecordsDefaults() throws Exception {
        assertEquals(Settings.json(Mg3dSettings.builder().data(DATA).run(RUN).build()),
                Settings.json(given(new Mg3dPretrainCommand()).settings()));
    }

    @Test
    void segmentationFineTuningMakesTheRecordsDefaults() throws Exception {
        assertEquals(Settings.json(FineTuneSettings.builder().data(DATA).run(RUN).build()),
                Settings.json(given(new FineTuneSegmentationCommand()).settings().build()));
    }

    @Test
    void outOfRangeInputsAreRefusedNamingTheSetting() throws Exception {
        FineTuneSegmentationCommand c = given(new FineTuneSegmentationCommand());
        set(c, FineTuneCommand.class, "crop", -32);
        SettingsException e = assertThrows(SettingsException.class, () -> c.settings().build());
        assertTrue(e.getMessage().startsWith("setting 'crop': -32 is not allowed"), e.getMessage());
        Mg3dPretrainCommand m = given(new Mg3dPretrainCommand());
        set(m, Mg3dPretrainCommand.class, "head_lr", 0.0);
        e = assertThrows(SettingsException.class, m::settings);
        assertTrue(e.getMessage().startsWith("setting 'head_lr': 0.0 is not allowed"), e.getMessage());
        BrainMvpPretrainCommand b = given(new BrainMvpPretrainCommand());
        set(b, TrainCommand.class, "workers", -2);
        e = assertThrows(SettingsException.class, b::settings);
        assertTrue(e.getMessage().startsWith("setting 'workers': -2 is not allowed"), e.getMessage());
        FineTuneClassificationCommand f = given(new FineTuneClassificationCommand());
        set(f, FineTuneCommand.class, "hu_window", "250,-175");
        e = assertThrows(SettingsException.class, () -> f.settings().build());
        assertTrue(e.getMessage().startsWith("setting 'hu_window': '250,-175' is not allowed"), e.getMessage());
        set(f, FineTuneCommand.class, "hu_window", "-175,250");
        assertEquals("[-175.0,250.0]", Settings.json(f.settings().build()).get("hu_window").toString());
        set(b, TrainCommand.class, "workers", 0);
        set(b, TrainCommand.class, "output", new File(""));
        e = assertThrows(SettingsException.class, b::settings);
        assertEquals("setting 'output' is required: give a run folder", e.getMessage());
    }
}
