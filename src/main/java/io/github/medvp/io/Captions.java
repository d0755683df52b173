package io.github.medvp.io;

import java.awt.Graphics2D;

/**
 * Text on the PNG figures MedVP writes (training curves, slice panels), which falls back to figures without text
 * where Java cannot render any: a headless node or a trimmed Java runtime without the system's font libraries (seen
 * on a GPU machine: {@code libfontmanager.so} could not load {@code libharfbuzz.so.0}). A figure is a by-product of a
 * run; a missing font library must not stop training after its first logged step.
 */
public final class Captions {

    /** Average advance of the fallback's absent glyphs, for layouts that measure text. */
    private static final int FALLBACK_CHAR_WIDTH = 7;

    private static volatile boolean available = true;

    private Captions() {
    }

    /** Draws {@code text} with its baseline at (x, y), or nothing once text rendering failed. */
    public static void draw(Graphics2D g, String text, int x, int y) {
        if (available) {
            try {
                g.drawString(text, x, y);
            } catch (LinkageError | InternalError e) {
                disable(e);
            }
        }
    }

    /** The width of {@code text} in the current font; an estimate once text rendering failed. */
    public static int width(Graphics2D g, String text) {
        if (available) {
            try {
                return g.getFontMetrics().stringWidth(text);
            } catch (LinkageError | InternalError e) {
                disable(e);
            }
        }
        return FALLBACK_CHAR_WIDTH * text.length();
    }

    /** Whether text is still drawn. */
    public static boolean available() {
        return available;
    }

    /** Draws text again (tests). */
    static void reset() {
        available = true;
    }

    /** Stops drawing text for the rest of the process, saying so once. */
    static synchronized void disable(Throwable why) {
        if (available) {
            available = false;
            String cause = why.getMessage() == null ? why.getClass().getSimpleName() : why.getMessage();
            System.err.println("medvp: warning: Java cannot render text here (" + cause + "); figures are written "
                    + "without text. Install the system's font libraries (e.g. Debian's libharfbuzz0b and "
                    + "fontconfig) for labelled figures.");
        }
    }
}
