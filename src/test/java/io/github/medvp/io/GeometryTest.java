package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GeometryTest {

    @Test
    void axisCodesAndSpacing() {
        Geometry las = new Geometry(new double[][] { { -2, 0, 0, 1 }, { 0, 2, 0, 2 }, { 0, 0, 3, 3 } });
        assertEquals("LAS", las.axisCodes());
        assertArrayEquals(new double[] { 2, 2, 3 }, las.spacing());
        // 30 degrees about z: still closest to R and A; 60 degrees: axes swap.
        double c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
        assertEquals("RAS", new Geometry(new double[][] { { c, -s, 0, 0 }, { s, c, 0, 0 }, { 0, 0, 1, 0 } })
                .axisCodes());
        assertEquals("ALS", new Geometry(new double[][] { { s, -c, 0, 0 }, { c, s, 0, 0 }, { 0, 0, 1, 0 } })
                .axisCodes());
        assertEquals("RA?", new Geometry(new double[][] { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 0, 0 } })
                .axisCodes());
    }

    @Test
    void quaternionRoundTripKeepsTheAffine() {
        double c = Math.cos(0.4), s = Math.sin(0.4);
        double[][] a = { { 2 * c, 0, -3 * s, 5 }, { 2 * s, 0, 3 * c, 6 }, { 0, -1.5, 0, 7 }, { 0, 0, 0, 1 } };
        NiftiHeader h = new NiftiHeader();
        h.version = 2;
        h.dim[0] = 3;
        h.setAffine(a, 1, 0);
        double[][] q = h.qformAffine();
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(a[r], q[r], 1e-12, "row " + r);
        }
        assertEquals(new Geometry(a).axisCodes(), new Geometry(q).axisCodes());
    }
}
