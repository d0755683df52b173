package io.github.medvp.tasks.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import io.github.medvp.tasks.TaskSpec;
import io.github.medvp.tasks.segmentation.LabelSpec;
import java.nio.file.Path;
import java.util.List;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inference inputs: a file whose modality name is unknown is refused, as training refuses it, not left out. */
class InferenceInputsTest {

    @TempDir
    Path dir;

    @Test
    void aFolderWithAnUnknownModalityNameIsRefused() throws Exception {
        for (String m : List.of("t1", "flair", "t1gd")) {
            NiftiWriter.write(new Volume(ArrayImgs.floats(new float[8], 2, 2, 2), Geometry.ofSpacing(1, 1, 1)),
                    dir.resolve("case_" + m + ".nii.gz"));
        }
        TaskSpec spec = new TaskSpec(TaskSpec.Task.SEGMENTATION, "tiny", List.of(Modality.T1, Modality.T1C,
                Modality.FLAIR), LabelSpec.brats(), List.of(), 32, null);
        MedvpException e = assertThrows(MedvpException.class, () -> InferenceInputs.list(dir, List.of(), "", spec));
        assertTrue(e.getMessage().startsWith("study case: unknown modality 't1gd' of " + dir.resolve(
                "case_t1gd.nii.gz") + "; accepted: "), e.getMessage());
        assertTrue(e.getMessage().contains("flair") && e.getMessage().contains("aliases"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        // Named by an alias, the file is the model's t1c channel.
        var items = InferenceInputs.list(dir, List.of(), "t1gd=t1c", spec);
        assertEquals(List.of(Modality.FLAIR, Modality.T1, Modality.T1C), items.get(0).load().modalities());
    }
}
