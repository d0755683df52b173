package io.github.medvp.io;

import net.imglib2.img.array.ArrayImgs;
import net.imglib2.view.Views;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class VolumeTest {

    private static float[] floats(Volume v) {
        return v.toFloatImg().update(null).getCurrentStorageArray();
    }

    @Test
    void toFloatImgScalesEveryStoredType() {
        Geometry g = Geometry.ofSpacing(1, 1, 1);
        assertArrayEquals(new float[] {-7, 1, 3, 32767 * 0.5f + 1},
                floats(new Volume(ArrayImgs.shorts(new short[] {-16, 0, 4, Short.MAX_VALUE}, 2, 2, 1), g, 0.5, 1,
                        null)), 1e-3f, "signed int16, scaled");
        assertArrayEquals(new float[] {0, 1, 65535, 32768},
                floats(new Volume(ArrayImgs.unsignedShorts(new short[] {0, 1, -1, (short) 32768}, 2, 2, 1), g)),
                "uint16 keeps values above 32767");
        assertArrayEquals(new float[] {255, 1, 128, 0},
                floats(new Volume(ArrayImgs.unsignedBytes(new byte[] {-1, 1, -128, 0}, 2, 2, 1), g)), "uint8");
        assertArrayEquals(new float[] {-1, 1, -128, 0},
                floats(new Volume(ArrayImgs.bytes(new byte[] {-1, 1, -128, 0}, 2, 2, 1), g)), "int8");
        assertArrayEquals(new float[] {1.5f, 3.5f, -0.5f, 1},
                floats(new Volume(ArrayImgs.floats(new float[] {1, 3, -1, 0.5f}, 2, 2, 1), g, 1, 0.5, null)),
                "float32 with an intercept");
        // A view (not an ArrayImg) takes the general path with the same result.
        var img = ArrayImgs.unsignedShorts(new short[] {5, 6, 7, 8}, 2, 2, 1);
        assertArrayEquals(new float[] {7, 8, 5, 6},
                floats(new Volume(Views.zeroMin(Views.invertAxis(img, 1)), g, 1, 0, null)));
    }
}
