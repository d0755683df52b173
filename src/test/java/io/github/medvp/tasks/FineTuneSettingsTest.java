package io.github.medvp.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.github.medvp.SettingsException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.transform.RandomFlip;
import io.github.medvp.nn.EncoderAxes;
import io.github.medvp.train.Settings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The BrainMVP recipe settings of fine-tuning: the reference's by default, MedVP's earlier behaviour reachable. */
class FineTuneSettingsTest {

    private static FineTuneSettings.Builder given() {
        return FineTuneSettings.builder().data(Path.of("data")).run(Path.of("run"));
    }

    @Test
    void defaultsAreTheReferencesRecipeAndTheConfigCarriesThem() {
        FineTuneSettings s = given().build();
        assertEquals(TemplateReplacement.Mode.UNIFORM, s.replaceMode());
        assertEquals(3, s.replaceCount());
        assertEquals(1.0, s.replaceProbability());
        assertTrue(s.augmentTemplates());
        assertEquals(TemplateReplacement.PairNorm.SEPARATE, s.pairedNorm());
        assertEquals(RandomFlip.Mode.ALL, s.flips());
        JsonObject json = Settings.json(s);
        assertEquals("uniform", json.get("replace_mode").getAsString());
        assertTrue(json.get("augment_templates").getAsBoolean());
        assertEquals("separate", json.get("paired_norm").getAsString());
        assertEquals("all", json.get("flips").getAsString());
    }

    @Test
    void theEarlierBehaviourIsReachableAndRecorded() {
        FineTuneSettings s = given().templates(true, 0.5, 1, 0.1)
                .replacement(TemplateReplacement.Mode.FIXED, false, TemplateReplacement.PairNorm.JOINT)
                .flips(RandomFlip.Mode.EACH).build();
        JsonObject json = Settings.json(s);
        assertEquals("fixed", json.get("replace_mode").getAsString());
        assertEquals(0.5, json.get("replace_probability").getAsDouble());
        assertEquals(1, json.get("replace_count").getAsInt());
        assertEquals(false, json.get("augment_templates").getAsBoolean());
        assertEquals("joint", json.get("paired_norm").getAsString());
        assertEquals("each", json.get("flips").getAsString());
    }

    @Test
    void aCountAboveTheModalitiesIsCappedWhenUniformAndRefusedWhenFixed() {
        List<Modality> two = List.of(Modality.T1, Modality.FLAIR);
        assertEquals(3, given().modalities(two).build().replaceCount(), "capped when drawn, as the reference");
        SettingsException e = assertThrows(SettingsException.class, () -> given().modalities(two)
                .replacement(TemplateReplacement.Mode.FIXED, true, TemplateReplacement.PairNorm.SEPARATE).build());
        assertTrue(e.getMessage().startsWith("setting 'replace_count': 3 is not allowed"), e.getMessage());
        e = assertThrows(SettingsException.class, () -> given().flips(null).build());
        assertTrue(e.getMessage().startsWith("setting 'flips' is required"), e.getMessage());
    }

    @Test
    void encoderAxesIsAutoByDefaultRecordedAndRefusedWithoutInit() {
        assertEquals(null, given().build().encoderAxes());
        assertTrue(Settings.json(given().build()).get("encoder_axes").isJsonNull());
        FineTuneSettings s = given().init(Path.of("mg3d-bare.pt")).encoderAxes(EncoderAxes.setting("ZYX")).build();
        assertEquals("zyx", Settings.json(s).get("encoder_axes").getAsString());
        assertEquals(null, EncoderAxes.setting("auto"));
        SettingsException e = assertThrows(SettingsException.class, () -> given().encoderAxes(EncoderAxes.ZYX)
                .build());
        assertTrue(e.getMessage().startsWith("setting 'encoder_axes': zyx is not allowed; use auto without init"),
                e.getMessage());
        e = assertThrows(SettingsException.class, () -> EncoderAxes.setting("dhw"));
        assertEquals("setting 'encoder_axes': 'dhw' is not allowed; use auto (the checkpoint's), xyz or zyx",
                e.getMessage());
    }

    @Test
    void theHuWindowDefaultsToMg3dsRecordedAndChecked() {
        FineTuneSettings s = given().build();
        assertArrayEquals(new double[] {-1000, 1000}, s.huWindow());
        assertEquals("[-1000.0,1000.0]", Settings.json(s).get("hu_window").toString());
        FineTuneSettings lung = given().modalities(List.of(Modality.CT)).huWindow(new double[] {-175, 250}).build();
        assertArrayEquals(new double[] {-175, 250}, lung.huWindow());
        assertEquals("[-175.0,250.0]", Settings.json(lung).get("hu_window").toString());
        SettingsException e = assertThrows(SettingsException.class,
                () -> given().huWindow(new double[] {300, -200}).build());
        assertEquals("setting 'hu_window': '300,-200' is not allowed; use two numbers lower,upper in HU with lower "
                + "below upper, e.g. -1000,1000", e.getMessage());
        e = assertThrows(SettingsException.class, () -> given().huWindow(new double[] {5, 5}).build());
        assertTrue(e.getMessage().startsWith("setting 'hu_window': '5,5' is not allowed"), e.getMessage());
        e = assertThrows(SettingsException.class, () -> given().huWindow(new double[] {-1000}).build());
        assertTrue(e.getMessage().startsWith("setting 'hu_window': '-1000' is not allowed"), e.getMessage());
        e = assertThrows(SettingsException.class, () -> given().huWindow(new double[] {-1, 0.5, 2}).build());
        assertTrue(e.getMessage().startsWith("setting 'hu_window': '-1,0.5,2' is not allowed"), e.getMessage());
        e = assertThrows(SettingsException.class, () -> given().huWindow(null).build());
        assertTrue(e.getMessage().startsWith("setting 'hu_window': '' is not allowed"), e.getMessage());
        e = assertThrows(SettingsException.class, () -> Settings.doubles("hu_window", "-1000,wide"));
        assertTrue(e.getMessage().startsWith("setting 'hu_window': '-1000,wide' is not allowed"), e.getMessage());
    }

    @Test
    void replaceCountIsBoundByTheTemplatedModalitiesNotCt() {
        assertEquals(7, given().templates(true, 1, 7, 0.1).build().replaceCount());
        SettingsException e = assertThrows(SettingsException.class, () -> given().templates(true, 1, 8, 0.1).build());
        assertTrue(e.getMessage().startsWith("setting 'replace_count': 8 is not allowed"), e.getMessage());
    }
}
