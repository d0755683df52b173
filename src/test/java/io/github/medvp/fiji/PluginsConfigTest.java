package io.github.medvp.fiji;

import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** plugins.config: one bridge entry per MedVP menu command, none colliding with a SciJava title. */
class PluginsConfigTest {

    @Test
    void everyMenuCommandHasOneDistinctMacroLabel() {
        List<PluginsConfig.Entry> entries = PluginsConfig.entries(getClass().getClassLoader());
        try (Context context = new Context(CommandService.class)) {
            Set<String> titles = new HashSet<>();
            int withMenu = 0;
            for (CommandInfo info : context.service(CommandService.class).getCommands()) {
                titles.add(info.getTitle());
                if (info.getMenuPath() != null && !info.getMenuPath().isEmpty()) {
                    titles.add(info.getMenuPath().getLeaf().getName());
                }
                if (info.getDelegateClassName().startsWith("io.github.medvp.") && info.getMenuPath() != null
                        && !info.getMenuPath().isEmpty()) {
                    withMenu++;
                    assertTrue(entries.stream().anyMatch(e -> e.name().equals(info.getName())
                            && e.label().equals(info.getTitle() + " (macro)")), info.getName());
                }
            }
            assertEquals(withMenu, entries.size());
            Set<String> labels = new HashSet<>();
            for (PluginsConfig.Entry e : entries) {
                assertTrue(labels.add(e.label()), "duplicate label " + e.label());
                assertFalse(titles.contains(e.label()), e.label() + " collides with a SciJava command");
                assertTrue(e.menu().startsWith("Plugins>MedVP>Macro"), e.menu());
            }
        }
        // The test-only command has no menu path and is not bridged.
        assertTrue(entries.stream().noneMatch(e -> e.name().equals("test-echo")));
    }

    @Test
    void menuAndLineFormat() throws Exception {
        assertEquals("Plugins>MedVP>Macro>BrainMVP", PluginsConfig.menu("Plugins>MedVP>BrainMVP>Pretrain"));
        assertEquals("Plugins>MedVP>Macro", PluginsConfig.menu("Plugins>MedVP>System Info"));
        String line = new PluginsConfig.Entry("Plugins>MedVP>Macro", "MedVP System Info (macro)", "system-info").line();
        assertEquals("Plugins>MedVP>Macro, \"MedVP System Info (macro)\", "
                + "io.github.medvp.fiji.MacroBridge(\"system-info\")", line);
        // The build wrote the file the jar ships.
        String built = Files.readString(Path.of("target", "classes", "plugins.config"));
        assertTrue(built.contains(line + "\n"), built);
    }
}
