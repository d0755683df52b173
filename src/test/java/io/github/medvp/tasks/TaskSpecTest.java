package io.github.medvp.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.nn.EncoderAxes;
import io.github.medvp.nn.EncoderPreset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CT parts of a fine-tuned model's header: modality {@code ct}, the HU window and its default. */
class TaskSpecTest {

    private static TaskSpec ct(double[] window) {
        return new TaskSpec(TaskSpec.Task.CLASSIFICATION, EncoderPreset.SWIN_TINY, EncoderAxes.ZYX,
                List.of(Modality.CT), null, List.of("no", "yes"), 64, null, window);
    }

    @Test
    void theHeaderCarriesCtAndItsWindowThroughARoundTrip() {
        TaskSpec spec = ct(new double[] {-175, 250});
        JsonObject h = spec.toJson();
        assertEquals("[\"ct\"]", h.get("modalities").toString());
        assertEquals("[-175.0,250.0]", h.get("hu_window").toString());
        assertEquals("HU window [-175, 250] to [0, 1] with clipping, RAS, 1 mm", h.get("normalisation").getAsString());
        TaskSpec back = TaskSpec.fromJson(h, "m.safetensors");
        assertEquals(spec, back);
        assertArrayEquals(new double[] {-175, 250}, back.huWindow());
        assertArrayEquals(new double[] {-175, 250}, back.intensity().window());
        assertNotEquals(spec, spec.withHuWindow(new double[] {-1000, 1000}), "the window is part of the model");
    }

    @Test
    void aHeaderWithoutWindowReadsAsMg3dsDefault() {
        JsonObject h = ct(new double[] {-175, 250}).toJson();
        h.remove("hu_window");
        assertArrayEquals(new double[] {-1000, 1000}, TaskSpec.fromJson(h, "old.safetensors").huWindow());
        TaskSpec mri = new TaskSpec(TaskSpec.Task.SEGMENTATION, "tiny", List.of(Modality.T1, Modality.FLAIR),
                io.github.medvp.tasks.segmentation.LabelSpec.binary(), List.of(), 32, null);
        assertArrayEquals(new double[] {-1000, 1000}, mri.huWindow());
        assertEquals("per-channel 5-95 percentile scaling without clipping, RAS, 1 mm",
                mri.toJson().get("normalisation").getAsString());
    }

    @Test
    void ctHasNoTemplatesAndABadWindowIsADamagedHeader() {
        MedvpException e = assertThrows(MedvpException.class, () -> new TaskSpec(TaskSpec.Task.SEGMENTATION, "tiny",
                List.of(Modality.T1, Modality.CT), io.github.medvp.tasks.segmentation.LabelSpec.binary(), List.of(),
                32, new int[] {40, 40, 40}));
        assertTrue(e.getMessage().contains("modality templates exist only for"), e.getMessage());
        JsonObject h = ct(null).toJson();
        assertEquals("[-1000.0,1000.0]", h.get("hu_window").toString());
        h.add("hu_window", com.google.gson.JsonParser.parseString("[300, -200]"));
        e = assertThrows(MedvpException.class, () -> TaskSpec.fromJson(h, "bad.safetensors"));
        assertTrue(e.getMessage().startsWith("bad.safetensors has a damaged fine-tuning header (hu_window [300.0, "
                + "-200.0]"), e.getMessage());
    }
}
