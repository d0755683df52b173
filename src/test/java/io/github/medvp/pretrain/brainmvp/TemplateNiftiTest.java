package io.github.medvp.pretrain.brainmvp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Volume;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import net.imglib2.RandomAccess;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateNiftiTest {

    @Test
    void writesNormalisedTemplatesPerModalityAndAsAStackOnTheCanvas(@TempDir Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            ModalityTemplates t = ModalityTemplatesTest.filled(m);
            List<Path> files = TemplateNifti.write(t, dir);
            assertEquals(List.of(dir.resolve("template_t1.nii.gz"), dir.resolve("template_t2.nii.gz"),
                    dir.resolve(TemplateNifti.STACK)), files);
            int gx = ModalityTemplatesTest.GX;
            int gy = ModalityTemplatesTest.GY;
            int gz = ModalityTemplatesTest.GZ;
            Volume t2 = NiftiReader.read(files.get(1));
            assertArrayEquals(new long[] {gx, gy, gz}, t2.dimensions());
            assertEquals("RAS", t2.geometry().axisCodes());
            assertArrayEquals(new double[] {-(gx - 1), 0, 0}, t2.geometry().toWorld(0, 0, 0), 1e-9);
            assertArrayEquals(new double[] {1, 1, 1}, t2.geometry().spacing(), 1e-9);
            RandomAccess<FloatType> a = t2.floatView().randomAccess();
            float lo = ModalityTemplatesTest.value(1, 0, 0, 0);
            float hi = ModalityTemplatesTest.value(1, gx - 1, gy - 1, gz - 1);
            int[][] probes = {{0, 0, 0}, {gx - 1, gy - 1, gz - 1}, {4, 1, 3}, {2, 3, 0}};
            for (int[] p : probes) {
                float expected = (ModalityTemplatesTest.value(1, p[0], p[1], p[2]) - lo) / (hi - lo + 1e-9f);
                assertEquals(expected, a.setPositionAndGet(p[0], p[1], p[2]).get(), 1e-6f,
                        "voxel " + java.util.Arrays.toString(p));
            }
            Volume stack = NiftiReader.read(files.get(2));
            assertArrayEquals(new long[] {gx, gy, gz, 2}, stack.dimensions());
            RandomAccess<FloatType> s = stack.floatView().randomAccess();
            assertEquals(a.setPositionAndGet(4, 1, 3).get(), s.setPositionAndGet(4, 1, 3, 1).get());
            assertEquals(0f, s.setPositionAndGet(0, 0, 0, 0).get());
            assertEquals(1f, s.setPositionAndGet(gx - 1, gy - 1, gz - 1, 0).get(), 1e-6f);
        }
    }

    @Test
    void zeroTemplatesExportAsZeros(@TempDir Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            ModalityTemplates t = ModalityTemplates.builder().optModalities(List.of(Modality.ADC)).optGrid(3, 2, 2)
                    .build();
            t.initialize(m, DataType.FLOAT32, new Shape(1), new Shape(1, 3), new Shape(1, 1, 1, 1, 1));
            Volume v = NiftiReader.read(TemplateNifti.write(t, dir).get(0));
            assertEquals(0f, v.floatView().randomAccess().setPositionAndGet(2, 1, 1).get());
        }
    }
}
