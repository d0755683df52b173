package io.github.medvp.fiji;

import ij.Macro;
import io.github.medvp.MedvpException;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Option strings as ImageJ 1 reads them: every value must be what {@code ij.Macro.getValue} returns. */
class MacroOptionsTest {

    private static final String RECORDED = "data=[/data/my studies] output=/runs/a epochs=5 resume lr=3.0E-4 "
            + "grid=[240,240,155] aliases=[]";

    @Test
    void valuesMatchImageJ1sOwnParser() {
        Map<String, String> m = MacroOptions.parse(RECORDED);
        assertEquals(Map.of("data", "/data/my studies", "output", "/runs/a", "epochs", "5", "resume", "true",
                "lr", "3.0E-4", "grid", "240,240,155", "aliases", ""), m);
        // ImageJ 1 appends a space to options before reading them.
        for (String key : new String[] {"data", "output", "epochs", "lr", "grid", "aliases"}) {
            assertEquals(Macro.getValue(RECORDED + " ", key, "?"), m.get(key), key);
        }
    }

    @Test
    void keysAreCaseInsensitiveAndErrorsNameTheKey() {
        assertEquals("x", MacroOptions.parse("File=x").get("file"));
        assertTrue(assertThrows(MedvpException.class, () -> MacroOptions.parse("data=[/a b"))
                .getMessage().contains("'data'"));
        assertTrue(assertThrows(MedvpException.class, () -> MacroOptions.parse("a=1 a=2"))
                .getMessage().contains("'a' is given twice"));
    }

    @Test
    void absentCheckboxesAreFalseOtherSettingsKeepDefaults() {
        try (Context context = new Context(CommandService.class)) {
            CommandInfo info = new MedvpCommands(context).find("brainmvp-pretrain");
            Map<String, Object> in = MacroOptions.inputs(info, "DATA=[/d] output=/o epochs=2");
            assertEquals(Map.of("data", "/d", "output", "/o", "epochs", "2", "resume", "false", "skip_bad", "false"),
                    in);
            assertEquals("true", MacroOptions.inputs(info, "data=/d output=/o resume").get("resume"));
        }
    }
}
