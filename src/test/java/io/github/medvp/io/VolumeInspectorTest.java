package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.medvp.MedvpException;
import net.imglib2.img.array.ArrayImgs;

class VolumeInspectorTest {

    @TempDir
    Path dir;

    @Test
    void parsesIndicesAndNamesTheSettingOnErrors() {
        List<long[]> idx = VolumeInspector.parseIndices(" 1,2,3 ; 4,5,6,0;");
        assertEquals(2, idx.size());
        assertArrayEquals(new long[] { 4, 5, 6, 0 }, idx.get(1));
        assertTrue(VolumeInspector.parseIndices(null).isEmpty());
        for (String bad : new String[] { "1,2", "1,x,3", "1,2,3,4,5,6,7,8", "1.5,2,3" }) {
            MedvpException e = assertThrows(MedvpException.class, () -> VolumeInspector.parseIndices(bad));
            assertTrue(e.getMessage().startsWith("index:"), e.getMessage());
        }
    }

    @Test
    void reportsScaledStatisticsAndRasSamples() throws IOException {
        Fixture f = new Fixture(); // srow LAS: x flipped
        f.datatype = 4;
        f.slope = 0.5;
        f.inter = 1;
        Path p = f.write(dir, "i.nii", false);
        VolumeInspector.Report stored = VolumeInspector.inspect(p, false, "3,0,1");
        VolumeInspector.Report ras = VolumeInspector.inspect(p, true, "0,0,1");
        double sum = 0, min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (int i = 0; i < 24; i++) {
            double x = Fixture.value(4, i) * 0.5 + 1;
            sum += x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        assertEquals(sum, stored.sum, 0.0);
        assertEquals(sum / 24, stored.mean, 1e-12);
        assertEquals(min, stored.min);
        assertEquals(max, stored.max);
        assertEquals("LAS", stored.axcodes);
        assertEquals("RAS", ras.axcodes);
        assertEquals(4, stored.datatype);
        assertArrayEquals(new double[] { 1.5, 2, 2.5 }, stored.zooms);
        // Stored voxel (3,0,1) is RAS voxel (0,0,1).
        double want = Fixture.value(4, 3 + 12) * 0.5 + 1;
        assertEquals(want, stored.samples.get(0).value);
        assertEquals(want, ras.samples.get(0).value);
        assertEquals(1.5, ras.affine[0][0]);
        assertEquals(10 - 4.5, ras.affine[0][3]);

        JsonObject json = JsonParser.parseString(ras.toJson()).getAsJsonObject();
        assertEquals("RAS", json.get("axcodes").getAsString());
        assertEquals(sum, json.get("sum").getAsDouble(), 0.0);
        assertEquals(want, json.getAsJsonArray("samples").get(0).getAsJsonObject().get("value").getAsDouble());
        String text = ras.toText();
        assertTrue(text.contains("axcodes:         RAS"), text);
        assertTrue(text.contains("shape:           4 3 2"), text);

        assertThrows(MedvpException.class, () -> VolumeInspector.inspect(p, false, "4,0,0"));
        assertThrows(MedvpException.class, () -> VolumeInspector.inspect(p, false, "0,0,0,1"));
    }

    @Test
    void nanPropagatesLikeNumpy() {
        float[] d = { 1, 2, Float.NaN, 4, 5, 6, 7, 8 };
        Volume v = new Volume(ArrayImgs.floats(d, 2, 2, 2), Geometry.ofSpacing(1, 1, 1));
        VolumeInspector.Report r = VolumeInspector.inspect(v, "nan", false, List.of(new long[] { 0, 1, 0 }));
        assertTrue(Double.isNaN(r.min) && Double.isNaN(r.max) && Double.isNaN(r.mean) && Double.isNaN(r.sum));
        assertEquals(Double.NaN, r.samples.get(0).value);
        assertTrue(r.toJson().contains("NaN"));
        Volume flat = new Volume(v.raw(), new Geometry(new double[][] { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 0, 0 } }));
        MedvpException noRas = assertThrows(MedvpException.class,
                () -> VolumeInspector.inspect(flat, "flat", true, List.of()));
        assertTrue(noRas.getMessage().startsWith("ras:"), noRas.getMessage());
        assertEquals(r.toText(), r.render("TEXT"));
        assertEquals(r.toJson(), r.render("json"));
        MedvpException e = assertThrows(MedvpException.class, () -> r.render("xml"));
        assertTrue(e.getMessage().startsWith("format:"), e.getMessage());
    }
}
