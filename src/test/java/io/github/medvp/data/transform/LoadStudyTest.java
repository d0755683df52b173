package io.github.medvp.data.transform;

import io.github.medvp.data.Fixtures;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.TestSamples;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import net.imglib2.img.array.ArrayImgs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.medvp.MedvpException;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;

class LoadStudyTest {

    @TempDir
    Path dir;

    private final int[] shape = { 3, 4, 5 };

    private static Study.Channel ch(Modality m, Path p) {
        return new Study.Channel(m.token(), m, p);
    }

    @Test
    void stacksChannelsInSampleOrderWithLabel() throws IOException {
        float[] ramp = TestSamples.ramp(shape);
        float[] twice = ramp.clone();
        for (int i = 0; i < twice.length; i++) {
            twice[i] *= 2;
        }
        Geometry g = new Geometry(new double[][] { { 1, 0, 0, -5 }, { 0, 1, 0, 3 }, { 0, 0, 2, 7 } });
        Path t1 = Fixtures.write(dir.resolve("c_t1.nii.gz"), ramp, shape, g);
        Path flair = Fixtures.write(dir.resolve("c_flair.nii"), twice, shape, g);
        Path seg = Fixtures.write(dir.resolve("c_seg.nii.gz"), new float[60], shape, g);
        Study st = new Study("c", List.of(ch(Modality.T1, t1), ch(Modality.FLAIR, flair)), seg, null, null, "t");
        Sample s = new LoadStudy().apply(Sample.of(st), null);
        assertArrayEquals(shape, s.shape());
        assertEquals(List.of(Modality.T1, Modality.FLAIR), s.modalities());
        assertArrayEquals(ramp, s.image()[0], 0);
        assertArrayEquals(twice, s.image()[1], 0);
        assertEquals(1, s.label().length);
        assertEquals(g, s.geometry());
        // Without the label, and in the order a subsample chose, with a repeat that gets its own array.
        Sample sub = new Sample(st, null, null, List.of(Modality.FLAIR, Modality.FLAIR), null, null,
                java.util.Map.of("k", 1));
        Sample s2 = new LoadStudy(false).apply(sub, null);
        assertArrayEquals(twice, s2.image()[1], 0);
        assertNotSame(s2.image()[0], s2.image()[1]);
        assertEquals(null, s2.label());
        assertEquals(1, s2.meta("k"), "metadata carried over");
    }

    @Test
    void scaledIntegerFilesGiveScaledFloats() throws IOException {
        short[] raw = { 1, 2, 3, 4, 5, 6 };
        Path p = dir.resolve("s_t2.nii");
        NiftiWriter.write(new Volume(ArrayImgs.shorts(raw, 1, 2, 3), Fixtures.oneMm(), 2, 0.5, null), p);
        Study st = new Study("s", List.of(ch(Modality.T2, p)), null, null, null, "t");
        Sample s = new LoadStudy().apply(Sample.of(st), null);
        assertArrayEquals(new float[] { 2.5f, 4.5f, 6.5f, 8.5f, 10.5f, 12.5f }, s.image()[0], 0);
    }

    @Test
    void channelsOfOne4dFile() throws IOException {
        float[] data = new float[2 * 60];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        Path p = Fixtures.write(dir.resolve("multi.nii.gz"), data, new int[] { 3, 4, 5, 2 }, Fixtures.oneMm());
        Study st = new Study("m", List.of(new Study.Channel("T2", Modality.T2, p, 1),
                new Study.Channel("FLAIR", Modality.FLAIR, p, 0)), null, null, null, "t");
        Sample s = new LoadStudy().apply(Sample.of(st), null);
        assertEquals(60, s.image()[0][0]);
        assertEquals(0, s.image()[1][0]);
        assertEquals(59, s.image()[1][59]);
        Study plain = new Study("m", List.of(ch(Modality.T2, p)), null, null, null, "t");
        MedvpException e = assertThrows(MedvpException.class, () -> new LoadStudy().apply(Sample.of(plain), null));
        assertTrue(e.getMessage().contains("has 2 volumes"), e.getMessage());
    }

    @Test
    void errorsNameTheStudyAndTheFile() throws IOException {
        Path a = Fixtures.constant(dir.resolve("x_t1.nii"), shape, 1);
        Path b = Fixtures.constant(dir.resolve("x_t2.nii"), new int[] { 3, 4, 6 }, 1);
        Study st = new Study("case7", List.of(ch(Modality.T1, a), ch(Modality.T2, b)), null, null, null, "t");
        MedvpException e = assertThrows(MedvpException.class, () -> new LoadStudy().apply(Sample.of(st), null));
        assertTrue(e.getMessage().startsWith("study case7: " + b) && e.getMessage().contains(a.toString()),
                e.getMessage());
        Path missing = dir.resolve("gone_t1.nii.gz");
        Study st2 = new Study("case8", List.of(ch(Modality.T1, missing)), null, null, null, "t");
        e = assertThrows(MedvpException.class, () -> new LoadStudy().apply(Sample.of(st2), new SplittableRandom(1)));
        assertTrue(e.getMessage().startsWith("study case8: ") && e.getMessage().contains(missing.toString()),
                e.getMessage());
    }
}
