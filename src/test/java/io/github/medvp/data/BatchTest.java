package io.github.medvp.data;

import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.transform.RandomCrop;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.medvp.MedvpException;

class BatchTest {

    @Test
    void stacksInCOrderIntoADirectNativeBuffer() {
        int[] shape = { 2, 3, 4 };
        Sample a = TestSamples.of(shape, TestSamples.ramp(shape), new float[24]).with(Sample.REP_START,
                new int[] { 1, 2, 3 });
        float[] lab = TestSamples.ramp(shape);
        for (int i = 0; i < lab.length; i++) {
            lab[i] = -lab[i];
        }
        a = a.withLabel(new float[][] { lab });
        Sample b = TestSamples.of(shape, new float[24], TestSamples.ramp(shape)).withLabel(new float[][] { new float[24] });
        Batch batch = Batch.of(3, 7, List.of(a, b));
        assertArrayEquals(new long[] { 2, 2, 2, 3, 4 }, batch.shape());
        assertTrue(batch.imageBytes().isDirect());
        assertEquals(ByteOrder.nativeOrder(), batch.imageBytes().order());
        FloatBuffer f = batch.images();
        for (int x = 0; x < 2; x++) {
            for (int y = 0; y < 3; y++) {
                for (int z = 0; z < 4; z++) {
                    int c = (x * 3 + y) * 4 + z;
                    float v = TestSamples.at(a, 0, x, y, z);
                    assertEquals(v, f.get(c), "sample 0 channel 0 (x,y,z) at C-order index");
                    assertEquals(v, f.get(3 * 24 + c), "sample 1 channel 1");
                    assertEquals(0, f.get(24 + c));
                    assertEquals(-v, batch.labels().get(c));
                }
            }
        }
        assertArrayEquals(new long[] { 2, 1, 2, 3, 4 }, batch.labelShape());
        assertEquals(List.of("sample", "sample"), batch.studyIds());
        assertArrayEquals(new int[] { 1, 2, 3 }, batch.repStarts()[0]);
        assertNull(batch.repStarts()[1]);
        assertEquals(List.of(Modality.FLAIR, Modality.T1), batch.modalities().get(1));
        assertEquals(3, batch.epoch());
        assertEquals(7, batch.index());
    }

    @Test
    void unequalSamplesAreNamed() {
        Sample a = TestSamples.of(new int[] { 2, 2, 2 }, new float[8]);
        Sample b = TestSamples.of(new int[] { 2, 2, 3 }, new float[12]);
        MedvpException e = assertThrows(MedvpException.class, () -> Batch.of(0, 0, List.of(a, b)));
        assertTrue(e.getMessage().contains("[2, 2, 3]") && e.getMessage().contains("RandomCrop"), e.getMessage());
        Sample c = TestSamples.of(new int[] { 2, 2, 2 }, new float[8]).withLabel(new float[][] { new float[8] });
        assertThrows(MedvpException.class, () -> Batch.of(0, 0, List.of(a, c)));
    }
}
