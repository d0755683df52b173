package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class CaptionsTest {

    private static int inked(BufferedImage img) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xffffff) != 0xffffff ? 1 : 0;
            }
        }
        return n;
    }

    private static BufferedImage caption(String text) {
        BufferedImage img = new BufferedImage(200, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 200, 30);
            g.setColor(Color.BLACK);
            Captions.draw(g, text, 5, 20);
        } finally {
            g.dispose();
        }
        return img;
    }

    @Test
    void drawsTextAndFallsBackToNoneWhenJavaCannotRenderIt() {
        try {
            assertTrue(Captions.available());
            assertTrue(inked(caption("training loss")) > 0, "no text drawn");
            // What a Java runtime without the system's font library throws at the first drawString.
            Captions.disable(new UnsatisfiedLinkError("libfontmanager.so: libharfbuzz.so.0: cannot open shared "
                    + "object file"));
            assertFalse(Captions.available());
            assertEquals(0, inked(caption("training loss")));
            BufferedImage img = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            assertEquals(7 * 5, Captions.width(g, "0.125"));
            g.dispose();
        } finally {
            Captions.reset();
        }
    }
}
